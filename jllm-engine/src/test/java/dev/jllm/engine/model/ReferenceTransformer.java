package dev.jllm.engine.model;

import dev.jllm.engine.gguf.GgmlType;
import dev.jllm.engine.gguf.GgufFile;
import dev.jllm.engine.gguf.GgufTensor;
import dev.jllm.engine.quant.WeightMatrix;

/**
 * A plain double-precision decoder forward pass, written from the published model definitions (Hugging Face
 * transformers' modeling_llama, modeling_mistral, modeling_qwen2 and modeling_qwen3) and llama.cpp's reading of GGUF
 * metadata, to check the engine against. It shares nothing with the engine but the GGUF reader and
 * {@link WeightMatrix#dequantizeRow} (both proven on their own): it reads its own hyper-parameters, recomputes every
 * position from scratch, and has no cache, no batching and no float arithmetic.
 *
 * <p>Per layer: h = x + Wo·attention(rope(Wq·n + bq), rope(Wk·n + bk), Wv·n + bv) with n = RMSNorm(x), then
 * x' = h + Wdown·(silu(Wgate·m) * Wup·m) with m = RMSNorm(h); logits = Wout·RMSNorm(x_last). Attention is causal
 * softmax(q·k / sqrt(head size))·v, query head h reading KV head h / (heads / kvHeads) (repeat_kv), and with a sliding
 * window a query at position i sees the keys j with i - window &lt; j &lt;= i (llama.cpp's is_masked_swa: masked when
 * i - j &gt;= window; the same as Mistral's).
 *
 * <p>Rope conventions. Hugging Face rotates the halves of a head (rotate_half: pairs (i, i + d/2)). For qwen2 and
 * qwen3 GGUF files hold the Hugging Face weights unchanged, so this class rotates halves. For llama (and mistral)
 * convert_hf_to_gguf permutes the rows of Q and K within each head so that llama.cpp can rotate adjacent pairs
 * (2i, 2i+1); this class works in that GGUF convention and rotates adjacent pairs ({@code ReferenceTransformerTest}
 * checks that it equals rotate_half on un-permuted weights). The angle of pair i at position p is
 * {@code p * positionScale * base^(-2i/d) / freqFactor[i]}: linear scaling divides positions by its factor, and
 * Llama 3's rope_freqs.weight divides each frequency by its factor (llama.cpp's theta / freq_factor).
 */
public final class ReferenceTransformer {
    /** Which dimensions of a head rope rotates together. */
    public enum RopePairing {
        /** (2i, 2i+1): llama.cpp's convention for llama GGUF files. */
        ADJACENT,
        /** (i, i + d/2): Hugging Face's rotate_half, GPT-NeoX, Qwen. */
        HALVES
    }

    /**
     * What the reference computes; {@link #of} reads it from a file, the {@code with...} methods turn one feature off
     * or change it, so that a test can show that the feature matters.
     *
     * @param positionScale 1 / linear rope scaling factor
     * @param window sliding-window size in tokens, 0 for full causal attention
     * @param f16Activations round the inputs of F16 matrices to half precision, as ggml does (vec_dot_type F16)
     */
    public record Spec(String architecture, int dim, int layers, int heads, int kvHeads, int headSize, int ffn, double eps,
            double ropeBase, double positionScale, RopePairing pairing, int window, boolean qkvBias, boolean qkNorm,
            boolean ropeFreqFactors, boolean f16Activations) {

        /** The model in {@code f} as llama.cpp reads its metadata (llama_model_loader, load_hparams, llama_context). */
        public static Spec of(GgufFile f) {
            String arch = f.getString("general.architecture");
            String p = arch + ".";
            RopePairing pairing = switch (arch) {
                case "llama", "mistral" -> RopePairing.ADJACENT;
                case "qwen2", "qwen3" -> RopePairing.HALVES;
                default -> throw new IllegalArgumentException("the reference has no definition of '" + arch + "'");
            };
            int dim = f.getInt(p + "embedding_length");
            int heads = f.getInt(p + "attention.head_count");
            int kvHeads = f.getInt(p + "attention.head_count_kv", heads);
            int headSize = f.getInt(p + "attention.key_length", dim / heads);
            if (f.getInt(p + "rope.dimension_count", headSize) != headSize) {
                throw new IllegalArgumentException("llama.cpp rotates whole heads for " + arch + " (invalid n_rot)");
            }
            // llama.cpp: the scaling type defaults to linear; the factor (or the older rope.scale_linear) applies
            // unless the type is none
            String scaling = f.getString(p + "rope.scaling.type", "linear");
            double factor = f.has(p + "rope.scaling.factor") ? f.getFloat(p + "rope.scaling.factor", 0)
                    : f.getFloat(p + "rope.scale_linear", 0);
            if (!scaling.equals("linear") && !scaling.equals("none")) {
                throw new IllegalArgumentException("the reference has no rope scaling '" + scaling + "'");
            }
            double positionScale = scaling.equals("none") || factor == 0 ? 1 : 1 / factor;
            int window = arch.equals("mistral") ? f.getInt(p + "attention.sliding_window", 0) : 0;
            boolean ropeFreqs = (arch.equals("llama") || arch.equals("mistral")) && f.tensorOrNull("rope_freqs.weight") != null;
            return new Spec(arch, dim, f.getInt(p + "block_count"), heads, kvHeads, headSize,
                    f.getInt(p + "feed_forward_length"), f.getFloat(p + "attention.layer_norm_rms_epsilon", 1e-5f),
                    f.getFloat(p + "rope.freq_base", 10000f), positionScale, pairing, window, arch.equals("qwen2"),
                    arch.equals("qwen3"), ropeFreqs, false);
        }

        public Spec withPairing(RopePairing pairing) {
            return new Spec(architecture, dim, layers, heads, kvHeads, headSize, ffn, eps, ropeBase, positionScale, pairing,
                    window, qkvBias, qkNorm, ropeFreqFactors, f16Activations);
        }

        public Spec withPositionScale(double positionScale) {
            return new Spec(architecture, dim, layers, heads, kvHeads, headSize, ffn, eps, ropeBase, positionScale, pairing,
                    window, qkvBias, qkNorm, ropeFreqFactors, f16Activations);
        }

        public Spec withWindow(int window) {
            return new Spec(architecture, dim, layers, heads, kvHeads, headSize, ffn, eps, ropeBase, positionScale, pairing,
                    window, qkvBias, qkNorm, ropeFreqFactors, f16Activations);
        }

        public Spec withoutQkvBias() {
            return new Spec(architecture, dim, layers, heads, kvHeads, headSize, ffn, eps, ropeBase, positionScale, pairing,
                    window, false, qkNorm, ropeFreqFactors, f16Activations);
        }

        public Spec withoutQkNorm() {
            return new Spec(architecture, dim, layers, heads, kvHeads, headSize, ffn, eps, ropeBase, positionScale, pairing,
                    window, qkvBias, false, ropeFreqFactors, f16Activations);
        }

        public Spec withoutRopeFreqFactors() {
            return new Spec(architecture, dim, layers, heads, kvHeads, headSize, ffn, eps, ropeBase, positionScale, pairing,
                    window, qkvBias, qkNorm, false, f16Activations);
        }

        public Spec withF16Activations(boolean on) {
            return new Spec(architecture, dim, layers, heads, kvHeads, headSize, ffn, eps, ropeBase, positionScale, pairing,
                    window, qkvBias, qkNorm, ropeFreqFactors, on);
        }
    }

    /** A weight matrix widened to doubles; {@code f16} when it is stored as F16. */
    private record Matrix(double[][] rows, boolean f16) {}

    private record Layer(double[] attnNorm, Matrix wq, Matrix wk, Matrix wv, Matrix wo, double[] bq, double[] bk,
            double[] bv, double[] qNorm, double[] kNorm, double[] ffnNorm, Matrix gate, Matrix up, Matrix down) {}

    private final Spec spec;
    private final Matrix embedding;
    private final Layer[] layers;
    private final double[] outputNorm;
    private final Matrix output;
    private final double[] freqFactors;

    public ReferenceTransformer(GgufFile f) {
        this(f, Spec.of(f));
    }

    public ReferenceTransformer(GgufFile f, Spec spec) {
        this.spec = spec;
        this.embedding = matrix(f, "token_embd.weight");
        this.layers = new Layer[spec.layers()];
        for (int l = 0; l < spec.layers(); l++) {
            String b = "blk." + l + ".";
            layers[l] = new Layer(vector(f, b + "attn_norm.weight"),
                    matrix(f, b + "attn_q.weight"), matrix(f, b + "attn_k.weight"), matrix(f, b + "attn_v.weight"),
                    matrix(f, b + "attn_output.weight"),
                    spec.qkvBias() ? vector(f, b + "attn_q.bias") : null,
                    spec.qkvBias() ? vector(f, b + "attn_k.bias") : null,
                    spec.qkvBias() ? vector(f, b + "attn_v.bias") : null,
                    spec.qkNorm() ? vector(f, b + "attn_q_norm.weight") : null,
                    spec.qkNorm() ? vector(f, b + "attn_k_norm.weight") : null,
                    vector(f, b + "ffn_norm.weight"),
                    matrix(f, b + "ffn_gate.weight"), matrix(f, b + "ffn_up.weight"), matrix(f, b + "ffn_down.weight"));
        }
        this.outputNorm = vector(f, "output_norm.weight");
        this.output = f.tensorOrNull("output.weight") != null ? matrix(f, "output.weight") : embedding;
        this.freqFactors = spec.ropeFreqFactors() ? vector(f, "rope_freqs.weight") : null;
    }

    public Spec spec() {
        return spec;
    }

    /** The logits after each prefix of {@code tokens}: row t is the prediction after tokens[0..t]. */
    public double[][] logits(int[] tokens) {
        double[][] hidden = lastHidden(tokens);
        double[][] logits = new double[tokens.length][];
        for (int t = 0; t < tokens.length; t++) logits[t] = apply(output, rmsNorm(hidden[t], outputNorm));
        return logits;
    }

    /** The logits after all of {@code tokens}. */
    public double[] lastLogits(int[] tokens) {
        double[][] hidden = lastHidden(tokens);
        return apply(output, rmsNorm(hidden[tokens.length - 1], outputNorm));
    }

    /** The residual stream after the last layer, per position. */
    private double[][] lastHidden(int[] tokens) {
        int n = tokens.length;
        double[][] x = new double[n][];
        for (int t = 0; t < n; t++) x[t] = embedding.rows()[tokens[t]].clone();
        int hs = spec.headSize();
        for (Layer layer : layers) {
            double[][] q = new double[n][], k = new double[n][], v = new double[n][];
            for (int t = 0; t < n; t++) {
                double[] h = rmsNorm(x[t], layer.attnNorm());
                q[t] = add(apply(layer.wq(), h), layer.bq());
                k[t] = add(apply(layer.wk(), h), layer.bk());
                v[t] = add(apply(layer.wv(), h), layer.bv());
                for (int head = 0; head < spec.heads(); head++) {
                    if (layer.qNorm() != null) normalizeHead(q[t], head * hs, layer.qNorm());
                    rotate(q[t], head * hs, t);
                }
                for (int head = 0; head < spec.kvHeads(); head++) {
                    if (layer.kNorm() != null) normalizeHead(k[t], head * hs, layer.kNorm());
                    rotate(k[t], head * hs, t);
                }
            }
            for (int t = 0; t < n; t++) {
                double[] attended = attend(q, k, v, t);
                double[] o = apply(layer.wo(), attended);
                for (int i = 0; i < spec.dim(); i++) x[t][i] += o[i];
                double[] m = rmsNorm(x[t], layer.ffnNorm());
                double[] g = apply(layer.gate(), m), u = apply(layer.up(), m);
                for (int i = 0; i < g.length; i++) g[i] = g[i] / (1 + Math.exp(-g[i])) * u[i];
                double[] d = apply(layer.down(), g);
                for (int i = 0; i < spec.dim(); i++) x[t][i] += d[i];
            }
        }
        return x;
    }

    /** Every query head of position t over the keys it may see; heads side by side. */
    private double[] attend(double[][] q, double[][] k, double[][] v, int t) {
        int hs = spec.headSize();
        int group = spec.heads() / spec.kvHeads();
        double[] out = new double[spec.heads() * hs];
        double scale = 1 / Math.sqrt(hs);
        for (int head = 0; head < spec.heads(); head++) {
            int kvOff = (head / group) * hs;
            double[] score = new double[t + 1];
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j <= t; j++) {
                if (!visible(t, j)) continue;
                double s = 0;
                for (int i = 0; i < hs; i++) s += q[t][head * hs + i] * k[j][kvOff + i];
                score[j] = s * scale;
                max = Math.max(max, score[j]);
            }
            double sum = 0;
            for (int j = 0; j <= t; j++) {
                score[j] = visible(t, j) ? Math.exp(score[j] - max) : 0;
                sum += score[j];
            }
            for (int j = 0; j <= t; j++) {
                for (int i = 0; i < hs; i++) out[head * hs + i] += score[j] / sum * v[j][kvOff + i];
            }
        }
        return out;
    }

    private boolean visible(int query, int key) {
        return key <= query && (spec.window() == 0 || query - key < spec.window());
    }

    private void rotate(double[] x, int off, int pos) {
        int d = spec.headSize();
        for (int i = 0; i < d / 2; i++) {
            double angle = pos * spec.positionScale() * Math.pow(spec.ropeBase(), -2.0 * i / d);
            if (freqFactors != null) angle /= freqFactors[i];
            int a = spec.pairing() == RopePairing.ADJACENT ? off + 2 * i : off + i;
            int b = spec.pairing() == RopePairing.ADJACENT ? a + 1 : a + d / 2;
            double x0 = x[a], x1 = x[b], c = Math.cos(angle), s = Math.sin(angle);
            x[a] = x0 * c - x1 * s;
            x[b] = x0 * s + x1 * c;
        }
    }

    private void normalizeHead(double[] x, int off, double[] weight) {
        double[] head = java.util.Arrays.copyOfRange(x, off, off + weight.length);
        System.arraycopy(rmsNorm(head, weight), 0, x, off, weight.length);
    }

    private double[] rmsNorm(double[] x, double[] weight) {
        double ss = 0;
        for (double xi : x) ss += xi * xi;
        double inv = 1 / Math.sqrt(ss / x.length + spec.eps());
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) out[i] = x[i] * inv * weight[i];
        return out;
    }

    private double[] apply(Matrix m, double[] x) {
        double[] in = x;
        if (m.f16() && spec.f16Activations()) {
            in = new double[x.length];
            for (int i = 0; i < x.length; i++) in[i] = Float.float16ToFloat(Float.floatToFloat16((float) x[i]));
        }
        double[][] rows = m.rows();
        double[] out = new double[rows.length];
        for (int r = 0; r < rows.length; r++) {
            double s = 0;
            for (int i = 0; i < in.length; i++) s += rows[r][i] * in[i];
            out[r] = s;
        }
        return out;
    }

    private static double[] add(double[] x, double[] bias) {
        if (bias != null) for (int i = 0; i < x.length; i++) x[i] += bias[i];
        return x;
    }

    private static Matrix matrix(GgufFile f, String name) {
        GgufTensor t = f.tensor(name);
        WeightMatrix m = WeightMatrix.of(t);
        double[][] rows = new double[m.rows()][m.cols()];
        float[] row = new float[m.cols()];
        for (int r = 0; r < m.rows(); r++) {
            m.dequantizeRow(r, row, 0);
            for (int i = 0; i < row.length; i++) rows[r][i] = row[i];
        }
        return new Matrix(rows, t.type() == GgmlType.F16);
    }

    private static double[] vector(GgufFile f, String name) {
        return matrix(f, name).rows()[0];
    }
}

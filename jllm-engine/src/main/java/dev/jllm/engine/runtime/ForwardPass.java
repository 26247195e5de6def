package dev.jllm.engine.runtime;

import dev.jllm.engine.model.LayerWeights;
import dev.jllm.engine.model.Model;
import dev.jllm.engine.model.ModelConfig;
import dev.jllm.engine.model.ModelWeights;
import dev.jllm.engine.quant.WeightMatrix;

/**
 * The decoder forward pass for one sequence (llama.cpp's llm_build_llama): for a batch of tokens at consecutive
 * positions, every layer does RMSNorm, Q/K/V projections, rope, causal (optionally sliding-window) attention over
 * the KV cache, the output projection and a SwiGLU feed-forward block, each with a residual connection. A batch of
 * n tokens goes through each weight matrix once as a matrix-matrix product. Only the last token's logits are
 * computed, as in generation.
 *
 * <p>Buffers are allocated once for {@code maxBatch} tokens; longer inputs are processed in chunks.
 */
public final class ForwardPass {
    private final ModelConfig c;
    private final ModelWeights w;
    private final KvCache cache;
    private final Rope rope;
    private final int maxBatch;
    private final float attnScale;

    private final float[] x, xb, q, k, v, att, hb, hb2, logits, cos, sin;

    public ForwardPass(Model model, KvCache cache, int maxBatch) {
        this.c = model.config();
        this.w = model.weights();
        this.cache = cache;
        this.maxBatch = Math.max(1, maxBatch);
        this.rope = new Rope(c, w.ropeFreqs());
        this.attnScale = (float) (1.0 / Math.sqrt(c.headDim()));
        int n = this.maxBatch;
        x = new float[n * c.dim()];
        xb = new float[n * Math.max(c.dim(), c.qDim())];
        q = new float[n * c.qDim()];
        k = new float[n * c.kvDim()];
        v = new float[n * c.kvDim()];
        att = new float[n * c.qDim()];
        hb = new float[n * c.ffnDim()];
        hb2 = new float[n * c.ffnDim()];
        logits = new float[c.vocabSize()];
        cos = new float[c.ropeDims() / 2];
        sin = new float[c.ropeDims() / 2];
    }

    public KvCache cache() {
        return cache;
    }

    /**
     * Runs {@code tokens} at positions {@code startPos, startPos+1, ...} and returns the logits after the last one.
     * The returned array is reused by the next call.
     */
    public float[] forward(int[] tokens, int startPos) {
        if (tokens.length == 0) throw new IllegalArgumentException("no tokens to process");
        if (startPos < 0 || startPos + tokens.length > cache.capacity()) {
            throw new ContextOverflowException(startPos + tokens.length, cache.capacity());
        }
        for (int t : tokens) {
            if (t < 0 || t >= c.vocabSize()) throw new IllegalArgumentException("token id " + t + " is outside the vocabulary (0.." + (c.vocabSize() - 1) + ")");
        }
        int done = 0;
        while (done < tokens.length) {
            int n = Math.min(maxBatch, tokens.length - done);
            forwardChunk(tokens, done, n, startPos + done);
            done += n;
        }
        return computeLogits((tokens.length - 1) % maxBatch);
    }

    private void forwardChunk(int[] tokens, int from, int n, int pos0) {
        int dim = c.dim();
        for (int t = 0; t < n; t++) w.tokenEmbedding().dequantizeRow(tokens[from + t], x, t * dim);
        for (int l = 0; l < c.layers(); l++) {
            LayerWeights lw = w.layers()[l];
            // attention block
            for (int t = 0; t < n; t++) RmsNorm.apply(x, t * dim, lw.attnNorm(), xb, t * dim, dim, c.rmsEps());
            project(lw.wq(), xb, n, q, lw.qBias());
            project(lw.wk(), xb, n, k, lw.kBias());
            project(lw.wv(), xb, n, v, lw.vBias());
            float[] kc = cache.keys(l), vc = cache.values(l);
            for (int t = 0; t < n; t++) {
                if (lw.qNorm() != null) {
                    for (int h = 0; h < c.heads(); h++) RmsNorm.apply(q, t * c.qDim() + h * c.headDim(), lw.qNorm(), q, t * c.qDim() + h * c.headDim(), c.headDim(), c.rmsEps());
                    for (int h = 0; h < c.kvHeads(); h++) RmsNorm.apply(k, t * c.kvDim() + h * c.headDim(), lw.kNorm(), k, t * c.kvDim() + h * c.headDim(), c.headDim(), c.rmsEps());
                }
                rope.angles(pos0 + t, cos, sin);
                rope.apply(q, t * c.qDim(), c.heads(), cos, sin);
                rope.apply(k, t * c.kvDim(), c.kvHeads(), cos, sin);
                System.arraycopy(k, t * c.kvDim(), kc, cache.offset(pos0 + t), c.kvDim());
                System.arraycopy(v, t * c.kvDim(), vc, cache.offset(pos0 + t), c.kvDim());
            }
            attention(kc, vc, n, pos0);
            project(lw.wo(), att, n, xb, null);
            for (int i = 0; i < n * dim; i++) x[i] += xb[i];
            // feed-forward block
            for (int t = 0; t < n; t++) RmsNorm.apply(x, t * dim, lw.ffnNorm(), xb, t * dim, dim, c.rmsEps());
            project(lw.ffnGate(), xb, n, hb, null);
            project(lw.ffnUp(), xb, n, hb2, null);
            for (int i = 0; i < n * c.ffnDim(); i++) {
                float g = hb[i];
                hb[i] = g / (1f + (float) Math.exp(-g)) * hb2[i];
            }
            project(lw.ffnDown(), hb, n, xb, null);
            for (int i = 0; i < n * dim; i++) x[i] += xb[i];
        }
    }

    private void project(WeightMatrix m, float[] in, int n, float[] out, float[] bias) {
        if (n == 1) m.matVec(in, 0, out, 0);
        else m.matMul(in, n, out);
        if (bias != null) {
            int rows = m.rows();
            for (int t = 0; t < n; t++) for (int i = 0; i < rows; i++) out[t * rows + i] += bias[i];
        }
    }

    /** Causal attention of the n new queries over the cache, heads in parallel; the result goes to {@code att}. */
    private void attention(float[] kc, float[] vc, int n, int pos0) {
        int heads = c.heads(), headDim = c.headDim(), kvDim = c.kvDim(), group = c.heads() / c.kvHeads();
        int window = c.slidingWindow();
        Parallel.forRange(n * heads, 1, (start, end) -> {
            float[] scores = new float[pos0 + n];
            for (int job = start; job < end; job++) {
                int t = job / heads, h = job % heads;
                int pos = pos0 + t;
                int first = window > 0 ? Math.max(0, pos - window + 1) : 0;
                int qOff = t * c.qDim() + h * headDim;
                int kvOff = (h / group) * headDim;
                float max = Float.NEGATIVE_INFINITY;
                for (int p = first; p <= pos; p++) {
                    int kOff = p * kvDim + kvOff;
                    float dot = 0f;
                    for (int i = 0; i < headDim; i++) dot += q[qOff + i] * kc[kOff + i];
                    float s = dot * attnScale;
                    scores[p] = s;
                    if (s > max) max = s;
                }
                double sum = 0;
                for (int p = first; p <= pos; p++) {
                    float e = (float) Math.exp(scores[p] - max);
                    scores[p] = e;
                    sum += e;
                }
                float inv = (float) (1.0 / sum);
                int outOff = t * c.qDim() + h * headDim;
                java.util.Arrays.fill(att, outOff, outOff + headDim, 0f);
                for (int p = first; p <= pos; p++) {
                    float a = scores[p] * inv;
                    int vOff = p * kvDim + kvOff;
                    for (int i = 0; i < headDim; i++) att[outOff + i] += a * vc[vOff + i];
                }
            }
        });
    }

    private float[] computeLogits(int lastInChunk) {
        int dim = c.dim();
        RmsNorm.apply(x, lastInChunk * dim, w.outputNorm(), xb, 0, dim, c.rmsEps());
        w.output().matVec(xb, 0, logits, 0);
        return logits;
    }
}

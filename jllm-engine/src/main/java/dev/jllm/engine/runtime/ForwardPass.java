package dev.jllm.engine.runtime;

import dev.jllm.engine.model.LayerWeights;
import dev.jllm.engine.model.Model;
import dev.jllm.engine.model.ModelConfig;
import dev.jllm.engine.model.ModelWeights;
import dev.jllm.engine.quant.GgmlFloat;
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
        this.attnScale = 1f / (float) Math.sqrt(c.headDim()); // 1.0f/sqrtf(n_embd_head)
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
            forwardChunk(tokens, done, n, startPos + done, done + n == tokens.length);
            done += n;
        }
        return computeLogits();
    }

    /**
     * Runs one chunk through every layer. As in llama.cpp, which drops the rows whose logits are not wanted
     * (inp_out_ids) right after the last layer's attention, the last layer's feed-forward block runs for the last
     * token of the last chunk only, which then sits at row 0 (for a batch that changes which matmul kernel runs).
     */
    private void forwardChunk(int[] tokens, int from, int n, int pos0, boolean lastChunk) {
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
            if (l == c.layers() - 1) {
                if (!lastChunk) return;
                System.arraycopy(x, (n - 1) * dim, x, 0, dim);
                n = 1;
            }
            // feed-forward block
            for (int t = 0; t < n; t++) RmsNorm.apply(x, t * dim, lw.ffnNorm(), xb, t * dim, dim, c.rmsEps());
            project(lw.ffnGate(), xb, n, hb, null);
            project(lw.ffnUp(), xb, n, hb2, null);
            for (int t = 0; t < n; t++) GgmlFloat.swiglu(hb, hb2, hb, t * c.ffnDim(), c.ffnDim());
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

    /**
     * The number of cache cells llama.cpp's attention runs over (llama_kv_cache::get_n_kv): the used cells padded to
     * a multiple of 256, at most the cache size, which llama_context pads to a multiple of 256 too. Cells past the used
     * ones are masked and add nothing, but the row length decides how ggml's kernels group the real positions into
     * vector lanes.
     */
    private static int attentionCells(int used) {
        return Math.max(256, (used + 255) / 256 * 256);
    }

    /**
     * Causal attention of the n new queries over the cache, heads in parallel; the result goes to {@code att}. Follows
     * llama.cpp's non-flash path: KQ by ggml_vec_dot_f32, soft_max_ext (scale, then ggml_vec_soft_max_f32 over the
     * padded row), and KQV by llamafile's tinyBLAS for a batch or ggml_vec_dot_f32 for a single token.
     */
    private void attention(float[] kc, float[] vc, int n, int pos0) {
        int heads = c.heads(), headDim = c.headDim(), kvDim = c.kvDim(), group = c.heads() / c.kvHeads();
        int window = c.slidingWindow();
        int cells = attentionCells(pos0 + n);
        // llamafile_sgemm takes batches of at least 2 tokens when k % 16 == 0 (k = cells) and m % 4 == 0
        boolean tinyBlas = n >= 2 && headDim % 4 == 0;
        Parallel.forRange(n * heads, 1, (start, end) -> {
            float[] probs = new float[cells];
            float[] lanes = new float[16];
            float[] acc = new float[64 * headDim];
            float[] kRow = new float[headDim];
            for (int job = start; job < end; job++) {
                int t = job / heads, h = job % heads;
                int pos = pos0 + t;
                int first = window > 0 ? Math.max(0, pos - window + 1) : 0;
                int qOff = t * c.qDim() + h * headDim;
                int kvOff = (h / group) * headDim;
                float max = Float.NEGATIVE_INFINITY;
                for (int p = first; p <= pos; p++) {
                    System.arraycopy(kc, p * kvDim + kvOff, kRow, 0, headDim);
                    float s = GgmlFloat.dot(kRow, 0, q, qOff, headDim) * attnScale;
                    probs[p] = s;
                    if (s > max) max = s;
                }
                softmax(probs, first, pos, max, lanes);
                int outOff = t * c.qDim() + h * headDim;
                if (tinyBlas) weightedValuesTiled(vc, probs, pos, kvDim, kvOff, headDim, acc, outOff);
                else weightedValuesVecDot(vc, probs, pos, kvDim, kvOff, headDim, acc, outOff);
            }
        });
    }

    /**
     * ggml_vec_soft_max_f32 over a row of scores of which only [first, last] are unmasked: groups of 16 take
     * ggml_v_expf and add their lane sum (_mm512_reduce_add_ps) to a double; then every probability is multiplied by
     * (float) (1 / sum). Masked entries are exp(-inf) = 0. The row is a multiple of 256 long, so every group is full.
     */
    private static void softmax(float[] row, int first, int last, float max, float[] lanes) {
        double sum = 0;
        for (int g = first & ~15; g <= last; g += 16) {
            for (int i = 0; i < 16; i++) {
                int p = g + i;
                boolean unmasked = p >= first && p <= last;
                lanes[i] = unmasked ? GgmlFloat.expf(row[p] - max) : 0f;
                if (unmasked) row[p] = lanes[i];
            }
            sum += GgmlFloat.reduce16(lanes, 0, 1);
        }
        float scale = (float) (1.0 / sum);
        java.util.Arrays.fill(row, 0, first, 0f);
        for (int p = first; p <= last; p++) row[p] *= scale;
    }

    /**
     * KQV for a batch as llamafile's tinyBLAS computes it (F32, 16 lanes): lane p % 16 accumulates v[p] * prob[p]
     * by FMA over the cache positions, then the lanes are reduced by _mm512_reduce_add_ps.
     */
    private void weightedValuesTiled(float[] vc, float[] probs, int last, int kvDim, int kvOff, int headDim, float[] acc, int outOff) {
        java.util.Arrays.fill(acc, 0, 16 * headDim, 0f);
        for (int p = 0; p <= last; p++) {
            float w = probs[p];
            int a = (p & 15) * headDim, v = p * kvDim + kvOff;
            for (int d = 0; d < headDim; d++) acc[a + d] = Math.fma(vc[v + d], w, acc[a + d]);
        }
        for (int d = 0; d < headDim; d++) att[outOff + d] = GgmlFloat.reduce16(acc, d, headDim);
    }

    /**
     * KQV for one token as ggml_vec_dot_f32 computes it over the cell row, a multiple of 64 long (no leftovers):
     * position p goes to lane p % 16 of accumulator (p / 16) % 4.
     */
    private void weightedValuesVecDot(float[] vc, float[] probs, int last, int kvDim, int kvOff, int headDim, float[] acc, int outOff) {
        java.util.Arrays.fill(acc, 0, 64 * headDim, 0f);
        for (int p = 0; p <= last; p++) {
            float w = probs[p];
            int a = (p & 63) * headDim, v = p * kvDim + kvOff;
            for (int d = 0; d < headDim; d++) acc[a + d] = Math.fma(vc[v + d], w, acc[a + d]);
        }
        // sum[0] += sum[2]; sum[1] += sum[3]; sum[0] += sum[1]; into the first 16 accumulator lanes
        for (int i = 0; i < 16 * headDim; i++) acc[i] = (acc[i] + acc[32 * headDim + i]) + (acc[16 * headDim + i] + acc[48 * headDim + i]);
        for (int d = 0; d < headDim; d++) att[outOff + d] = GgmlFloat.reduce16(acc, d, headDim);
    }

    private float[] computeLogits() {
        int dim = c.dim();
        RmsNorm.apply(x, 0, w.outputNorm(), xb, 0, dim, c.rmsEps());
        w.output().matVec(xb, 0, logits, 0);
        return logits;
    }
}

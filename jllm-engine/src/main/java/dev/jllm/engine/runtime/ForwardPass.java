package dev.jllm.engine.runtime;

import dev.jllm.engine.model.LayerWeights;
import dev.jllm.engine.model.Model;
import dev.jllm.engine.model.ModelConfig;
import dev.jllm.engine.model.ModelWeights;
import dev.jllm.engine.quant.GgmlFloat;
import dev.jllm.engine.quant.WeightMatrix;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The decoder forward pass (llama.cpp's llm_build_llama): for a batch of tokens, every layer does RMSNorm, Q/K/V
 * projections, rope, causal (optionally sliding-window) {@link Attention} over the KV cache, the output projection
 * and a SwiGLU feed-forward block, each with a residual connection. The batch's tokens go through each weight matrix
 * together, as one matrix-matrix product.
 *
 * <p>A batch may hold several sequences, each with its own {@link KvCache} (as a continuous-batching server runs
 * them): {@link #forwardBatch} runs one step for all of them. Every operation computes a token's results in an order
 * that does not depend on the rest of the batch (the matrix kernels keep that contract too), so a sequence's logits
 * are bit-identical whether it runs alone, in chunks or beside others.
 *
 * <p>Buffers are allocated once for {@code maxBatch} tokens. An instance is not thread-safe.
 */
public final class ForwardPass {

    /**
     * One sequence's part of a batched step: its {@code tokens} go to positions {@code startPos, startPos + 1, ...} of
     * {@code cache}, which must hold every position before {@code startPos} (a new sequence starts at 0, a decode step
     * at {@code cache.length()}; a smaller {@code startPos} forgets the positions from there on). When {@code logits}
     * is not null (an array of the vocabulary's size), it receives the logits after the last token.
     */
    public record SequenceStep(KvCache cache, int startPos, int[] tokens, float[] logits) {
        public SequenceStep {
            Objects.requireNonNull(cache, "cache");
            Objects.requireNonNull(tokens, "tokens");
        }
    }

    private final ModelConfig c;
    private final ModelWeights w;
    private final Rope rope;
    private final Attention attention;
    private final int maxBatch;

    private final float[] x, xb, q, k, v, att, hb, hb2, logits, cos, sin;
    /** The cache and the position of each token of the current step. */
    private final KvCache[] tokenCaches;
    private final int[] positions;
    private float[] batchLogits = new float[0];

    /** A forward pass for {@code model} that runs up to {@code maxBatch} tokens per step. */
    public ForwardPass(Model model, int maxBatch) {
        this.c = model.config();
        this.w = model.weights();
        this.maxBatch = Math.max(1, maxBatch);
        this.rope = new Rope(c, w.ropeFreqs());
        this.attention = new Attention(c);
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
        tokenCaches = new KvCache[n];
        positions = new int[n];
    }

    /** The most tokens one step (of {@link #forwardBatch}) may hold. */
    public int maxBatch() {
        return maxBatch;
    }

    /**
     * Runs {@code tokens} of one sequence at positions {@code startPos, startPos + 1, ...} (in steps of at most
     * {@link #maxBatch()} tokens) and returns the logits after the last one. The returned array is reused by the next
     * call.
     */
    public float[] forward(KvCache cache, int[] tokens, int startPos) {
        if (tokens.length == 0) throw new IllegalArgumentException("no tokens to process");
        check(cache, startPos, tokens);
        for (int done = 0; done < tokens.length; ) {
            int n = Math.min(maxBatch, tokens.length - done);
            boolean last = done + n == tokens.length;
            step(List.of(new SequenceStep(cache, startPos + done, Arrays.copyOfRange(tokens, done, done + n), last ? logits : null)));
            done += n;
        }
        return logits;
    }

    /**
     * Runs one step for several sequences at once: each {@link SequenceStep}'s tokens (1 for a decode step, more for a
     * prompt chunk) are written to its cache and, where asked, its last token's logits to its array. All the steps'
     * tokens together go through each weight matrix as one product; at most {@link #maxBatch()} tokens in all, and each
     * cache at most once. Nothing is run when a step is invalid.
     */
    public void forwardBatch(List<SequenceStep> steps) {
        if (steps.isEmpty()) throw new IllegalArgumentException("no sequences to run");
        int total = 0;
        for (int i = 0; i < steps.size(); i++) {
            SequenceStep s = steps.get(i);
            if (s.tokens().length == 0) throw new IllegalArgumentException("sequence " + i + " of the batch has no tokens");
            for (int j = 0; j < i; j++) {
                if (steps.get(j).cache() == s.cache()) throw new IllegalArgumentException("sequences " + j + " and " + i + " of the batch share a cache");
            }
            check(s.cache(), s.startPos(), s.tokens());
            if (s.logits() != null && s.logits().length != c.vocabSize()) {
                throw new IllegalArgumentException("sequence " + i + " of the batch has a logits array of " + s.logits().length
                        + " values; the vocabulary has " + c.vocabSize());
            }
            total += s.tokens().length;
        }
        if (total > maxBatch) throw new IllegalArgumentException("the batch holds " + total + " tokens; at most " + maxBatch + " fit");
        step(steps);
    }

    private void check(KvCache cache, int startPos, int[] tokens) {
        ModelConfig pc = cache.pool().config();
        if (pc.layers() != c.layers() || pc.kvDim() != c.kvDim() || pc.slidingWindow() != c.slidingWindow()) {
            throw new IllegalArgumentException("the KV cache was made for another model (" + pc.layers() + " layers of " + pc.kvDim()
                    + " KV values, window " + pc.slidingWindow() + "; this one has " + c.layers() + " of " + c.kvDim() + ", window "
                    + c.slidingWindow() + ")");
        }
        for (int t : tokens) {
            if (t < 0 || t >= c.vocabSize()) throw new IllegalArgumentException("token id " + t + " is outside the vocabulary (0.." + (c.vocabSize() - 1) + ")");
        }
        cache.checkStep(startPos, startPos + tokens.length);
    }

    /**
     * Runs the steps' tokens, row after row, through every layer. As in llama.cpp, which drops the rows whose logits
     * are not wanted (inp_out_ids) right after the last layer's attention, the last layer's feed-forward block runs
     * only for the last token of each sequence that asks for logits.
     */
    private void step(List<SequenceStep> steps) {
        int dim = c.dim(), n = 0;
        for (SequenceStep s : steps) {
            s.cache().prepare(s.startPos(), s.startPos() + s.tokens().length);
            for (int i = 0; i < s.tokens().length; i++, n++) {
                tokenCaches[n] = s.cache();
                positions[n] = s.startPos() + i;
                w.tokenEmbedding().dequantizeRow(s.tokens()[i], x, n * dim);
            }
        }
        for (int l = 0; l < c.layers(); l++) {
            LayerWeights lw = w.layers()[l];
            // attention block
            for (int t = 0; t < n; t++) RmsNorm.apply(x, t * dim, lw.attnNorm(), xb, t * dim, dim, c.rmsEps());
            project(lw.wq(), xb, n, q, lw.qBias());
            project(lw.wk(), xb, n, k, lw.kBias());
            project(lw.wv(), xb, n, v, lw.vBias());
            for (int t = 0; t < n; t++) {
                if (lw.qNorm() != null) {
                    for (int h = 0; h < c.heads(); h++) RmsNorm.apply(q, t * c.qDim() + h * c.headDim(), lw.qNorm(), q, t * c.qDim() + h * c.headDim(), c.headDim(), c.rmsEps());
                    for (int h = 0; h < c.kvHeads(); h++) RmsNorm.apply(k, t * c.kvDim() + h * c.headDim(), lw.kNorm(), k, t * c.kvDim() + h * c.headDim(), c.headDim(), c.rmsEps());
                }
                rope.angles(positions[t], cos, sin);
                rope.apply(q, t * c.qDim(), c.heads(), cos, sin);
                rope.apply(k, t * c.kvDim(), c.kvHeads(), cos, sin);
                tokenCaches[t].write(l, positions[t], k, t * c.kvDim(), v, t * c.kvDim());
            }
            attention.run(l, q, att, n, tokenCaches, positions);
            project(lw.wo(), att, n, xb, null);
            for (int i = 0; i < n * dim; i++) x[i] += xb[i];
            if (l == c.layers() - 1) {
                n = keepLogitRows(steps);
                if (n == 0) break;
            }
            // feed-forward block
            for (int t = 0; t < n; t++) RmsNorm.apply(x, t * dim, lw.ffnNorm(), xb, t * dim, dim, c.rmsEps());
            project(lw.ffnGate(), xb, n, hb, null);
            project(lw.ffnUp(), xb, n, hb2, null);
            for (int t = 0; t < n; t++) GgmlFloat.swiglu(hb, hb2, hb, t * c.ffnDim(), c.ffnDim());
            project(lw.ffnDown(), hb, n, xb, null);
            for (int i = 0; i < n * dim; i++) x[i] += xb[i];
        }
        for (SequenceStep s : steps) s.cache().commit(s.startPos() + s.tokens().length);
        if (n > 0) computeLogits(steps, n);
    }

    /** Moves the last row of each step that wants logits to the front of {@code x}, in step order; returns how many. */
    private int keepLogitRows(List<SequenceStep> steps) {
        int dim = c.dim(), row = 0, kept = 0;
        for (SequenceStep s : steps) {
            row += s.tokens().length;
            if (s.logits() != null) System.arraycopy(x, (row - 1) * dim, x, kept++ * dim, dim);
        }
        return kept;
    }

    private void computeLogits(List<SequenceStep> steps, int rows) {
        int dim = c.dim(), vocab = c.vocabSize();
        for (int t = 0; t < rows; t++) RmsNorm.apply(x, t * dim, w.outputNorm(), xb, t * dim, dim, c.rmsEps());
        if (rows == 1) {
            for (SequenceStep s : steps) if (s.logits() != null) w.output().matVec(xb, 0, s.logits(), 0);
            return;
        }
        if (batchLogits.length < rows * vocab) batchLogits = new float[rows * vocab];
        w.output().matMul(xb, rows, batchLogits);
        int r = 0;
        for (SequenceStep s : steps) {
            if (s.logits() != null) System.arraycopy(batchLogits, r++ * vocab, s.logits(), 0, vocab);
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
}

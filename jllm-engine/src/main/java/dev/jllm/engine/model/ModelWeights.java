package dev.jllm.engine.model;

import dev.jllm.engine.gguf.GgufFile;
import dev.jllm.engine.gguf.GgufTensor;
import dev.jllm.engine.quant.WeightMatrix;

/**
 * All tensors of a decoder model, named as llama.cpp names them (token_embd, blk.N.attn_q, ...), with every shape
 * checked against the {@link ModelConfig} so that a mismatched file fails at load time, not mid-generation.
 * Matrices stay in the memory-mapped file; only the small norm and bias vectors are copied to the heap.
 *
 * @param output the output head: output.weight, or token_embd.weight when the embeddings are tied
 * @param ropeFreqs Llama 3 per-dimension rope frequency divisors (rope_freqs.weight), or null
 */
public record ModelWeights(
        WeightMatrix tokenEmbedding,
        LayerWeights[] layers,
        float[] outputNorm,
        WeightMatrix output,
        float[] ropeFreqs) {

    public static ModelWeights load(GgufFile f, ModelConfig c) {
        Loader l = new Loader(f);
        WeightMatrix embd = l.matrix("token_embd.weight", c.vocabSize(), c.dim());
        LayerWeights[] layers = new LayerWeights[c.layers()];
        for (int i = 0; i < c.layers(); i++) {
            String b = "blk." + i + ".";
            boolean bias = c.architecture().qkvBias;
            boolean qkNorm = c.architecture().qkNorm;
            layers[i] = new LayerWeights(
                    l.vector(b + "attn_norm.weight", c.dim()),
                    l.matrix(b + "attn_q.weight", c.qDim(), c.dim()),
                    l.matrix(b + "attn_k.weight", c.kvDim(), c.dim()),
                    l.matrix(b + "attn_v.weight", c.kvDim(), c.dim()),
                    l.matrix(b + "attn_output.weight", c.dim(), c.qDim()),
                    bias ? l.vector(b + "attn_q.bias", c.qDim()) : null,
                    bias ? l.vector(b + "attn_k.bias", c.kvDim()) : null,
                    bias ? l.vector(b + "attn_v.bias", c.kvDim()) : null,
                    qkNorm ? l.vector(b + "attn_q_norm.weight", c.headDim()) : null,
                    qkNorm ? l.vector(b + "attn_k_norm.weight", c.headDim()) : null,
                    l.vector(b + "ffn_norm.weight", c.dim()),
                    l.matrix(b + "ffn_gate.weight", c.ffnDim(), c.dim()),
                    l.matrix(b + "ffn_up.weight", c.ffnDim(), c.dim()),
                    l.matrix(b + "ffn_down.weight", c.dim(), c.ffnDim()));
        }
        float[] outNorm = l.vector("output_norm.weight", c.dim());
        WeightMatrix output = f.tensorOrNull("output.weight") != null
                ? l.matrix("output.weight", c.vocabSize(), c.dim()) : embd;
        float[] ropeFreqs = f.tensorOrNull("rope_freqs.weight") != null
                ? l.vector("rope_freqs.weight", c.ropeDims() / 2) : null;
        return new ModelWeights(embd, layers, outNorm, output, ropeFreqs);
    }

    private record Loader(GgufFile f) {
        WeightMatrix matrix(String name, int rows, int cols) {
            GgufTensor t = f.tensor(name);
            WeightMatrix m = WeightMatrix.of(t);
            if (m.rows() != rows || m.cols() != cols) {
                throw new UnsupportedModelException(f.path() + ": tensor '" + name + "' has shape " + t.shapeString()
                        + ", expected [" + cols + ", " + rows + "] for this model's hyper-parameters");
            }
            return m;
        }

        float[] vector(String name, int length) {
            GgufTensor t = f.tensor(name);
            if (t.elementCount() != length) {
                throw new UnsupportedModelException(f.path() + ": tensor '" + name + "' has shape " + t.shapeString()
                        + ", expected [" + length + "]");
            }
            float[] v = new float[length];
            WeightMatrix.of(t).dequantizeRow(0, v, 0);
            return v;
        }
    }
}

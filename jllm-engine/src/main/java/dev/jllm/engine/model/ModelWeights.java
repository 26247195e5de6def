package dev.jllm.engine.model;

import dev.jllm.engine.gguf.GgufFile;
import dev.jllm.engine.gguf.GgufTensor;
import dev.jllm.engine.quant.WeightMatrix;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * All tensors of a decoder model, named as llama.cpp names them (token_embd, blk.N.attn_q, ...), with every shape
 * checked against the {@link ModelConfig} so that a mismatched file fails at load time, not mid-generation. A file
 * with tensors the architecture does not use is refused too, since jllm would run it as a different model.
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
        Loader l = new Loader(f, c.architecture(), new HashSet<>());
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
        l.rejectUnused();
        return new ModelWeights(embd, layers, outNorm, output, ropeFreqs);
    }

    /** Reads tensors by name and remembers which, so that tensors the model would ignore can be refused. */
    private record Loader(GgufFile f, Architecture arch, Set<String> used) {
        GgufTensor tensor(String name) {
            GgufTensor t = f.tensorOrNull(name);
            if (t == null) {
                throw new UnsupportedModelException(f.path() + ": tensor '" + name + "' is missing (" + arch.ggufName
                        + " models need it)");
            }
            used.add(name);
            return t;
        }

        /**
         * A tensor jllm does not read (for example a llama attention bias, which llama.cpp would add) means the file
         * describes a different model than the one jllm would run.
         */
        void rejectUnused() {
            List<String> unused = f.tensors().keySet().stream().filter(n -> !used.contains(n)).toList();
            if (!unused.isEmpty()) {
                throw new UnsupportedModelException(f.path() + ": " + unused.size() + " tensor(s) that jllm's "
                        + arch.ggufName + " model does not use: " + String.join(", ", unused.subList(0, Math.min(5, unused.size())))
                        + (unused.size() > 5 ? ", ..." : ""));
            }
        }

        WeightMatrix matrix(String name, int rows, int cols) {
            GgufTensor t = tensor(name);
            WeightMatrix m = WeightMatrix.of(t);
            if (m.rows() != rows || m.cols() != cols) {
                throw new UnsupportedModelException(f.path() + ": tensor '" + name + "' has shape " + t.shapeString()
                        + ", expected [" + cols + ", " + rows + "] for this model's hyper-parameters");
            }
            return m;
        }

        float[] vector(String name, int length) {
            GgufTensor t = tensor(name);
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

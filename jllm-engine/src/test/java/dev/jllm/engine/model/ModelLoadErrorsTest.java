package dev.jllm.engine.model;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jllm.engine.gguf.GgufException;
import dev.jllm.engine.gguf.GgufValue;
import dev.jllm.engine.testing.SharedFiles;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files jllm cannot run fail at load time with an error that names the file, the tensor or key, and the problem,
 * instead of running a different model than the file describes. The tiny models are otherwise valid: each test
 * breaks one thing.
 */
class ModelLoadErrorsTest {
    @TempDir
    Path dir;

    private Path write(TinyModelFile m) {
        return m.write(dir, "broken.gguf");
    }

    @Test
    void unsupportedArchitectureListsTheSupportedOnes() {
        Path file = write(TinyModelFile.of("gemma"));
        assertThatThrownBy(() -> Model.load(file)).isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("unsupported architecture 'gemma'")
                .hasMessageContaining("llama, mistral, qwen2, qwen3");
    }

    @Test
    void aVisionProjectorIsNotALanguageModel() {
        Path file = SharedFiles.file("models/mmproj-tinygemma3/mmproj-tinygemma3.gguf");
        assertThatThrownBy(() -> Model.load(file)).isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("unsupported architecture 'clip'")
                .hasMessageContaining("llama, mistral, qwen2, qwen3");
    }

    @Test
    void aMatrixOfTheWrongShapeIsNamedWithTheExpectedShape() {
        // dim 32, 2 KV heads of 8: attn_k is [32, 16]
        Path file = write(TinyModelFile.of("llama").reshape("blk.1.attn_k.weight", 32, 32));
        assertThatThrownBy(() -> Model.load(file)).isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("'blk.1.attn_k.weight' has shape [32, 32], expected [32, 16]");
    }

    @Test
    void aVectorOfTheWrongLengthIsNamedWithTheExpectedLength() {
        Path file = write(TinyModelFile.of("qwen3").reshape("blk.0.attn_k_norm.weight", 32));
        assertThatThrownBy(() -> Model.load(file)).isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("'blk.0.attn_k_norm.weight' has shape [32], expected [8]");
    }

    @Test
    void aMissingTensorIsNamed() {
        Path file = write(TinyModelFile.of("llama").without("blk.1.ffn_up.weight"));
        assertThatThrownBy(() -> Model.load(file)).isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("tensor 'blk.1.ffn_up.weight' is missing");
    }

    @Test
    void qwen2WithoutBiasesNamesTheFirstMissingBias() {
        Path file = write(TinyModelFile.of("qwen2").qkvBias(false));
        assertThatThrownBy(() -> Model.load(file)).isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("tensor 'blk.0.attn_q.bias' is missing")
                .hasMessageContaining("qwen2");
    }

    @Test
    void headCountMustBeAMultipleOfTheKvHeadCount() {
        Path file = write(TinyModelFile.of("llama").heads(4, 3));
        assertThatThrownBy(() -> Model.load(file)).isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("head_count 4 is not a multiple of head_count_kv 3");
    }

    @Test
    void aHyperParameterOfTheWrongTypeIsNamed() {
        Path file = write(TinyModelFile.of("llama").put("llama.block_count", GgufValue.string("two")));
        assertThatThrownBy(() -> Model.load(file)).isInstanceOf(GgufException.class)
                .hasMessageContaining("'llama.block_count' is STRING, not a number");
    }

    /** llama.cpp rejects rope over part of a head for llama ("invalid n_rot") and asserts whole heads for qwen. */
    @Test
    void ropeOverPartOfTheHeadIsRejected() {
        Path file = write(TinyModelFile.of("llama").ropeDimensionCount(4));
        assertThatThrownBy(() -> Model.load(file)).isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("rope.dimension_count 4 differs from the head size 8");
    }

    @Test
    void valueHeadsOfAnotherSizeAreRejected() {
        Path file = write(TinyModelFile.of("llama").archKey("attention.value_length", GgufValue.uint32(16)));
        assertThatThrownBy(() -> Model.load(file)).isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("attention.value_length 16 differs from the key length 8");
    }

    @Test
    void mixtureOfExpertsIsRejected() {
        Path file = write(TinyModelFile.of("llama").archKey("expert_count", GgufValue.uint32(8))
                .archKey("expert_used_count", GgufValue.uint32(2)));
        assertThatThrownBy(() -> Model.load(file)).isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("mixture-of-experts")
                .hasMessageContaining("expert_count 8");
    }

    @Test
    void yarnRopeScalingIsRejected() {
        Path file = write(TinyModelFile.of("qwen2").archKey("rope.scaling.type", GgufValue.string("yarn"))
                .archKey("rope.scaling.factor", GgufValue.float32(4)));
        assertThatThrownBy(() -> Model.load(file)).isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("rope scaling 'yarn' is not supported");
    }

    @Test
    void aNegativeRopeScalingFactorIsRejected() {
        Path file = write(TinyModelFile.of("llama").archKey("rope.scaling.factor", GgufValue.float32(-2)));
        assertThatThrownBy(() -> Model.load(file)).isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("rope scaling factor -2.0 is not a positive number");
    }

    /**
     * llama.cpp's llama graph uses optional biases (attn_q.bias, attn_output.bias, ffn biases) when a file has them;
     * jllm's does not, so such a file must not run as if they were absent. llama.cpp likewise refuses files with
     * tensors its architecture does not load ("wrong number of tensors").
     */
    @Test
    void tensorsTheArchitectureDoesNotUseAreRejected() {
        Path biases = write(TinyModelFile.of("llama").qkvBias(true));
        assertThatThrownBy(() -> Model.load(biases)).isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("blk.0.attn_q.bias")
                .hasMessageContaining("llama");
        Path outputBias = TinyModelFile.of("qwen3").extraVector("blk.1.attn_output.bias").write(dir, "qwen3-bias.gguf");
        assertThatThrownBy(() -> Model.load(outputBias)).isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("blk.1.attn_output.bias");
    }
}

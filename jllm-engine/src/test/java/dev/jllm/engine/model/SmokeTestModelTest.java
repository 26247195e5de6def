package dev.jllm.engine.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jllm.engine.gguf.GgufFile;
import dev.jllm.engine.gguf.GgufReader;
import dev.jllm.engine.gguf.GgufTensor;
import dev.jllm.engine.testing.SharedFiles;
import dev.jllm.engine.testing.SyntheticModels;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SmokeTestModelTest {
    private static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @TempDir
    Path dir;

    @Test
    void theSameSeedWritesTheSameBytes() throws IOException {
        Path a = dir.resolve("a.gguf");
        Path b = dir.resolve("b.gguf");
        Path c = dir.resolve("c.gguf");
        SmokeTestModel.write(a, 42);
        SmokeTestModel.write(b, 42);
        SmokeTestModel.write(c, 43);
        assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b)).isNotEqualTo(Files.readAllBytes(c));
    }

    @Test
    void readsBackAsALlamaModel() {
        Path file = dir.resolve("smoke.gguf");
        SmokeTestModel.write(file, SmokeTestModel.DEFAULT_SEED);
        try (GgufFile f = GgufReader.open(file)) {
            assertThat(f.getString("general.architecture")).isEqualTo("llama");
            assertThat(f.getString("general.name")).isEqualTo("jllm smoke-test model (random weights, not a language model)");
            assertThat(f.getInt("llama.embedding_length")).isEqualTo(64);
            assertThat(f.getInt("llama.block_count")).isEqualTo(2);
            assertThat(f.getInt("llama.attention.head_count")).isEqualTo(4);
            assertThat(f.getInt("llama.attention.head_count_kv")).isEqualTo(2);
            assertThat(f.getInt("llama.feed_forward_length")).isEqualTo(128);
            assertThat(f.getInt("llama.context_length")).isEqualTo(256);
            assertThat(f.getInt("llama.rope.dimension_count")).isEqualTo(16);
            String[] tokens = f.getStringArray("tokenizer.ggml.tokens");
            int[] types = f.getIntArray("tokenizer.ggml.token_type");
            assertThat(tokens).hasSize(3 + 256 + 1 + 94).startsWith("<unk>", "<s>", "</s>", "<0x00>");
            assertThat(f.getInt("llama.vocab_size")).isEqualTo(tokens.length);
            assertThat(tokens[3 + 0x41]).isEqualTo("<0x41>");
            assertThat(types[3 + 0x41]).isEqualTo(6);
            assertThat(tokens[259]).isEqualTo("\u2581");
            assertThat(List.of(tokens)).contains("A", "~", "!").doesNotContain(" ");
            assertThat(types).startsWith(2, 3, 3).endsWith(1);
            assertThat(f.getFloatArray("tokenizer.ggml.scores")).hasSize(tokens.length);
            assertThat(f.getInt("tokenizer.ggml.bos_token_id")).isEqualTo(1);
            assertThat(f.getInt("tokenizer.ggml.eos_token_id")).isEqualTo(2);

            assertThat(f.tensors()).hasSize(1 + 2 * 9 + 2);
            assertThat(f.tensor("token_embd.weight").shape()).containsExactly(64, tokens.length);
            assertThat(f.tensor("blk.1.attn_k.weight").shape()).containsExactly(64, 32);
            assertThat(f.tensor("blk.1.ffn_down.weight").shape()).containsExactly(128, 64);
            assertThat(f.tensor("output.weight").shape()).containsExactly(64, tokens.length);
            assertThat(f.tensor("blk.0.ffn_norm.weight").data().toArray(F32_LE)).containsOnly(1f);
        }
    }

    /** The weights equal what the reference script computes for the same shape and seed, bit for bit. */
    @ParameterizedTest
    @CsvSource({"42, token_embd.weight, 0", "42, token_embd.weight, 22600", "42, blk.0.attn_q.weight, 100",
            "42, blk.1.attn_output.weight, 4000", "42, blk.1.ffn_down.weight, 8184", "42, output.weight, 12345",
            "42, blk.0.attn_norm.weight, 0", "7, blk.1.attn_v.weight, 2040"})
    void weightsMatchGenSyntheticGguf(long seed, String tensor, int start) throws Exception {
        List<Integer> expectedBits = referenceValues(seed, tensor, start, 8);
        Path file = dir.resolve("smoke.gguf");
        SmokeTestModel.write(file, seed);
        try (GgufFile f = GgufReader.open(file)) {
            GgufTensor t = f.tensor(tensor);
            List<Integer> actualBits = new ArrayList<>();
            for (int i = start; i < start + 8; i++) actualBits.add(Float.floatToRawIntBits(t.data().getAtIndex(F32_LE, i)));
            assertThat(actualBits).isEqualTo(expectedBits);
        }
    }

    /** Runs {@code gen_synthetic_gguf.py --print-values}; skips outside CI when python3 with numpy is missing. */
    private static List<Integer> referenceValues(long seed, String tensor, int start, int count) throws Exception {
        Path script = SharedFiles.file("tools/gen_synthetic_gguf.py");
        List<String> command = List.of(SyntheticModels.PYTHON, script.toString(), "--dim", "64", "--layers", "2", "--heads", "4",
                "--kv-heads", "2", "--ffn", "128", "--vocab", "354", "--ctx", "256", "--seed", String.valueOf(seed),
                "--print-values", tensor + ":" + start + ":" + count);
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return pythonMissing("python3 cannot be started: " + e.getMessage());
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) throw new AssertionError("gen_synthetic_gguf.py did not finish");
        if (p.exitValue() != 0 && out.contains("No module named 'numpy'")) return pythonMissing("numpy is not installed");
        assertThat(p.exitValue()).as(out).isZero();
        List<Integer> bits = new ArrayList<>();
        for (String line : out.strip().split("\n")) bits.add(Integer.parseUnsignedInt(line.trim().split(" ")[2]));
        assertThat(bits).hasSize(count);
        return bits;
    }

    private static List<Integer> pythonMissing(String why) {
        String msg = "reference values need python3 with numpy: " + why;
        if (System.getenv("CI") != null) throw new AssertionError(msg);
        Assumptions.abort(msg);
        return List.of();
    }
}

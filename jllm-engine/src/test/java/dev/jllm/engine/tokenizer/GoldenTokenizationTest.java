package dev.jllm.engine.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jllm.engine.gguf.GgufFile;
import dev.jllm.engine.gguf.GgufReader;
import dev.jllm.engine.testing.SharedFiles;
import dev.jllm.engine.testing.SyntheticModels;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The tokenizations in golden/*.json, computed by llama.cpp (llama_tokenize with add_special true and false,
 * parse_special=false; llama_token_to_piece with special=true): ids, ids without BOS and each token's bytes, plus
 * the vocabulary facts the files record. Each model file is checked against the JSON's model_sha256 first.
 */
class GoldenTokenizationTest {
    private static final String[] MICRO_TYPES = {"f16", "bf16", "q4_1", "q5_0", "q5_1", "q2_k", "q3_k_m", "q4_k_m", "q5_k_m", "q6_k"};

    static Stream<Arguments> goldenFiles() {
        List<Arguments> cases = new ArrayList<>();
        cases.add(Arguments.of("stories260K.json", "shared:models/stories260K/stories260K.gguf"));
        cases.add(Arguments.of("llama-spm-vocab-tokenizer.json", "shared:models/vocab/ggml-vocab-llama-spm.gguf"));
        cases.add(Arguments.of("synthetic-1b-bpe-tokenizer.json",
                "gen:--preset 1b --dim 64 --layers 1 --heads 2 --kv-heads 1 --ffn 64 --ctx 512 --type F32"));
        for (String t : new String[] {"F32", "Q8_0", "Q4_0"}) {
            cases.add(Arguments.of("synthetic-tiny-" + t.toLowerCase() + ".json", "gen:--preset tiny --type " + t + " --seed 42"));
        }
        for (String t : MICRO_TYPES) cases.add(Arguments.of("synthetic-micro-" + t + ".json", "shared:models/synthetic-micro/micro-" + t + ".gguf"));
        cases.add(Arguments.of("synthetic-micro-f32.json",
                "gen:--dim 256 --layers 2 --heads 4 --kv-heads 2 --ffn 512 --vocab 1024 --vocab-type spm --ctx 256 --type F32 --seed 7 --untied"));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldenFiles")
    void tokenizationsMatchLlamaCpp(String goldenName, String model) throws IOException {
        JsonNode golden = new ObjectMapper().readTree(SharedFiles.file("golden/" + goldenName).toFile());
        Path modelFile = modelFile(model, golden.get("model_sha256").asText(), goldenName);

        try (GgufFile f = GgufReader.open(modelFile)) {
            Tokenizer tokenizer = Tokenizer.fromGguf(f);
            assertThat(tokenizer.vocabSize()).isEqualTo(golden.get("vocab_size").asInt());
            assertThat(tokenizer.bosId()).isEqualTo(golden.get("bos_id").asInt());
            assertThat(tokenizer.eosId()).isEqualTo(golden.get("eos_id").asInt());
            assertThat(tokenizer.addBos()).isEqualTo(golden.get("add_bos").asBoolean());

            List<String> mismatches = new ArrayList<>();
            JsonNode cases = golden.get("tokenization");
            for (JsonNode c : cases) {
                String text = c.get("text").asText();
                int[] ids = ints(c.get("ids"));
                int[] idsNoBos = ints(c.get("ids_no_bos"));
                int[] actual = tokenizer.encode(text, true, false);
                int[] actualNoBos = tokenizer.encode(text, false, false);
                if (!Arrays.equals(actual, ids)) mismatches.add(text + ": ids " + Arrays.toString(actual) + " != " + Arrays.toString(ids));
                if (!Arrays.equals(actualNoBos, idsNoBos)) mismatches.add(text + ": ids_no_bos " + Arrays.toString(actualNoBos) + " != " + Arrays.toString(idsNoBos));
                JsonNode hex = c.get("pieces_hex");
                for (int i = 0; i < ids.length; i++) {
                    String piece = HexFormat.of().formatHex(tokenizer.tokenBytes(ids[i]));
                    if (!piece.equals(hex.get(i).asText())) mismatches.add(text + ": bytes of token " + ids[i] + " " + piece + " != " + hex.get(i).asText());
                }
            }
            assertThat(cases.size()).isPositive();
            assertThat(mismatches).as(goldenName).isEmpty();
        }
    }

    private static Path modelFile(String model, String expectedSha256, String goldenName) throws IOException {
        if (model.startsWith("gen:")) return SyntheticModels.syntheticWithSha256(expectedSha256, model.substring(4).split(" "));
        Path p = SharedFiles.file(model.substring("shared:".length()));
        assertThat(SyntheticModels.sha256(p)).as("sha256 of %s (model_sha256 in %s)", p, goldenName).isEqualTo(expectedSha256);
        return p;
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) out[i] = array.get(i).asInt();
        return out;
    }
}

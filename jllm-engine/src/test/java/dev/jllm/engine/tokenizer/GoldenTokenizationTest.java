package dev.jllm.engine.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jllm.engine.gguf.GgufFile;
import dev.jllm.engine.gguf.GgufReader;
import dev.jllm.engine.golden.GoldenFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The tokenizations in golden/*.json, computed by llama.cpp (llama_tokenize with add_special true and false,
 * parse_special=false; llama_token_to_piece with special=true): ids, ids without BOS and each token's bytes, plus
 * the vocabulary facts the files record. Each model file is checked against the JSON's model_sha256 first.
 */
class GoldenTokenizationTest {
    static List<GoldenFile> goldenFiles() {
        return GoldenFile.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldenFiles")
    void tokenizationsMatchLlamaCpp(GoldenFile goldenFile) throws IOException {
        JsonNode golden = goldenFile.json();
        String goldenName = goldenFile.name();
        Path modelFile = goldenFile.model();

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

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) out[i] = array.get(i).asInt();
        return out;
    }
}

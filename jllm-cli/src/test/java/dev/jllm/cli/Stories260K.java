package dev.jllm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jllm.engine.gguf.GgufFile;
import dev.jllm.engine.gguf.GgufReader;
import dev.jllm.engine.testing.SharedFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.StreamSupport;

/** The stories260K model and what llama.cpp computed for it (golden/stories260K.json). */
final class Stories260K {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** llama.cpp's token types (llama_token_type) that the vocabulary uses. */
    private static final int CONTROL = 3;
    private static final int BYTE = 6;
    private static final String TOKENS = "tokenizer.ggml.tokens";

    private Stories260K() {}

    static Path model() {
        return SharedFiles.file("models/stories260K/stories260K.gguf");
    }

    /** The golden file's "generation" or "logits" cases. */
    static List<JsonNode> cases(String kind) {
        try {
            JsonNode golden = JSON.readTree(SharedFiles.file("golden/stories260K.json").toFile());
            return StreamSupport.stream(golden.get(kind).spliterator(), false).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The token's text as the GGUF vocabulary spells it. */
    static String tokenText(int id) {
        try (GgufFile f = GgufReader.open(model())) {
            return f.getStringArray(TOKENS)[id];
        }
    }

    static int[] ints(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).mapToInt(JsonNode::intValue).toArray();
    }

    static double[] doubles(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).mapToDouble(JsonNode::doubleValue).toArray();
    }

    /**
     * The text of generated tokens, spelled out from the GGUF vocabulary by SentencePiece's rules (not by the engine's
     * tokenizer): "▁" is a space, "&lt;0xNN&gt;" is byte NN, control tokens have no text.
     */
    static String decode(int[] ids) {
        try (GgufFile f = GgufReader.open(model())) {
            String[] tokens = f.getStringArray(TOKENS);
            int[] types = f.getIntArray("tokenizer.ggml.token_type");
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            for (int id : ids) {
                if (types[id] == CONTROL) continue;
                if (types[id] == BYTE) bytes.write(Integer.parseInt(tokens[id].substring(3, 5), 16));
                else bytes.writeBytes(tokens[id].replace('\u2581', ' ').getBytes(StandardCharsets.UTF_8));
            }
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }
}

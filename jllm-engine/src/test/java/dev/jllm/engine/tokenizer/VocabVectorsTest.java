package dev.jllm.engine.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jllm.engine.gguf.GgufFile;
import dev.jllm.engine.gguf.GgufReader;
import dev.jllm.engine.testing.SharedFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * llama.cpp's tokenizer conformance vectors (models/ggml-vocab-*.gguf.inp/.out, made by test-tokenizer-0 with
 * add_special=false, parse_special=false): every text must tokenize to exactly the listed ids.
 */
class VocabVectorsTest {
    private static final String SEPARATOR = "\n__ggml_vocab_test__\n";

    @ParameterizedTest
    @ValueSource(strings = {"llama-spm", "phi-3", "bert-bge", "gpt-2", "falcon", "mpt", "starcoder", "refact",
            "deepseek-llm", "deepseek-coder"})
    void everyVectorMatches(String name) throws IOException {
        Path gguf = SharedFiles.file("models/vocab/ggml-vocab-" + name + ".gguf");
        List<String> texts = texts(Path.of(gguf + ".inp"));
        List<int[]> expected = ids(Path.of(gguf + ".out"), texts.size());
        try (GgufFile f = GgufReader.open(gguf)) {
            Tokenizer tokenizer = Tokenizer.fromGguf(f);
            List<String> mismatches = new ArrayList<>();
            for (int i = 0; i < texts.size(); i++) {
                int[] actual = tokenizer.encode(texts.get(i), false, false);
                if (!Arrays.equals(actual, expected.get(i))) {
                    mismatches.add("#" + i + " " + escape(texts.get(i)) + "\n  expected " + Arrays.toString(expected.get(i))
                            + "\n  actual   " + Arrays.toString(actual));
                }
            }
            assertThat(mismatches).as("%s: %d of %d vectors differ", name, mismatches.size(), texts.size()).isEmpty();
            assertThat(texts).hasSize(46);
        }
    }

    static List<String> texts(Path inp) throws IOException {
        String all = Files.readString(inp, StandardCharsets.UTF_8);
        List<String> parts = new ArrayList<>(Arrays.asList(all.split(SEPARATOR, -1)));
        parts.removeLast(); // the file ends with the separator
        return parts;
    }

    static List<int[]> ids(Path out, int count) throws IOException {
        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
        List<int[]> result = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String line = lines.get(i).trim();
            result.add(line.isEmpty() ? new int[0] : Arrays.stream(line.split(" +")).mapToInt(Integer::parseInt).toArray());
        }
        return result;
    }

    private static String escape(String s) {
        return "'" + s.replace("\n", "\\n").replace("\t", "\\t") + "'";
    }
}

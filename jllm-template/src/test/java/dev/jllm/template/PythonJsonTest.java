package dev.jllm.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Expected strings are what CPython's json.dumps prints for the same values. */
class PythonJsonTest {

    @Test
    void compactFormUsesPythonsSeparatorsAndKeepsKeyOrder() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("z", 1);
        m.put("a", List.of(true, false));
        m.put("n", null);
        m.put("s", "x");
        assertThat(PythonJson.dumps(m)).isEqualTo("{\"z\": 1, \"a\": [true, false], \"n\": null, \"s\": \"x\"}");
        assertThat(PythonJson.dumps(List.of())).isEqualTo("[]");
        assertThat(PythonJson.dumps(Map.of())).isEqualTo("{}");
    }

    @Test
    void indentFourMatchesTheLayoutOfJsonDumpsIndent4() {
        List<Object> spec = List.of(
                TransformersReferenceTest.map("name", "get_stock_price", "description", "Get the current stock price",
                        "parameters", TransformersReferenceTest.map("type", "object", "properties",
                                TransformersReferenceTest.map("symbol", TransformersReferenceTest.map("type", "string",
                                        "description", "The stock symbol, e.g. AAPL, GOOG")),
                                "required", List.of("symbol"))),
                TransformersReferenceTest.map("name", "check_word_anagram",
                        "description", "Check if two words are anagrams of each other",
                        "parameters", TransformersReferenceTest.map("type", "object", "properties",
                                TransformersReferenceTest.map(
                                        "word1", TransformersReferenceTest.map("type", "string", "description", "The first word"),
                                        "word2", TransformersReferenceTest.map("type", "string", "description", "The second word")),
                                "required", List.of("word1", "word2"))));
        assertThat(new PythonJson(4, null, null, false, false).write(spec))
                .isEqualTo(TransformersReferenceTest.FUNCTION_SPEC_INDENTED);
        assertThat(new PythonJson(2, null, null, false, false).write(Map.of("a", List.of())))
                .isEqualTo("{\n  \"a\": []\n}");
    }

    @Test
    void stringsEscapeLikePython() {
        assertThat(PythonJson.dumps("q\"b\\n\nr\rt\tb\bf\f\u0001é😀")).isEqualTo("\"q\\\"b\\\\n\\nr\\rt\\tb\\bf\\f\\u0001é😀\"");
        assertThat(new PythonJson(null, null, null, false, true).write("é😀")).isEqualTo("\"\\u00e9\\ud83d\\ude00\"");
    }

    @Test
    void numbersPrintLikePythonRepr() {
        assertThat(PythonJson.dumps(List.of(1, 2L, 1.0, 0.1, -2.5, 1e16, 1.5e-5, 123456.789, 0.0001, 1e22)))
                .isEqualTo("[1, 2, 1.0, 0.1, -2.5, 1e+16, 1.5e-05, 123456.789, 0.0001, 1e+22]");
        assertThat(PythonJson.dumps(List.of(Double.NaN, Double.NEGATIVE_INFINITY, -0.0))).isEqualTo("[NaN, -Infinity, -0.0]");
    }

    @Test
    void sortKeysAndCustomSeparators() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("b", 1);
        m.put("a", Arrays.asList(1, 2));
        assertThat(new PythonJson(null, ",", ":", true, false).write(m)).isEqualTo("{\"a\":[1,2],\"b\":1}");
    }

    @Test
    void unserializableValuesAreReported() {
        assertThatThrownBy(() -> PythonJson.dumps(List.of(new Object())))
                .isInstanceOf(ChatTemplateException.class).hasMessageContaining("not JSON serializable");
    }
}

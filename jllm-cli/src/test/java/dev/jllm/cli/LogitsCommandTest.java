package dev.jllm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class LogitsCommandTest {
    /** golden/README.md: F32 models agree with llama.cpp within about 1e-4 of the largest logit. */
    private static final double RELATIVE_TOLERANCE = 1e-4;

    static Stream<JsonNode> logitsCases() {
        return Stories260K.cases("logits").stream();
    }

    private static CommandRun logits(String prompt, String... options) {
        String[] args = Stream.concat(Stream.of("logits", "-m", Stories260K.model().toString(), "-p", prompt),
                Stream.of(options)).toArray(String[]::new);
        CommandRun run = CommandRun.of(args);
        assertThat(run.exitCode()).as(run.err()).isZero();
        return run;
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("logitsCases")
    void jsonHoldsLlamaCppsLogitVector(JsonNode golden) {
        CommandRun run = logits(golden.get("prompt").asText(), "--json");
        assertThat(run.out()).hasLineCount(1);
        JsonNode result = Stories260K.parse(run.out());
        assertThat(result.properties()).extracting(Map.Entry::getKey).containsExactly("position", "logits");
        assertThat(result.get("position").intValue()).isEqualTo(golden.get("position").intValue());

        double[] expected = Stories260K.doubles(golden.get("logits"));
        double[] actual = Stories260K.doubles(result.get("logits"));
        assertThat(actual).hasSize(512);
        double maxRef = Arrays.stream(expected).map(Math::abs).max().orElseThrow();
        double maxErr = 0;
        for (int i = 0; i < expected.length; i++) maxErr = Math.max(maxErr, Math.abs(actual[i] - expected[i]));
        assertThat(maxErr / maxRef).isLessThanOrEqualTo(RELATIVE_TOLERANCE);
    }

    /** --kv-type reaches the cache: f16 and q8_0 round the cached keys and values, so the logits move, a little. */
    @Test
    void kvTypeChangesTheCacheTheLogitsComeFrom() {
        JsonNode golden = Stories260K.cases("logits").getLast();
        double[] expected = Stories260K.doubles(golden.get("logits"));
        double maxRef = Arrays.stream(expected).map(Math::abs).max().orElseThrow();
        double[] f32 = Stories260K.doubles(Stories260K.parse(logits(golden.get("prompt").asText(), "--json").out()).get("logits"));
        for (String type : List.of("f16", "q8_0")) {
            double[] actual = Stories260K.doubles(Stories260K.parse(logits(golden.get("prompt").asText(), "--json", "--kv-type", type).out())
                    .get("logits"));
            double maxErr = 0;
            for (int i = 0; i < expected.length; i++) maxErr = Math.max(maxErr, Math.abs(actual[i] - expected[i]));
            assertThat(actual).as(type).isNotEqualTo(f32);
            assertThat(maxErr / maxRef).as(type).isLessThanOrEqualTo(5e-2);
        }
    }

    @Test
    void withoutJsonListsTheBestTokens() {
        JsonNode golden = Stories260K.cases("logits").getFirst();
        List<JsonNode> top = golden.get("top20").valueStream().limit(5).toList();
        CommandRun run = logits(golden.get("prompt").asText(), "--top", "5");
        List<String> lines = run.out().lines().toList();
        assertThat(lines.getFirst()).isEqualTo("position 4, 512 logits; best 5:");
        assertThat(lines).hasSize(6);
        for (int k = 0; k < 5; k++) {
            String[] cols = lines.get(k + 1).strip().split(" +");
            assertThat(cols).hasSize(3);
            assertThat(Integer.parseInt(cols[0])).isEqualTo(top.get(k).get(0).intValue());
            assertThat(cols[2]).as("the token's text, as the vocabulary spells it").isEqualTo(Stories260K.tokenText(top.get(k).get(0).intValue()));
            assertThat(Double.parseDouble(cols[1])).isCloseTo(top.get(k).get(1).doubleValue(),
                    Offset.offset(1e-3));
        }
    }
}

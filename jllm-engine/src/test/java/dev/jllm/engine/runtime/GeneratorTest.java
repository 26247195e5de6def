package dev.jllm.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jllm.engine.model.Model;
import dev.jllm.engine.sample.SamplingParams;
import dev.jllm.engine.testing.SharedFiles;
import dev.jllm.engine.gguf.GgufValue;
import dev.jllm.engine.gguf.GgufWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.IntStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GeneratorTest {
    static Model model;

    @BeforeAll
    static void load() {
        model = Model.load(SharedFiles.file("models/stories260K/stories260K.gguf"));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static Generator.Options greedy(int n, List<String> stop) {
        return new Generator.Options(SamplingParams.greedy(), n, true, stop);
    }

    @Test
    void reproducesTheReferenceGreedyStoryByteForByte() throws Exception {
        String expected = Files.readString(SharedFiles.file("models/stories260K/expected_greedy_200.txt"));
        List<String> streamed = new ArrayList<>();
        Generator.Result r = new Generator(new Session(model, 512)).generate(new int[] {model.tokenizer().bosId()},
                greedy(200, List.of()), streamed::add);
        assertThat(r.ids()).hasSize(200);
        assertThat(r.text()).isEqualTo(expected);
        assertThat(String.join("", streamed)).isEqualTo(r.text());
    }

    @Test
    void stopStringEndsGenerationAndIsNotPartOfTheText() {
        int[] prompt = model.tokenizer().encode("Once upon a time", true, false);
        Generator.Result full = new Generator(new Session(model, 512)).generate(prompt, greedy(60, List.of()), s -> {});
        String stop = "Lily";
        int at = full.text().indexOf(stop);
        assertThat(at).as("the reference continuation mentions Lily").isPositive();
        Generator.Result cut = new Generator(new Session(model, 512)).generate(prompt, greedy(60, List.of(stop)), s -> {});
        assertThat(cut.text()).isEqualTo(full.text().substring(0, at));
        assertThat(cut.finishReason()).isEqualTo(Generator.FinishReason.STOP);
        assertThat(full.finishReason()).isEqualTo(Generator.FinishReason.LENGTH);
    }

    @Test
    void sameSeedSameTextDifferentSeedDifferentText() {
        int[] prompt = model.tokenizer().encode("Once upon a time", true, false);
        SamplingParams p = SamplingParams.defaults().withTemperature(1.0f).withSeed(42);
        String a = new Generator(new Session(model, 512)).generate(prompt, new Generator.Options(p, 60, true, List.of()), s -> {}).text();
        String b = new Generator(new Session(model, 512)).generate(prompt, new Generator.Options(p, 60, true, List.of()), s -> {}).text();
        String c = new Generator(new Session(model, 512)).generate(prompt, new Generator.Options(p.withSeed(7), 60, true, List.of()), s -> {}).text();
        assertThat(a).isEqualTo(b).isNotEqualTo(c);
    }

    @Test
    void endOfGenerationTokenStopsGenerationUnlessIgnored(@TempDir Path dir) {
        // stories260K never emits its EOS (its stories are separated by BOS), so a copy declares "." the EOS token
        int period = model.tokenizer().idOf(".").orElseThrow();
        Path copy = dir.resolve("period-eos.gguf");
        GgufWriter.copyOf(model.file()).put("tokenizer.ggml.eos_token_id", GgufValue.uint32(period)).write(copy);
        int[] prompt = model.tokenizer().encode("Once upon a time", true, false);
        Generator.Result full = new Generator(new Session(model, 512)).generate(prompt, greedy(60, List.of()), s -> {});
        int first = IntStream.range(0, full.ids().length).filter(i -> full.ids()[i] == period).findFirst().orElseThrow();
        try (Model m = Model.load(copy)) {
            Generator.Result stopped = new Generator(new Session(m, 512)).generate(prompt,
                    new Generator.Options(SamplingParams.greedy(), 60, false, List.of()), s -> {});
            assertThat(stopped.ids()).containsExactly(Arrays.copyOf(full.ids(), first));
            assertThat(stopped.finishReason()).isEqualTo(Generator.FinishReason.STOP);
            Generator.Result ignored = new Generator(new Session(m, 512)).generate(prompt, greedy(60, List.of()), s -> {});
            assertThat(ignored.ids()).containsExactly(full.ids());
        }
    }

    @Test
    void stopsAtTheEndOfTheContext() {
        Session s = new Session(model, 16);
        Generator.Result r = new Generator(s).generate(new int[] {1}, greedy(-1, List.of()), x -> {});
        assertThat(r.ids()).hasSize(16);
        assertThat(r.finishReason()).isEqualTo(Generator.FinishReason.LENGTH);
    }

    @Test
    void sessionReusesTheCachedPrefix() {
        Session s = new Session(model, 64);
        int[] a = model.tokenizer().encode("Once upon a time there was", true, false);
        float[] direct = new Session(model, 64).feed(a).clone();
        s.feed(java.util.Arrays.copyOf(a, 3));
        assertThat(s.feed(a)).containsExactly(direct);
        assertThat(s.length()).isEqualTo(a.length);
    }

    /**
     * With a sliding window of 8, a session that ran 60 tokens has dropped the blocks before position 48, so a
     * conversation that differs from position 30 on is run again from the start; one that differs from position 56 on
     * keeps its prefix.
     */
    @Test
    void slidingWindowSessionReusesOnlyWhatTheWindowKept(@TempDir Path dir) {
        try (Model windowed = Model.load(RuntimeModels.withSlidingWindow(RuntimeModels.stories260K(), 8, dir))) {
            int[] first = RuntimeModels.randomTokens(60, 512, 1);
            int[] early = first.clone(), late = first.clone();
            early[30] = 7;
            late[56] = 7;
            Session s = new Session(windowed, 64);
            s.feed(first);
            s.append(9);
            assertThat(s.cache().heldBlocks()).as("blocks 0..2 went back to the pool").isEqualTo(1);
            assertThat(s.reusablePrefix(early)).isZero();
            assertThat(s.reusablePrefix(late)).isEqualTo(56);
            assertThat(s.feed(late)).containsExactly(new Session(windowed, 64).feed(late));
            s.append(9);
            assertThat(s.feed(early)).containsExactly(new Session(windowed, 64).feed(early));
        }
    }

    @Test
    void promptLongerThanTheContextIsAClearError() {
        assertThatThrownBy(() -> new Session(model, 4).feed(new int[] {1, 2, 3, 4, 5}))
                .isInstanceOf(ContextOverflowException.class).hasMessageContaining("context holds 4");
    }
}

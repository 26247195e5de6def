package dev.jllm.bench;

import dev.jllm.engine.gguf.GgmlType;
import dev.jllm.engine.model.Model;
import dev.jllm.engine.runtime.Session;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Whole forward steps of a {@link SyntheticModelFile}: decode (one token after a 64-token context, recomputed at the
 * same position each time) and prefill (64 tokens as one batch into an empty cache). The {@code tokens} secondary
 * result is tokens/s. The thread count is the engine's pool size: add {@code -jvmArgsAppend -Djllm.threads=N}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class ModelStepBenchmark {
    private static final int CONTEXT_TOKENS = 64;

    @Param({"F32", "Q8_0", "Q4_0", "Q4_K"})
    public String type;

    /** Tokens processed, as a JMH secondary result (tokens/s in this throughput mode). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Tokens {
        public long tokens;
    }

    private Path file;
    private Model model;
    private Session session;
    private int[] prompt;
    private int[] promptAndNext;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        file = Files.createTempFile("jllm-bench-", ".gguf");
        SyntheticModelFile.write(file, GgmlType.valueOf(type));
        model = Model.load(file);
        session = new Session(model, SyntheticModelFile.SHAPE.context());
        SplittableRandom random = new SplittableRandom(1);
        promptAndNext = random.ints(CONTEXT_TOKENS + 1, 3, model.config().vocabSize()).toArray();
        prompt = Arrays.copyOf(promptAndNext, CONTEXT_TOKENS);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        model.close();
        Files.deleteIfExists(file);
    }

    @Benchmark
    public float[] decode(Tokens counter) {
        // the cache keeps the context; only the last token is recomputed
        float[] logits = session.feed(promptAndNext);
        counter.tokens++;
        return logits;
    }

    @Benchmark
    public float[] prefill(Tokens counter) {
        session.reset();
        float[] logits = session.append(prompt);
        counter.tokens += prompt.length;
        return logits;
    }
}

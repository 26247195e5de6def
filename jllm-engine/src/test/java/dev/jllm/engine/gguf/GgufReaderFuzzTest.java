package dev.jllm.engine.gguf;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Mutates every shared GGUF file (bit flips, truncations, integer fields overwritten with extreme values) and checks
 * that GgufReader either reads the result or throws GgufException: never another exception, an OutOfMemoryError or
 * a hang. The cases are a pure function of the seed (property {@code jllm.fuzz.seed}, printed on failure), the file
 * and the case number, and their count is fixed, so every run tests the same files the same way.
 */
class GgufReaderFuzzTest {
    private static final long DEFAULT_SEED = 0x4A4C4C4D_46555A5AL;
    private static final long[] EXTREMES = {0, 1, -1, 2, 31, 32, 33, 255, 256, 0x7FFF_FFFFL, 0x8000_0000L, 0xFFFF_FFFFL,
            0x1_0000_0000L, Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE / 8, 1L << 40, 1L << 62};

    /** A record of changed bytes, so one buffer serves every case of a file. */
    private static final class Mutated {
        final byte[] bytes;
        final int originalLength;
        int length;
        final List<String> steps = new ArrayList<>();
        private final List<long[]> undo = new ArrayList<>(); // {position, original byte}

        Mutated(byte[] bytes) {
            this.bytes = bytes;
            this.originalLength = bytes.length;
            this.length = bytes.length;
        }

        void set(int pos, byte value) {
            undo.add(new long[] {pos, bytes[pos]});
            bytes[pos] = value;
        }

        void restore() {
            for (int i = undo.size() - 1; i >= 0; i--) bytes[(int) undo.get(i)[0]] = (byte) undo.get(i)[1];
            undo.clear();
            steps.clear();
            length = originalLength;
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // catches hangs only
    void mutatedFilesAreReadOrRejectedWithAGgufException() throws IOException {
        long seed = Long.getLong("jllm.fuzz.seed", DEFAULT_SEED);
        int cases = 0;
        int accepted = 0;
        for (Path path : SharedGgufFiles.all()) {
            Mutated m = new Mutated(Files.readAllBytes(path));
            GgufFieldMap map = GgufFieldMap.of(m.bytes);
            long headerEnd = map != null ? map.headerEnd : Math.min(m.bytes.length, 1 << 16);
            int count = (int) Math.clamp(6_000_000 / headerEnd, 30, 300);
            for (int n = 0; n < count; n++) {
                long caseSeed = seed ^ (path.getFileName().toString().hashCode() * 0x9E3779B97F4A7C15L) ^ (n * 0xBF58476D1CE4E5B9L);
                mutate(m, map, headerEnd, new SplittableRandom(caseSeed));
                try {
                    touch(GgufReader.read(Path.of("fuzz.gguf"), MemorySegment.ofArray(m.bytes).asSlice(0, m.length)));
                    accepted++;
                } catch (GgufException expected) {
                    assertThat(expected.getMessage()).startsWith("fuzz.gguf: ");
                } catch (Throwable t) {
                    throw new AssertionError("GgufReader threw " + t + " on " + path + " case " + n + " after " + m.steps
                            + "; rerun with -Djllm.fuzz.seed=" + seed, t);
                }
                m.restore();
                cases++;
            }
        }
        System.out.printf("GGUF fuzz: seed %d, %d cases, %d read, the rest rejected with GgufException%n", seed, cases, accepted);
        assertThat(cases).isGreaterThan(3000);
        assertThat(accepted).as("some mutations (in values and data) leave a readable file").isPositive();
    }

    private static void mutate(Mutated m, GgufFieldMap map, long headerEnd, SplittableRandom rnd) {
        int steps = 1 + rnd.nextInt(3);
        for (int s = 0; s < steps; s++) {
            // most mutations land before the tensor data, where the parser looks
            int limit = rnd.nextInt(10) < 8 ? (int) Math.min(headerEnd + 64, m.length) : m.length;
            if (limit <= 8) return;
            switch (rnd.nextInt(4)) {
                case 0 -> {
                    int pos = rnd.nextInt(limit);
                    int bit = rnd.nextInt(8);
                    m.set(pos, (byte) (m.bytes[pos] ^ (1 << bit)));
                    m.steps.add("flip bit " + bit + " at " + pos);
                }
                case 1 -> {
                    m.length = rnd.nextInt(limit);
                    m.steps.add("truncate to " + m.length);
                }
                case 2 -> {
                    GgufFieldMap.Field f = map != null ? randomField(map, rnd) : new GgufFieldMap.Field(rnd.nextInt(limit - 8), rnd.nextBoolean() ? 4 : 8);
                    long value = rnd.nextInt(4) == 0 ? rnd.nextLong() : EXTREMES[rnd.nextInt(EXTREMES.length)];
                    overwrite(m, f, value);
                    m.steps.add("set " + f.width() + " bytes at " + f.offset() + " to " + value);
                }
                default -> {
                    if (map == null) continue;
                    // nudge a field by a little: lengths one off, types one off, offsets one off
                    GgufFieldMap.Field f = randomField(map, rnd);
                    long delta = rnd.nextBoolean() ? 1 : -1;
                    ByteBuffer b = ByteBuffer.wrap(m.bytes).order(ByteOrder.LITTLE_ENDIAN);
                    long old = f.width() == 4 ? b.getInt((int) f.offset()) : b.getLong((int) f.offset());
                    overwrite(m, f, old + delta);
                    m.steps.add("add " + delta + " to the " + f.width() + " bytes at " + f.offset());
                }
            }
        }
    }

    private static GgufFieldMap.Field randomField(GgufFieldMap map, SplittableRandom rnd) {
        List<GgufFieldMap.Kind> kinds = map.kinds();
        List<GgufFieldMap.Field> fields = map.fields(kinds.get(rnd.nextInt(kinds.size())));
        return fields.get(rnd.nextInt(fields.size()));
    }

    private static void overwrite(Mutated m, GgufFieldMap.Field f, long value) {
        for (int i = 0; i < f.width() && f.offset() + i < m.bytes.length; i++) {
            m.set((int) f.offset() + i, (byte) (value >>> (8 * i)));
        }
    }

    /** Uses what was read, as a caller would. */
    private static void touch(GgufFile f) {
        for (GgufValue v : f.metadata().values()) v.display(4);
        for (GgufTensor t : f.tensors().values()) {
            assertThat(t.data().byteSize()).isEqualTo(t.type().bytesFor(t.elementCount()));
            assertThat(t.rowCount() * t.rowLength()).isEqualTo(t.elementCount());
            if (t.byteSize() > 0) t.data().get(java.lang.foreign.ValueLayout.JAVA_BYTE, t.byteSize() - 1);
        }
    }
}

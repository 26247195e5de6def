package dev.jllm.engine.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jllm.engine.testing.SharedFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class GgufWriterTest {
    private static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @TempDir
    Path dir;

    static Map<String, GgufValue> everyValueType() {
        Map<String, GgufValue> m = new LinkedHashMap<>();
        m.put("u8.max", GgufValue.uint8(255));
        m.put("i8.min", GgufValue.int8(-128));
        m.put("u16.max", GgufValue.uint16(65535));
        m.put("i16.min", GgufValue.int16(-32768));
        m.put("u32.max", GgufValue.uint32(0xFFFF_FFFFL));
        m.put("i32.min", GgufValue.int32(Integer.MIN_VALUE));
        m.put("f32.nan", GgufValue.float32(Float.NaN));
        m.put("f32.negzero", GgufValue.float32(-0.0f));
        m.put("bool.true", GgufValue.bool(true));
        m.put("bool.false", GgufValue.bool(false));
        m.put("str.empty", GgufValue.string(""));
        m.put("str.unicode", GgufValue.string("naïve ▁tokens 日本語 🦙\n\0end"));
        m.put("u64.max", GgufValue.uint64(-1L));
        m.put("i64.min", GgufValue.int64(Long.MIN_VALUE));
        m.put("f64.tiny", GgufValue.float64(Double.MIN_VALUE));
        m.put("", GgufValue.string("the empty key"));
        m.put("schlüssel.键.🔑", GgufValue.int32(7));
        m.put("arr.u8", GgufValue.array(GgufValueType.UINT8, new byte[] {0, 1, (byte) 255}));
        m.put("arr.i8", GgufValue.array(GgufValueType.INT8, new byte[] {-128, 127}));
        m.put("arr.u16", GgufValue.array(GgufValueType.UINT16, new short[] {(short) 65535, 0}));
        m.put("arr.i16", GgufValue.array(GgufValueType.INT16, new short[] {Short.MIN_VALUE}));
        m.put("arr.u32", GgufValue.array(GgufValueType.UINT32, new int[] {-1, 0, 1}));
        m.put("arr.i32", GgufValue.array(GgufValueType.INT32, new int[] {Integer.MIN_VALUE, Integer.MAX_VALUE}));
        m.put("arr.u64", GgufValue.array(GgufValueType.UINT64, new long[] {-1L}));
        m.put("arr.i64", GgufValue.array(GgufValueType.INT64, new long[] {Long.MIN_VALUE, 0}));
        m.put("arr.f32", GgufValue.array(GgufValueType.FLOAT32, new float[] {1.5f, Float.NEGATIVE_INFINITY, Float.MIN_VALUE}));
        m.put("arr.f64", GgufValue.array(GgufValueType.FLOAT64, new double[] {Math.PI, -0.0}));
        m.put("arr.bool", GgufValue.array(GgufValueType.BOOL, new boolean[] {true, false, true}));
        m.put("arr.str", GgufValue.array(GgufValueType.STRING, new String[] {"", "a", "▁the", "<0x0A>"}));
        for (GgufValueType t : GgufValueType.values()) {
            m.put("arr.empty." + t, GgufValue.array(t, emptyArrayOf(t)));
        }
        GgufValue strings = GgufValue.array(GgufValueType.STRING, new String[] {"x", ""});
        GgufValue ints = GgufValue.array(GgufValueType.INT32, new int[] {1, 2, 3});
        GgufValue emptyNested = GgufValue.array(GgufValueType.ARRAY, new GgufValue[0]);
        GgufValue level2 = GgufValue.array(GgufValueType.ARRAY, new GgufValue[] {strings, ints, emptyNested});
        m.put("arr.nested", level2);
        m.put("arr.nested3", GgufValue.array(GgufValueType.ARRAY, new GgufValue[] {level2, emptyNested, level2}));
        return m;
    }

    static Object emptyArrayOf(GgufValueType t) {
        return switch (t) {
            case UINT8, INT8 -> new byte[0];
            case UINT16, INT16 -> new short[0];
            case UINT32, INT32 -> new int[0];
            case UINT64, INT64 -> new long[0];
            case FLOAT32 -> new float[0];
            case FLOAT64 -> new double[0];
            case BOOL -> new boolean[0];
            case STRING -> new String[0];
            case ARRAY -> new GgufValue[0];
        };
    }

    @Test
    void everyMetadataTypeRoundTrips() {
        GgufWriter w = new GgufWriter();
        everyValueType().forEach(w::put);
        Path file = dir.resolve("all.gguf");
        w.write(file);
        try (GgufFile f = GgufReader.open(file)) {
            assertThat(f.version()).isEqualTo(3);
            assertThat(f.tensors()).isEmpty();
            assertThat(f.metadata()).containsExactlyEntriesOf(everyValueType());
            assertThat(f.getLong("u64.max")).isEqualTo(-1L);
            assertThat(f.getString("str.unicode")).isEqualTo("naïve ▁tokens 日本語 🦙\n\0end");
        }
    }

    @Test
    void metadataKeepsInsertionOrderAndAKeySetTwiceKeepsItsPlace() {
        GgufWriter w = new GgufWriter().put("b", GgufValue.int32(1)).put("a", GgufValue.int32(2)).put("b", GgufValue.int32(3));
        Path file = dir.resolve("order.gguf");
        w.write(file);
        try (GgufFile f = GgufReader.open(file)) {
            assertThat(f.metadata()).containsExactly(Map.entry("b", GgufValue.int32(3)), Map.entry("a", GgufValue.int32(2)));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void writesTheRequestedVersion(int version) throws IOException {
        Path file = dir.resolve("v" + version + ".gguf");
        new GgufWriter().version(version).put("k", GgufValue.string("v"))
                .addTensor("t", new long[] {4}, new float[] {1, 2, 3, 4}).write(file);
        byte[] bytes = Files.readAllBytes(file);
        assertThat(MemorySegment.ofArray(bytes).get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 4))
                .isEqualTo(version);
        try (GgufFile f = GgufReader.open(file)) {
            assertThat(f.version()).isEqualTo(version);
            assertThat(f.getString("k")).isEqualTo("v");
            assertThat(f.tensor("t").data().toArray(F32_LE)).containsExactly(1, 2, 3, 4);
        }
    }

    @Test
    void versionsOtherThanTwoAndThreeAreRefused() {
        assertThatThrownBy(() -> new GgufWriter().version(1)).hasMessageContaining("GGUF version 1 cannot be written");
        assertThatThrownBy(() -> new GgufWriter().version(4)).hasMessageContaining("GGUF version 4");
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 8, 32, 64, 256, 4096})
    void tensorDataFollowTheAlignment(long alignment) throws IOException {
        GgufWriter w = new GgufWriter();
        if (alignment != 32) w.put("general.alignment", GgufValue.uint32(alignment));
        w.put("general.name", GgufValue.string("x".repeat(13)));
        float[] a = {1, 2, 3};
        byte[] b = new byte[34]; // one Q8_0 block
        for (int i = 0; i < b.length; i++) b[i] = (byte) (i * 7 + 1);
        float[] c = {-1, -2, -3, -4, -5, -6, -7, -8, -9, -10};
        w.addTensor("a", new long[] {3}, a).addTensor("b", GgmlType.Q8_0, new long[] {32}, b)
                .addTensor("c", new long[] {5, 2}, c);
        assertThat(w.alignment()).isEqualTo(alignment);
        Path file = dir.resolve("align.gguf");
        w.write(file);
        try (GgufFile f = GgufReader.open(file)) {
            assertThat(f.alignment()).isEqualTo(alignment);
            assertThat(f.dataOffset() % alignment).isZero();
            for (GgufTensor t : f.tensors().values()) {
                assertThat(t.offset() % alignment).as(t.name()).isZero();
                assertThat(t.offset()).isEqualTo(w.tensorOffset(t.name()));
            }
            assertThat(f.tensor("a").data().toArray(F32_LE)).containsExactly(a);
            assertThat(f.tensor("b").data().toArray(ValueLayout.JAVA_BYTE)).containsExactly(b);
            assertThat(f.tensor("c").data().toArray(F32_LE)).containsExactly(c);
            assertThat(f.tensor("c").shape()).containsExactly(5, 2);
            // gguf.cpp pads every tensor, the last one too
            assertThat(Files.size(file)).isEqualTo(f.dataOffset() + w.tensorOffset("c") + GgufReader.alignUp(40, alignment));
        }
    }

    @Test
    void badAlignmentIsRefused() {
        assertThatThrownBy(() -> new GgufWriter().put("general.alignment", GgufValue.uint32(48)))
                .hasMessageContaining("general.alignment 48 is not a power of two");
        assertThatThrownBy(() -> new GgufWriter().put("general.alignment", GgufValue.uint32(0)))
                .hasMessageContaining("not a power of two");
        assertThatThrownBy(() -> new GgufWriter().put("general.alignment", GgufValue.int32(32)))
                .hasMessageContaining("must be UINT32");
    }

    @Test
    void inconsistentTensorsAreRefusedWithTheirName() {
        GgufWriter w = new GgufWriter().addTensor("t", new long[] {2}, new float[2]);
        assertThatThrownBy(() -> w.addTensor("t", new long[] {2}, new float[2])).hasMessageContaining("duplicate tensor 't'");
        assertThatThrownBy(() -> w.addTensor("short", new long[] {3}, new float[2]))
                .hasMessageContaining("tensor 'short'").hasMessageContaining("takes 12 bytes, data has 8");
        assertThatThrownBy(() -> w.addTensor("q", GgmlType.Q8_0, new long[] {16}, new byte[17]))
                .hasMessageContaining("tensor 'q': row length 16 is not a multiple of the Q8_0 block size 32");
        assertThatThrownBy(() -> w.addTensor("zero", new long[] {0}, new float[0])).hasMessageContaining("tensor 'zero': dimension 0");
        assertThatThrownBy(() -> w.addTensor("five", new long[] {1, 1, 1, 1, 1}, new float[1])).hasMessageContaining("5 dimensions");
        assertThatThrownBy(() -> w.addTensor("n".repeat(64), new long[] {1}, new float[1])).hasMessageContaining("shorter than 64 bytes");
    }

    @Test
    void valuesOfTheWrongJavaTypeAreRefused() {
        assertThatThrownBy(() -> GgufValue.of(GgufValueType.UINT8, 256)).hasMessageContaining("256 is out of range for UINT8");
        assertThatThrownBy(() -> GgufValue.uint32(-1)).hasMessageContaining("out of range for UINT32");
        assertThatThrownBy(() -> GgufValue.of(GgufValueType.FLOAT32, 1.0)).hasMessageContaining("FLOAT32 value cannot be a Double");
        assertThatThrownBy(() -> GgufValue.array(GgufValueType.UINT32, new long[1])).hasMessageContaining("must be a int[]");
        assertThatThrownBy(() -> GgufValue.array(GgufValueType.ARRAY, new GgufValue[] {GgufValue.int32(1)}))
                .hasMessageContaining("holds arrays, not INT32");
        // integers of any width are stored in the canonical class, so they equal what the reader returns
        assertThat(GgufValue.of(GgufValueType.UINT32, 5)).isEqualTo(GgufValue.uint32(5L));
    }

    @Test
    void aFailedWriteLeavesAnExistingFileUntouched() throws IOException {
        Path file = dir.resolve("keep.gguf");
        Files.writeString(file, "previous content");
        Arena arena = Arena.ofConfined();
        MemorySegment data = arena.allocate(8);
        GgufWriter w = new GgufWriter().addTensor("t", GgmlType.F32, new long[] {2}, data);
        arena.close(); // the data can no longer be read
        assertThatThrownBy(() -> w.write(file)).isInstanceOf(IllegalStateException.class);
        assertThat(Files.readString(file)).isEqualTo("previous content");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
    }

    /**
     * Every shared GGUF file that jllm can read re-writes to the same bytes. The one exception is the layout of files
     * without tensors: gguf-py (which wrote the vocab-only files) stops right after the metadata, while gguf.cpp, which
     * GgufWriter follows, always pads the metadata to the alignment; so those copies carry that padding and nothing else.
     */
    @ParameterizedTest
    @MethodSource("dev.jllm.engine.gguf.SharedGgufFiles#readable")
    void copyingARealFileGivesTheSameBytes(Path original) throws IOException {
        Path copy = dir.resolve("copy.gguf");
        long alignment;
        boolean hasTensors;
        try (GgufFile f = GgufReader.open(original)) {
            GgufWriter.copyOf(f).write(copy);
            alignment = f.alignment();
            hasTensors = !f.tensors().isEmpty();
        }
        if (hasTensors) {
            assertThat(sha256(copy)).as(original.toString()).isEqualTo(sha256(original));
        } else {
            byte[] expected = Files.readAllBytes(original);
            expected = Arrays.copyOf(expected, (int) GgufReader.alignUp(expected.length, alignment));
            assertThat(Files.readAllBytes(copy)).as(original.toString()).isEqualTo(expected);
        }
    }

    @Test
    void copyOfStories260KHasTheKnownChecksum() throws IOException {
        Path copy = dir.resolve("stories.gguf");
        try (GgufFile f = GgufReader.open(SharedFiles.file("models/stories260K/stories260K.gguf"))) {
            GgufWriter.copyOf(f).write(copy);
        }
        // sha256 listed for this file in shared/PROVENANCE.md
        assertThat(sha256(copy)).isEqualTo("270cba1bd5109f42d03350f60406024560464db173c0e387d91f0426d3bd256d");
    }

    static String sha256(Path file) throws IOException {
        try (DigestInputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(in.getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}

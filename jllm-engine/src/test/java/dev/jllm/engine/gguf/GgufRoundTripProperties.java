package dev.jllm.engine.gguf;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/** Whatever metadata and tensors GgufWriter accepts, GgufReader reads back equal. */
class GgufRoundTripProperties {

    private static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @Property(tries = 300)
    void metadataAndTensorsRoundTrip(@ForAll("metadata") Map<String, GgufValue> metadata,
                                     @ForAll("tensors") List<float[]> tensors,
                                     @ForAll("alignments") long alignment) throws IOException {
        GgufWriter w = new GgufWriter();
        metadata.forEach(w::put);
        w.put("general.alignment", GgufValue.uint32(alignment));
        for (int i = 0; i < tensors.size(); i++) w.addTensor("t" + i, new long[] {tensors.get(i).length}, tensors.get(i));
        Path file = Files.createTempFile("roundtrip", ".gguf");
        try {
            w.write(file);
            try (GgufFile f = GgufReader.open(file)) {
                assertThat(f.metadata()).containsAllEntriesOf(metadata).hasSize(metadata.size() + 1);
                assertThat(f.alignment()).isEqualTo(alignment);
                assertThat(f.tensors()).hasSize(tensors.size());
                for (int i = 0; i < tensors.size(); i++) {
                    assertThat(f.tensor("t" + i).data().toArray(F32_LE)).containsExactly(tensors.get(i));
                }
            }
        } finally {
            Files.delete(file);
        }
    }

    @Provide
    Arbitrary<Map<String, GgufValue>> metadata() {
        return Arbitraries.maps(text(), value(3)).ofMaxSize(12).filter(m -> !m.containsKey("general.alignment"));
    }

    @Provide
    Arbitrary<List<float[]>> tensors() {
        return Arbitraries.floats().array(float[].class).ofMinSize(1).ofMaxSize(40).list().ofMaxSize(4);
    }

    @Provide
    Arbitrary<Long> alignments() {
        return Arbitraries.of(1L, 2L, 8L, 16L, 32L, 64L, 128L);
    }

    /** Strings without lone surrogates, which UTF-8 cannot hold. */
    static Arbitrary<String> text() {
        return Arbitraries.strings().withCharRange('\u0000', '\uD7FF').withCharRange('\uE000', '\uFFFD').ofMaxLength(12);
    }

    static Arbitrary<GgufValue> value(int depth) {
        Arbitrary<GgufValue> scalar = Arbitraries.oneOf(List.of(
                Arbitraries.integers().between(0, 255).map(GgufValue::uint8),
                Arbitraries.integers().between(-128, 127).map(GgufValue::int8),
                Arbitraries.integers().between(0, 65535).map(GgufValue::uint16),
                Arbitraries.integers().between(-32768, 32767).map(GgufValue::int16),
                Arbitraries.longs().between(0, 0xFFFF_FFFFL).map(GgufValue::uint32),
                Arbitraries.integers().map(GgufValue::int32),
                Arbitraries.floats().map(GgufValue::float32),
                Arbitraries.of(true, false).map(GgufValue::bool),
                text().map(GgufValue::string),
                Arbitraries.longs().map(GgufValue::uint64),
                Arbitraries.longs().map(GgufValue::int64),
                Arbitraries.doubles().map(GgufValue::float64)));
        return Arbitraries.frequencyOf(Tuple.of(3, scalar), Tuple.of(2, array(depth)));
    }

    /** Arrays of every element type, nested up to {@code depth} levels of arrays of arrays. */
    static Arbitrary<GgufValue> array(int depth) {
        Arbitrary<GgufValue> flat = Arbitraries.oneOf(List.of(
                Arbitraries.bytes().array(byte[].class).ofMaxSize(8).map(a -> GgufValue.array(GgufValueType.UINT8, a)),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(8).map(a -> GgufValue.array(GgufValueType.INT8, a)),
                Arbitraries.shorts().array(short[].class).ofMaxSize(8).map(a -> GgufValue.array(GgufValueType.UINT16, a)),
                Arbitraries.shorts().array(short[].class).ofMaxSize(8).map(a -> GgufValue.array(GgufValueType.INT16, a)),
                Arbitraries.integers().array(int[].class).ofMaxSize(8).map(a -> GgufValue.array(GgufValueType.UINT32, a)),
                Arbitraries.integers().array(int[].class).ofMaxSize(8).map(a -> GgufValue.array(GgufValueType.INT32, a)),
                Arbitraries.longs().array(long[].class).ofMaxSize(8).map(a -> GgufValue.array(GgufValueType.UINT64, a)),
                Arbitraries.longs().array(long[].class).ofMaxSize(8).map(a -> GgufValue.array(GgufValueType.INT64, a)),
                Arbitraries.floats().array(float[].class).ofMaxSize(8).map(a -> GgufValue.array(GgufValueType.FLOAT32, a)),
                Arbitraries.doubles().array(double[].class).ofMaxSize(8).map(a -> GgufValue.array(GgufValueType.FLOAT64, a)),
                Arbitraries.of(true, false).list().ofMaxSize(8).map(GgufRoundTripProperties::booleans),
                text().array(String[].class).ofMaxSize(8).map(a -> GgufValue.array(GgufValueType.STRING, a))));
        if (depth == 0) return flat;
        Arbitrary<GgufValue> nested = Arbitraries.lazy(() -> array(depth - 1)).array(GgufValue[].class).ofMaxSize(4)
                .map(a -> GgufValue.array(GgufValueType.ARRAY, a));
        return Arbitraries.frequencyOf(Tuple.of(3, flat), Tuple.of(1, nested));
    }

    private static GgufValue booleans(List<Boolean> list) {
        boolean[] a = new boolean[list.size()];
        for (int i = 0; i < a.length; i++) a[i] = list.get(i);
        return GgufValue.array(GgufValueType.BOOL, a);
    }
}

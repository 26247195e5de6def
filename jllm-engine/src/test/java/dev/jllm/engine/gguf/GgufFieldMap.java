package dev.jllm.engine.gguf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Where the integer fields of a valid GGUF v2/v3 file lie (counts, lengths, types, dimensions, offsets), found by a
 * walk of the format written for the fuzz test, independent of GgufReader, so mutations can hit them exactly.
 */
final class GgufFieldMap {
    enum Kind { VERSION, COUNT, STRING_LENGTH, VALUE_TYPE, ARRAY_TYPE, ARRAY_LENGTH, SCALAR, DIMENSION_COUNT, DIMENSION, TENSOR_TYPE, TENSOR_OFFSET }

    record Field(long offset, int width) {}

    private final Map<Kind, List<Field>> fields = new EnumMap<>(Kind.class);
    /** Where the metadata and tensor infos end: mutations before it reach the parser. */
    final long headerEnd;

    private final ByteBuffer b;

    private GgufFieldMap(byte[] bytes) {
        b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        b.position(4);
        add(Kind.VERSION, 4);
        b.getInt();
        add(Kind.COUNT, 8);
        long tensors = b.getLong();
        add(Kind.COUNT, 8);
        long kvs = b.getLong();
        for (long i = 0; i < kvs; i++) {
            string();
            add(Kind.VALUE_TYPE, 4);
            value(b.getInt());
        }
        for (long i = 0; i < tensors; i++) {
            string();
            add(Kind.DIMENSION_COUNT, 4);
            int dims = b.getInt();
            for (int d = 0; d < dims; d++) {
                add(Kind.DIMENSION, 8);
                b.getLong();
            }
            add(Kind.TENSOR_TYPE, 4);
            b.getInt();
            add(Kind.TENSOR_OFFSET, 8);
            b.getLong();
        }
        headerEnd = b.position();
    }

    /** The map of a file in GGUF v2 or v3, or null for any other file. */
    static GgufFieldMap of(byte[] bytes) {
        int version = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(4);
        return version == 2 || version == 3 ? new GgufFieldMap(bytes) : null;
    }

    private void add(Kind kind, int width) {
        fields.computeIfAbsent(kind, k -> new ArrayList<>()).add(new Field(b.position(), width));
    }

    private void string() {
        add(Kind.STRING_LENGTH, 8);
        long len = b.getLong();
        b.position(Math.toIntExact(b.position() + len));
    }

    private void value(int type) {
        GgufValueType t = GgufValueType.byId(type);
        switch (t) {
            case STRING -> string();
            case ARRAY -> {
                add(Kind.ARRAY_TYPE, 4);
                int elementType = b.getInt();
                add(Kind.ARRAY_LENGTH, 8);
                long n = b.getLong();
                GgufValueType e = GgufValueType.byId(elementType);
                if (e.size > 0) b.position(Math.toIntExact(b.position() + n * e.size)); // fixed-size elements: skip
                else for (long i = 0; i < n; i++) value(elementType);
            }
            default -> {
                if (t.size >= 4) add(Kind.SCALAR, t.size);
                b.position(b.position() + t.size);
            }
        }
    }

    /** Kinds that occur in this file. */
    List<Kind> kinds() {
        return List.copyOf(fields.keySet());
    }

    List<Field> fields(Kind kind) {
        return fields.get(kind);
    }
}

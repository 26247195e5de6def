package dev.jllm.engine.gguf;

import java.util.Arrays;
import java.util.Objects;

/**
 * One metadata value with its GGUF type. Scalars hold a boxed Java value: UINT8, INT8, UINT16, INT16 and INT32 as
 * Integer (unsigned ones widened), UINT32, INT64 and UINT64 (as bits) as Long, FLOAT32 as Float, FLOAT64 as Double,
 * BOOL as Boolean, STRING as String. Arrays hold a
 * Java array: {@code byte[]} (UINT8/INT8), {@code short[]} (UINT16/INT16), {@code int[]} (UINT32/INT32),
 * {@code long[]}, {@code float[]}, {@code double[]}, {@code boolean[]}, {@code String[]}, or {@code GgufValue[]}
 * for nested arrays; {@link #elementType()} says which GGUF type the elements had.
 */
public record GgufValue(GgufValueType type, GgufValueType elementType, Object value) {

    public GgufValue {
        Objects.requireNonNull(type);
        Objects.requireNonNull(value);
        if ((type == GgufValueType.ARRAY) != (elementType != null)) {
            throw new IllegalArgumentException("elementType is set exactly for arrays");
        }
    }

    public static GgufValue of(GgufValueType type, Object value) {
        return new GgufValue(type, null, value);
    }

    public static GgufValue string(String s) {
        return of(GgufValueType.STRING, s);
    }

    public static GgufValue uint32(long v) {
        return of(GgufValueType.UINT32, v);
    }

    public static GgufValue int32(int v) {
        return of(GgufValueType.INT32, v);
    }

    public static GgufValue float32(float v) {
        return of(GgufValueType.FLOAT32, v);
    }

    public static GgufValue bool(boolean v) {
        return of(GgufValueType.BOOL, v);
    }

    public static GgufValue array(GgufValueType elementType, Object javaArray) {
        return new GgufValue(GgufValueType.ARRAY, elementType, javaArray);
    }

    /** Number of elements when this is an array. */
    public int arrayLength() {
        return java.lang.reflect.Array.getLength(value);
    }

    /** The value as a long, for any integer, bool or float type (floats truncated). */
    public long asLong() {
        return switch (value) {
            case Number n -> n.longValue();
            case Boolean b -> b ? 1 : 0;
            default -> throw new IllegalStateException("not a number: " + type);
        };
    }

    public double asDouble() {
        return switch (value) {
            case Number n -> n.doubleValue();
            case Boolean b -> b ? 1 : 0;
            default -> throw new IllegalStateException("not a number: " + type);
        };
    }

    /** Human-readable text for `jllm info`; long arrays are shortened. */
    public String display(int maxElements) {
        if (type != GgufValueType.ARRAY) {
            return value instanceof String s ? '"' + s.replace("\n", "\\n") + '"' : String.valueOf(value);
        }
        int n = arrayLength();
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < Math.min(n, maxElements); i++) {
            if (i > 0) sb.append(", ");
            Object e = java.lang.reflect.Array.get(value, i);
            sb.append(e instanceof String s ? '"' + s.replace("\n", "\\n") + '"'
                    : e instanceof GgufValue g ? g.display(maxElements) : String.valueOf(e));
        }
        if (n > maxElements) sb.append(", ... (").append(n).append(" ").append(elementType).append(")");
        return sb.append(']').toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GgufValue g && g.type == type && g.elementType == elementType
                && Arrays.deepEquals(new Object[] {value}, new Object[] {g.value});
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, elementType, Arrays.deepHashCode(new Object[] {value}));
    }
}

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

    /**
     * Checks that {@code value} has the Java class that {@code type} stands for (see the class comment); integer
     * scalars given as any of Byte/Short/Integer/Long are converted to the canonical class when they fit the type's
     * range. So a value that exists can always be written to a file and reads back equal.
     */
    public GgufValue {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(value, "value");
        if ((type == GgufValueType.ARRAY) != (elementType != null)) {
            throw new IllegalArgumentException("elementType is set exactly for arrays");
        }
        if (type == GgufValueType.ARRAY) {
            checkArray(elementType, value);
        } else {
            value = canonicalScalar(type, value);
        }
    }

    private static Object canonicalScalar(GgufValueType type, Object value) {
        return switch (type) {
            case UINT8 -> (int) integer(type, value, 0, 0xFF);
            case INT8 -> (int) integer(type, value, Byte.MIN_VALUE, Byte.MAX_VALUE);
            case UINT16 -> (int) integer(type, value, 0, 0xFFFF);
            case INT16 -> (int) integer(type, value, Short.MIN_VALUE, Short.MAX_VALUE);
            case INT32 -> (int) integer(type, value, Integer.MIN_VALUE, Integer.MAX_VALUE);
            case UINT32 -> integer(type, value, 0, 0xFFFF_FFFFL);
            case INT64, UINT64 -> integer(type, value, Long.MIN_VALUE, Long.MAX_VALUE); // UINT64 holds the bits
            case FLOAT32 -> value instanceof Float f ? f : mismatch(type, value);
            case FLOAT64 -> value instanceof Double || value instanceof Float ? ((Number) value).doubleValue() : mismatch(type, value);
            case BOOL -> value instanceof Boolean b ? b : mismatch(type, value);
            case STRING -> value instanceof String s ? s : mismatch(type, value);
            case ARRAY -> throw new IllegalStateException();
        };
    }

    private static long integer(GgufValueType type, Object value, long min, long max) {
        if (!(value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte)) {
            return mismatch(type, value);
        }
        long v = ((Number) value).longValue();
        if (v < min || v > max) throw new IllegalArgumentException(v + " is out of range for " + type);
        return v;
    }

    private static <T> T mismatch(GgufValueType type, Object value) {
        throw new IllegalArgumentException("a " + type + " value cannot be a " + value.getClass().getSimpleName());
    }

    private static void checkArray(GgufValueType elementType, Object array) {
        Class<?> expected = switch (elementType) {
            case UINT8, INT8 -> byte[].class;
            case UINT16, INT16 -> short[].class;
            case UINT32, INT32 -> int[].class;
            case UINT64, INT64 -> long[].class;
            case FLOAT32 -> float[].class;
            case FLOAT64 -> double[].class;
            case BOOL -> boolean[].class;
            case STRING -> String[].class;
            case ARRAY -> GgufValue[].class;
        };
        if (array.getClass() != expected) {
            throw new IllegalArgumentException("an array of " + elementType + " must be a " + expected.getSimpleName()
                    + ", not a " + array.getClass().getSimpleName());
        }
        if (array instanceof Object[] elements) {
            for (Object e : elements) {
                Objects.requireNonNull(e, "array element");
                if (e instanceof GgufValue v && v.type != GgufValueType.ARRAY) {
                    throw new IllegalArgumentException("an array of ARRAY holds arrays, not " + v.type);
                }
            }
        }
    }

    public static GgufValue of(GgufValueType type, Object value) {
        return new GgufValue(type, null, value);
    }

    public static GgufValue string(String s) {
        return of(GgufValueType.STRING, s);
    }

    public static GgufValue uint8(int v) {
        return of(GgufValueType.UINT8, v);
    }

    public static GgufValue int8(int v) {
        return of(GgufValueType.INT8, v);
    }

    public static GgufValue uint16(int v) {
        return of(GgufValueType.UINT16, v);
    }

    public static GgufValue int16(int v) {
        return of(GgufValueType.INT16, v);
    }

    public static GgufValue uint32(long v) {
        return of(GgufValueType.UINT32, v);
    }

    public static GgufValue int32(int v) {
        return of(GgufValueType.INT32, v);
    }

    /** A UINT64 given by its bits (values above Long.MAX_VALUE are negative longs). */
    public static GgufValue uint64(long v) {
        return of(GgufValueType.UINT64, v);
    }

    public static GgufValue int64(long v) {
        return of(GgufValueType.INT64, v);
    }

    public static GgufValue float64(double v) {
        return of(GgufValueType.FLOAT64, v);
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
        if (type != GgufValueType.ARRAY) return displayElement(type, value, maxElements);
        int n = arrayLength();
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < Math.min(n, maxElements); i++) {
            if (i > 0) sb.append(", ");
            sb.append(displayElement(elementType, java.lang.reflect.Array.get(value, i), maxElements));
        }
        if (n > maxElements) sb.append(", ... (").append(n).append(" ").append(elementType).append(")");
        return sb.append(']').toString();
    }

    private static String displayElement(GgufValueType type, Object e, int maxElements) {
        return switch (e) {
            case String s -> '"' + s.replace("\n", "\\n") + '"';
            case GgufValue g -> g.display(maxElements);
            case Byte b when type == GgufValueType.UINT8 -> String.valueOf(Byte.toUnsignedInt(b));
            case Short h when type == GgufValueType.UINT16 -> String.valueOf(Short.toUnsignedInt(h));
            case Integer x when type == GgufValueType.UINT32 -> Integer.toUnsignedString(x);
            case Long x when type == GgufValueType.UINT64 -> Long.toUnsignedString(x);
            default -> String.valueOf(e);
        };
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

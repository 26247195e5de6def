package dev.jllm.engine.quant;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Reads and writes the little-endian fields of ggml blocks, wherever the bytes are aligned. */
final class LittleEndian {
    private LittleEndian() {}

    static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** An unsigned byte. */
    static int u8(MemorySegment s, long offset) {
        return s.get(ValueLayout.JAVA_BYTE, offset) & 0xFF;
    }

    static byte i8(MemorySegment s, long offset) {
        return s.get(ValueLayout.JAVA_BYTE, offset);
    }

    static int i32(MemorySegment s, long offset) {
        return s.get(INT, offset);
    }

    /** An IEEE half-precision field, widened exactly. */
    static float f16(MemorySegment s, long offset) {
        return Float.float16ToFloat(s.get(SHORT, offset));
    }

    static float f32(MemorySegment s, long offset) {
        return s.get(FLOAT, offset);
    }

    static void putU8(MemorySegment s, long offset, int value) {
        s.set(ValueLayout.JAVA_BYTE, offset, (byte) value);
    }

    static void putI32(MemorySegment s, long offset, int value) {
        s.set(INT, offset, value);
    }

    static void putI16(MemorySegment s, long offset, int value) {
        s.set(SHORT, offset, (short) value);
    }

    /** Stores {@code value} as an IEEE half, rounded to nearest even like ggml's GGML_FP32_TO_FP16. */
    static void putF16(MemorySegment s, long offset, float value) {
        s.set(SHORT, offset, Float.floatToFloat16(value));
    }

    static void putF32(MemorySegment s, long offset, float value) {
        s.set(FLOAT, offset, value);
    }
}

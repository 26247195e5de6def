package dev.jllm.engine.quant;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Per-thread heap copies of weight rows: bytes (a row, or one block) that the K-quant kernels decode from, and
 * F16/BF16 rows as shorts for a widening loop C2 vectorizes. Array loads keep the compiled vector kernels small enough for C2 to inline every
 * vector operation (segment loads are much larger), and make the scalar decoding cheaper.
 */
final class RowScratch {
    private static final ThreadLocal<byte[]> BUFFER = ThreadLocal.withInitial(() -> new byte[0]);
    private static final ThreadLocal<short[]> HALVES = ThreadLocal.withInitial(() -> new short[0]);
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);

    private RowScratch() {}

    /** This thread's buffer holding {@code length} bytes of {@code src} from {@code offset}. */
    static byte[] copy(MemorySegment src, long offset, int length) {
        byte[] b = BUFFER.get();
        if (b.length < length) {
            b = new byte[length];
            BUFFER.set(b);
        }
        MemorySegment.copy(src, ValueLayout.JAVA_BYTE, offset, b, 0, length);
        return b;
    }

    /** This thread's buffer holding {@code count} little-endian shorts of {@code src} from {@code offset}. */
    static short[] halves(MemorySegment src, long offset, int count) {
        short[] h = HALVES.get();
        if (h.length < count) {
            h = new short[count];
            HALVES.set(h);
        }
        MemorySegment.copy(src, LittleEndian.SHORT, offset, h, 0, count);
        return h;
    }

    static float f16(byte[] b, int i) {
        return Float.float16ToFloat((short) SHORT.get(b, i));
    }
}

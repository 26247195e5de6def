package dev.jllm.engine.quant;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

/** Builds little-endian block bytes by hand, field by field, for tests. */
final class BlockBytes {
    private final ByteBuffer buffer;

    BlockBytes(int capacity) {
        buffer = ByteBuffer.allocate(capacity).order(ByteOrder.LITTLE_ENDIAN);
    }

    BlockBytes f16(float value) {
        buffer.putShort(Float.floatToFloat16(value));
        return this;
    }

    BlockBytes f32(float value) {
        buffer.putFloat(value);
        return this;
    }

    BlockBytes i16(int value) {
        buffer.putShort((short) value);
        return this;
    }

    BlockBytes i32(int value) {
        buffer.putInt(value);
        return this;
    }

    BlockBytes bytes(int... values) {
        for (int v : values) buffer.put((byte) v);
        return this;
    }

    /** {@code count} random bytes. */
    BlockBytes random(Random random, int count) {
        byte[] b = new byte[count];
        random.nextBytes(b);
        buffer.put(b);
        return this;
    }

    /** A random finite fp16 scale in [-range, range]. */
    BlockBytes randomF16(Random random, float range) {
        return f16((random.nextFloat() * 2 - 1) * range);
    }

    byte[] array() {
        if (buffer.hasRemaining()) throw new IllegalStateException(buffer.remaining() + " bytes left unwritten");
        return buffer.array();
    }

    MemorySegment segment() {
        return MemorySegment.ofArray(array());
    }

    static int u8(byte[] b, int i) {
        return b[i] & 0xFF;
    }

    static float f16(byte[] b, int i) {
        return Float.float16ToFloat((short) ((b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8));
    }

    static int i32(byte[] b, int i) {
        return (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8 | (b[i + 2] & 0xFF) << 16 | (b[i + 3] & 0xFF) << 24;
    }
}

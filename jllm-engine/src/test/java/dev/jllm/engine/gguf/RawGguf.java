package dev.jllm.engine.gguf;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Builds GGUF bytes field by field, so tests can write what no writer would: hostile counts, types, offsets. */
final class RawGguf {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** Magic, version, tensor count and metadata count. */
    static RawGguf header(int version, long tensorCount, long kvCount) {
        return new RawGguf().u32(GgufReader.MAGIC).u32(version).u64(tensorCount).u64(kvCount);
    }

    RawGguf u8(int v) {
        out.write(v);
        return this;
    }

    RawGguf u32(int v) {
        return bytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
    }

    RawGguf u64(long v) {
        return bytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
    }

    RawGguf str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return u64(b.length).bytes(b);
    }

    RawGguf bytes(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    /** A metadata key with its value type (value bytes follow). */
    RawGguf key(String key, GgufValueType type) {
        return str(key).u32(type.id());
    }

    /** A tensor info. */
    RawGguf tensor(String name, GgmlType type, long offset, long... shape) {
        str(name).u32(shape.length);
        for (long d : shape) u64(d);
        return u32(type.id).u64(offset);
    }

    /** Zero bytes up to the next multiple of {@code alignment}. */
    RawGguf pad(int alignment) {
        while (out.size() % alignment != 0) out.write(0);
        return this;
    }

    int size() {
        return out.size();
    }

    byte[] toBytes() {
        return out.toByteArray();
    }

    GgufFile read() {
        return GgufReader.read(Path.of("hostile.gguf"), MemorySegment.ofArray(toBytes()));
    }
}

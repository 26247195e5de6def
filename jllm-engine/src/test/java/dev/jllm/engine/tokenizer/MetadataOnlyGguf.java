package dev.jllm.engine.tokenizer;

import dev.jllm.engine.gguf.GgufFile;
import dev.jllm.engine.gguf.GgufReader;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Builds a GGUF v3 image with metadata and no tensors, in memory, for tokenizer tests with made-up vocabularies. */
final class MetadataOnlyGguf {
    private static final int UINT32 = 4, INT32 = 5, FLOAT32 = 6, BOOL = 7, STRING = 8, ARRAY = 9;

    private final ByteArrayOutputStream kvs = new ByteArrayOutputStream();
    private int count;

    MetadataOnlyGguf string(String key, String value) {
        key(key, STRING);
        str(value);
        return this;
    }

    MetadataOnlyGguf bool(String key, boolean value) {
        key(key, BOOL);
        kvs.write(value ? 1 : 0);
        return this;
    }

    MetadataOnlyGguf uint32(String key, int value) {
        key(key, UINT32);
        i32(value);
        return this;
    }

    MetadataOnlyGguf strings(String key, String... values) {
        key(key, ARRAY);
        i32(STRING);
        i64(values.length);
        for (String v : values) str(v);
        return this;
    }

    MetadataOnlyGguf ints(String key, int... values) {
        key(key, ARRAY);
        i32(INT32);
        i64(values.length);
        for (int v : values) i32(v);
        return this;
    }

    MetadataOnlyGguf floats(String key, float... values) {
        key(key, ARRAY);
        i32(FLOAT32);
        i64(values.length);
        for (float v : values) i32(Float.floatToIntBits(v));
        return this;
    }

    GgufFile open(String name) {
        ByteBuffer header = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(0x46554747).putInt(3).putLong(0).putLong(count);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(header.array());
        all.writeBytes(kvs.toByteArray());
        return GgufReader.read(Path.of(name), MemorySegment.ofArray(all.toByteArray()));
    }

    private void key(String key, int type) {
        count++;
        str(key);
        i32(type);
    }

    private void str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        i64(b.length);
        kvs.writeBytes(b);
    }

    private void i32(int v) {
        kvs.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
    }

    private void i64(long v) {
        kvs.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
    }
}

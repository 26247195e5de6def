package dev.jllm.engine.gguf;

import java.lang.foreign.MemorySegment;

/**
 * A tensor of a GGUF file. {@code shape} is in ggml order: {@code shape[0]} (ne0) is the row length, the
 * fastest-varying dimension. {@code data} is a slice of the memory-mapped file (no copy on the heap).
 */
public record GgufTensor(String name, GgmlType type, long[] shape, long offset, MemorySegment data) {

    public long elementCount() {
        long n = 1;
        for (long d : shape) n *= d;
        return n;
    }

    /** Row length (ne0). */
    public long rowLength() {
        return shape[0];
    }

    /** Number of rows: the product of every dimension but ne0. */
    public long rowCount() {
        return elementCount() / shape[0];
    }

    public long byteSize() {
        return data.byteSize();
    }

    public String shapeString() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) sb.append(i > 0 ? ", " : "").append(shape[i]);
        return sb.append(']').toString();
    }
}

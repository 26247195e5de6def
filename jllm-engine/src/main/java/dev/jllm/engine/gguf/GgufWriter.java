package dev.jllm.engine.gguf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Writes GGUF v3 (or v2) files laid out as gguf.cpp writes them: header, metadata in insertion order, tensor infos,
 * zero padding to the alignment, then each tensor's data padded to the alignment. Tensor offsets are assigned in
 * the order tensors were added. The alignment is {@code general.alignment} when that key is set (UINT32, a power of
 * two), else 32. Data are streamed to the file through a small buffer, so models of any size can be written.
 *
 * <pre>{@code
 * new GgufWriter().put("general.architecture", GgufValue.string("llama"))
 *         .addTensor("output_norm.weight", new long[] {64}, ones)
 *         .write(path);
 * }</pre>
 */
public final class GgufWriter {
    /** ggml's GGML_MAX_NAME: llama.cpp rejects tensor names of this many bytes or more. */
    static final int MAX_TENSOR_NAME_BYTES = 64;
    private static final int BUFFER_BYTES = 1 << 20;
    private static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private record Tensor(String name, GgmlType type, long[] shape, MemorySegment data) {}

    private int version = 3;
    private final Map<String, GgufValue> metadata = new LinkedHashMap<>();
    private final List<Tensor> tensors = new ArrayList<>();
    private final Set<String> tensorNames = new HashSet<>();

    /** A writer holding {@code file}'s version, metadata and tensors (whose data stay in {@code file}). */
    public static GgufWriter copyOf(GgufFile file) {
        GgufWriter w = new GgufWriter().version(file.version());
        file.metadata().forEach(w::put);
        for (GgufTensor t : file.tensors().values()) w.addTensor(t.name(), t.type(), t.shape(), t.data());
        return w;
    }

    /** GGUF version 3 (the default) or 2; the two share one layout. */
    public GgufWriter version(int version) {
        if (version != 2 && version != 3) throw new IllegalArgumentException("GGUF version " + version + " cannot be written (2 or 3)");
        this.version = version;
        return this;
    }

    /** Sets a metadata key; a key set again keeps its first position. */
    public GgufWriter put(String key, GgufValue value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        if (key.equals("general.alignment")) alignmentOf(value);
        metadata.put(key, value);
        return this;
    }

    /** Adds a tensor whose data (ggml layout, little-endian) are read from {@code data} when the file is written. */
    public GgufWriter addTensor(String name, GgmlType type, long[] shape, MemorySegment data) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(data, "data");
        String what = "tensor '" + name + "'";
        if (name.getBytes(StandardCharsets.UTF_8).length >= MAX_TENSOR_NAME_BYTES) {
            throw new IllegalArgumentException(what + ": name must be shorter than " + MAX_TENSOR_NAME_BYTES + " bytes");
        }
        if (shape.length < 1 || shape.length > GgufReader.MAX_DIMS) {
            throw new IllegalArgumentException(what + ": " + shape.length + " dimensions (allowed 1.." + GgufReader.MAX_DIMS + ")");
        }
        long elements = 1;
        for (long d : shape) {
            if (d <= 0) throw new IllegalArgumentException(what + ": dimension " + d + " in " + Arrays.toString(shape));
            elements = Math.multiplyExact(elements, d);
        }
        if (shape[0] % type.blockSize != 0) {
            throw new IllegalArgumentException(what + ": row length " + shape[0] + " is not a multiple of the " + type
                    + " block size " + type.blockSize);
        }
        long bytes = type.bytesFor(elements);
        if (data.byteSize() != bytes) {
            throw new IllegalArgumentException(what + ": " + type + " " + Arrays.toString(shape) + " takes " + bytes
                    + " bytes, data has " + data.byteSize());
        }
        if (!tensorNames.add(name)) throw new IllegalArgumentException("duplicate " + what);
        tensors.add(new Tensor(name, type, shape.clone(), data));
        return this;
    }

    public GgufWriter addTensor(String name, GgmlType type, long[] shape, byte[] data) {
        return addTensor(name, type, shape, MemorySegment.ofArray(data));
    }

    /** Adds an F32 tensor. */
    public GgufWriter addTensor(String name, long[] shape, float[] data) {
        MemorySegment segment = MemorySegment.ofArray(data);
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            segment = MemorySegment.ofArray(new byte[data.length * Float.BYTES]);
            for (int i = 0; i < data.length; i++) segment.setAtIndex(F32_LE, i, data[i]);
        }
        return addTensor(name, GgmlType.F32, shape, segment);
    }

    /** The alignment of the tensor data: {@code general.alignment}, or 32. */
    public long alignment() {
        GgufValue a = metadata.get("general.alignment");
        return a == null ? GgufReader.DEFAULT_ALIGNMENT : alignmentOf(a);
    }

    private static long alignmentOf(GgufValue v) {
        if (v.type() != GgufValueType.UINT32) throw new IllegalArgumentException("general.alignment must be UINT32, is " + v.type());
        long a = v.asLong();
        if (Long.bitCount(a) != 1) throw new IllegalArgumentException("general.alignment " + a + " is not a power of two");
        return a;
    }

    /** Where tensor {@code name}'s data start, counted from the start of the data section. */
    public long tensorOffset(String name) {
        long offset = 0;
        for (Tensor t : tensors) {
            if (t.name.equals(name)) return offset;
            offset += GgufReader.alignUp(t.data.byteSize(), alignment());
        }
        throw new IllegalArgumentException("no tensor '" + name + "'");
    }

    /** Writes the file, replacing {@code path} only once it is complete. */
    public void write(Path path) {
        Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                Output out = new Output(ch);
                writeHeader(out);
                writeData(out);
                out.flush();
            }
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            deleteQuietly(tmp, e);
            throw new UncheckedIOException("cannot write GGUF file " + path + ": " + e, e);
        } catch (RuntimeException | Error e) {
            deleteQuietly(tmp, e);
            throw e;
        }
    }

    private static void deleteQuietly(Path file, Throwable cause) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException suppressed) {
            cause.addSuppressed(suppressed);
        }
    }

    /**
     * Writes only what precedes the tensor data (header, metadata, tensor infos, padding), for callers that write
     * the data themselves at {@code dataOffset + }{@link #tensorOffset}. Returns the data offset.
     */
    public long writeHeader(WritableByteChannel channel) throws IOException {
        Output out = new Output(channel);
        writeHeader(out);
        out.flush();
        return out.position;
    }

    private void writeHeader(Output out) throws IOException {
        long alignment = alignment();
        out.u32(GgufReader.MAGIC);
        out.u32(version);
        out.u64(tensors.size());
        out.u64(metadata.size());
        for (Map.Entry<String, GgufValue> e : metadata.entrySet()) {
            out.string(e.getKey());
            out.u32(e.getValue().type().id());
            value(out, e.getValue());
        }
        long offset = 0;
        for (Tensor t : tensors) {
            out.string(t.name);
            out.u32(t.shape.length);
            for (long d : t.shape) out.u64(d);
            out.u32(t.type.id);
            out.u64(offset);
            offset += GgufReader.alignUp(t.data.byteSize(), alignment);
        }
        out.pad(alignment);
    }

    private void writeData(Output out) throws IOException {
        long alignment = alignment();
        for (Tensor t : tensors) {
            out.segment(t.data);
            out.pad(alignment);
        }
    }

    private static void value(Output out, GgufValue v) throws IOException {
        if (v.type() != GgufValueType.ARRAY) {
            scalar(out, v.type(), v.value());
            return;
        }
        out.u32(v.elementType().id());
        out.u64(v.arrayLength());
        switch (v.value()) {
            case byte[] a -> out.segment(MemorySegment.ofArray(a));
            case short[] a -> { for (short x : a) out.u16(x); }
            case int[] a -> { for (int x : a) out.u32(x); }
            case long[] a -> { for (long x : a) out.u64(x); }
            case float[] a -> { for (float x : a) out.u32(Float.floatToRawIntBits(x)); }
            case double[] a -> { for (double x : a) out.u64(Double.doubleToRawLongBits(x)); }
            case boolean[] a -> { for (boolean x : a) out.u8(x ? 1 : 0); }
            case String[] a -> { for (String x : a) out.string(x); }
            case GgufValue[] a -> { for (GgufValue x : a) value(out, x); }
            default -> throw new IllegalStateException(v.value().getClass().toString());
        }
    }

    private static void scalar(Output out, GgufValueType type, Object v) throws IOException {
        switch (type) {
            case UINT8, INT8, BOOL -> out.u8(v instanceof Boolean b ? (b ? 1 : 0) : (Integer) v);
            case UINT16, INT16 -> out.u16((Integer) v);
            case UINT32 -> out.u32((int) (long) (Long) v);
            case INT32 -> out.u32((Integer) v);
            case UINT64, INT64 -> out.u64((Long) v);
            case FLOAT32 -> out.u32(Float.floatToRawIntBits((Float) v));
            case FLOAT64 -> out.u64(Double.doubleToRawLongBits((Double) v));
            case STRING -> out.string((String) v);
            case ARRAY -> throw new IllegalStateException();
        }
    }

    /** Little-endian output through one buffer; counts the bytes written. */
    private static final class Output {
        private final WritableByteChannel channel;
        private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        private final MemorySegment bufferSegment = MemorySegment.ofBuffer(buffer);
        long position;

        Output(WritableByteChannel channel) {
            this.channel = channel;
        }

        private void room(int bytes) throws IOException {
            if (buffer.remaining() < bytes) flush();
        }

        void u8(int v) throws IOException {
            room(1);
            buffer.put((byte) v);
            position += 1;
        }

        void u16(int v) throws IOException {
            room(2);
            buffer.putShort((short) v);
            position += 2;
        }

        void u32(int v) throws IOException {
            room(4);
            buffer.putInt(v);
            position += 4;
        }

        void u64(long v) throws IOException {
            room(8);
            buffer.putLong(v);
            position += 8;
        }

        void string(String s) throws IOException {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            u64(bytes.length);
            segment(MemorySegment.ofArray(bytes));
        }

        void segment(MemorySegment data) throws IOException {
            long done = 0;
            long size = data.byteSize();
            while (done < size) {
                if (!buffer.hasRemaining()) flush();
                int n = (int) Math.min(buffer.remaining(), size - done);
                MemorySegment.copy(data, done, bufferSegment, buffer.position(), n);
                buffer.position(buffer.position() + n);
                done += n;
            }
            position += size;
        }

        void pad(long alignment) throws IOException {
            long padding = GgufReader.alignUp(position, alignment) - position;
            for (long i = 0; i < padding; i++) u8(0);
        }

        void flush() throws IOException {
            buffer.flip();
            while (buffer.hasRemaining()) channel.write(buffer);
            buffer.clear();
        }
    }
}

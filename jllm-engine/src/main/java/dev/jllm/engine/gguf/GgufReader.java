package dev.jllm.engine.gguf;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads GGUF v2 and v3 files (gguf.cpp): header, metadata, tensor infos, then memory-maps the tensor data.
 * Every count, length and offset is checked against the bytes that remain, so a corrupt or hostile file fails
 * with a {@link GgufException} naming the file and the problem, never with an OutOfMemoryError or a crash.
 */
public final class GgufReader {
    static final int MAGIC = 0x46554747; // "GGUF" read little-endian
    static final int MAX_DIMS = 4; // GGML_MAX_DIMS
    static final int MAX_ARRAY_NESTING = 8;
    static final long DEFAULT_ALIGNMENT = 32;
    /** The longest string a Java byte[] can hold. */
    private static final long MAX_STRING_BYTES = Integer.MAX_VALUE - 8;
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path path;
    private final MemorySegment file;
    private long pos;

    private GgufReader(Path path, MemorySegment file) {
        this.path = path;
        this.file = file;
    }

    /** Opens and memory-maps {@code path}. Close the returned file to unmap it. */
    public static GgufFile open(Path path) {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment seg = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            return new GgufReader(path, seg).read(arena);
        } catch (NoSuchFileException e) {
            arena.close();
            throw new GgufException(path + ": no such file", e);
        } catch (IOException e) {
            arena.close();
            throw new GgufException(path + ": cannot read: " + e, e);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** Reads a GGUF image held in memory (tests, fuzzing). */
    public static GgufFile read(Path nameForErrors, MemorySegment bytes) {
        return new GgufReader(nameForErrors, bytes).read(null);
    }

    private GgufException error(String problem) {
        return new GgufException(path + ": " + problem);
    }

    private GgufFile read(Arena arena) {
        if (file.byteSize() < 4 || file.get(I32, 0) != MAGIC) {
            throw error("not a GGUF file (bad magic; expected 'GGUF' at offset 0)");
        }
        pos = 4;
        int version = u32asInt("version");
        if (version == 1) {
            throw error("GGUF version 1 is not supported (it predates 64-bit counts); convert the file with a current llama.cpp");
        }
        if (version != 2 && version != 3) {
            if (Integer.reverseBytes(version) == 2 || Integer.reverseBytes(version) == 3) {
                throw error("big-endian GGUF files are not supported");
            }
            throw error("unsupported GGUF version " + Integer.toUnsignedString(version) + " (supported: 2, 3)");
        }
        need(16, "header");
        long tensorCount = u64("tensor count");
        long kvCount = u64("metadata count");
        // every tensor info takes at least 8+0+4+8+4+8 bytes, every key/value at least 8+4+1
        if (tensorCount < 0 || tensorCount > remaining() / 32) {
            throw error("tensor count " + Long.toUnsignedString(tensorCount) + " cannot fit in the " + remaining()
                    + " bytes after the header (the file is truncated or corrupt)");
        }
        if (kvCount < 0 || kvCount > remaining() / 13) {
            throw error("metadata count " + Long.toUnsignedString(kvCount) + " cannot fit in the " + remaining()
                    + " bytes after the header (the file is truncated or corrupt)");
        }

        Map<String, GgufValue> metadata = new LinkedHashMap<>();
        for (long i = 0; i < kvCount; i++) {
            String key = string("metadata key #" + i);
            int typeId = u32asInt("type of '" + key + "'");
            GgufValueType type = GgufValueType.byId(typeId);
            if (type == null) throw error("metadata '" + key + "' has unknown value type " + typeId);
            GgufValue value = value(key, type, 0);
            if (metadata.put(key, value) != null) throw error("duplicate metadata key '" + key + "'");
        }

        long alignment = DEFAULT_ALIGNMENT;
        GgufValue a = metadata.get("general.alignment");
        if (a != null) {
            if (a.type() != GgufValueType.UINT32) throw error("general.alignment must be UINT32, is " + a.type());
            alignment = a.asLong();
            if (alignment <= 0 || Long.bitCount(alignment) != 1) throw error("general.alignment " + alignment + " is not a power of two");
        }

        record Info(String name, GgmlType type, long[] shape, long offset, long bytes) {}
        List<Info> infos = new ArrayList<>();
        Set<String> names = new HashSet<>();
        long expectedOffset = 0;
        for (long i = 0; i < tensorCount; i++) {
            String name = string("tensor name #" + i);
            if (name.getBytes(StandardCharsets.UTF_8).length >= GgufWriter.MAX_TENSOR_NAME_BYTES) {
                throw error("tensor name #" + i + " '" + name + "' is longer than ggml's limit of "
                        + (GgufWriter.MAX_TENSOR_NAME_BYTES - 1) + " bytes");
            }
            if (!names.add(name)) throw error("duplicate tensor name '" + name + "'");
            int nDims = u32asInt("dimension count of '" + name + "'");
            if (nDims < 1 || nDims > MAX_DIMS) throw error("tensor '" + name + "' has " + nDims + " dimensions (allowed 1.." + MAX_DIMS + ")");
            long[] shape = new long[nDims];
            long elements = 1;
            for (int d = 0; d < nDims; d++) {
                shape[d] = u64("dimension of '" + name + "'");
                if (shape[d] <= 0) throw error("tensor '" + name + "' has dimension " + Long.toUnsignedString(shape[d]));
                try {
                    elements = Math.multiplyExact(elements, shape[d]);
                } catch (ArithmeticException e) {
                    throw error("tensor '" + name + "' has too many elements");
                }
            }
            int typeId = u32asInt("type of '" + name + "'");
            GgmlType type = GgmlType.byId(typeId);
            if (type == null) throw error("tensor '" + name + "' has unknown or unsupported ggml type " + typeId);
            if (shape[0] % type.blockSize != 0) {
                throw error("tensor '" + name + "' has row length " + shape[0] + ", not a multiple of the " + type
                        + " block size " + type.blockSize);
            }
            long bytes;
            try {
                bytes = type.bytesFor(elements);
            } catch (ArithmeticException e) {
                throw error("tensor '" + name + "' is too large");
            }
            long offset = u64("offset of '" + name + "'");
            // as in gguf.cpp: tensor data lie in file order, each padded to the alignment, so none overlap
            if (offset != expectedOffset) {
                throw error("tensor '" + name + "' has data offset " + Long.toUnsignedString(offset) + ", expected "
                        + expectedOffset + " (the end of the previous tensor, padded to the alignment " + alignment + ")");
            }
            if (bytes > Long.MAX_VALUE - offset - alignment) throw error("tensor '" + name + "' is too large");
            expectedOffset = alignUp(offset + bytes, alignment);
            infos.add(new Info(name, type, shape, offset, bytes));
        }

        long dataOffset = alignUp(pos, alignment);
        long dataSize = file.byteSize() - dataOffset;
        if (!infos.isEmpty() && dataSize < 0) throw error("file ends before the tensor data section");
        List<GgufTensor> tensors = new ArrayList<>(infos.size());
        for (Info info : infos) {
            if (info.offset > dataSize || info.bytes > dataSize - info.offset) {
                throw error("tensor '" + info.name + "' (" + info.bytes + " bytes at data offset " + info.offset
                        + ") runs past the end of the file (" + Math.max(0, dataSize) + " bytes of tensor data); the file may be truncated");
            }
            MemorySegment data = file.asSlice(dataOffset + info.offset, info.bytes);
            tensors.add(new GgufTensor(info.name, info.type, info.shape, info.offset, data));
        }
        return new GgufFile(path, version, metadata, tensors, alignment, dataOffset, arena);
    }

    static long alignUp(long x, long alignment) {
        return (x + alignment - 1) / alignment * alignment;
    }

    private long remaining() {
        return file.byteSize() - pos;
    }

    private void need(long bytes, String what) {
        if (bytes < 0 || bytes > remaining()) {
            throw error("truncated while reading " + what + " at offset " + pos + " (needs " + Long.toUnsignedString(bytes)
                    + " bytes, " + remaining() + " left)");
        }
    }

    private int u32asInt(String what) {
        need(4, what);
        int v = file.get(I32, pos);
        pos += 4;
        return v;
    }

    private long u64(String what) {
        need(8, what);
        long v = file.get(I64, pos);
        pos += 8;
        return v;
    }

    private String string(String what) {
        long len = u64("length of " + what);
        need(len, what);
        if (len > MAX_STRING_BYTES) throw error(what + " is " + len + " bytes long, more than a string may be");
        byte[] bytes = file.asSlice(pos, len).toArray(ValueLayout.JAVA_BYTE);
        pos += len;
        // Vocabularies may hold pieces that are not valid UTF-8; they read with U+FFFD rather than failing the file.
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private GgufValue value(String key, GgufValueType type, int depth) {
        String what = "value of '" + key + "'";
        if (type != GgufValueType.ARRAY) return GgufValue.of(type, scalar(type, what));
        if (depth >= MAX_ARRAY_NESTING) throw error("metadata '" + key + "' nests arrays deeper than " + MAX_ARRAY_NESTING);
        int elemId = u32asInt("array type of '" + key + "'");
        GgufValueType elem = GgufValueType.byId(elemId);
        if (elem == null) throw error("metadata '" + key + "' is an array of unknown type " + elemId);
        long n = u64("array length of '" + key + "'");
        long minElement = elem.size > 0 ? elem.size : elem == GgufValueType.STRING ? 8 : 12;
        if (n < 0 || n > remaining() / minElement) {
            throw error("metadata '" + key + "' claims " + Long.toUnsignedString(n) + " elements of " + elem
                    + ", more than the " + remaining() + " bytes left can hold (the file is truncated or corrupt)");
        }
        if (n > Integer.MAX_VALUE - 8) throw error("metadata '" + key + "' array is too long (" + n + " elements)");
        int count = (int) n;
        Object array = switch (elem) {
            case UINT8, INT8 -> bytes(count);
            case UINT16, INT16 -> {
                short[] a = new short[count];
                for (int i = 0; i < count; i++) a[i] = file.get(I16, pos + 2L * i);
                pos += 2L * count;
                yield a;
            }
            case UINT32, INT32 -> {
                int[] a = new int[count];
                for (int i = 0; i < count; i++) a[i] = file.get(I32, pos + 4L * i);
                pos += 4L * count;
                yield a;
            }
            case UINT64, INT64 -> {
                long[] a = new long[count];
                for (int i = 0; i < count; i++) a[i] = file.get(I64, pos + 8L * i);
                pos += 8L * count;
                yield a;
            }
            case FLOAT32 -> {
                float[] a = new float[count];
                for (int i = 0; i < count; i++) a[i] = file.get(F32, pos + 4L * i);
                pos += 4L * count;
                yield a;
            }
            case FLOAT64 -> {
                double[] a = new double[count];
                for (int i = 0; i < count; i++) a[i] = file.get(F64, pos + 8L * i);
                pos += 8L * count;
                yield a;
            }
            case BOOL -> {
                byte[] raw = bytes(count);
                boolean[] a = new boolean[count];
                for (int i = 0; i < count; i++) a[i] = raw[i] != 0;
                yield a;
            }
            case STRING -> {
                String[] a = new String[count];
                for (int i = 0; i < count; i++) a[i] = string("element " + i + " of '" + key + "'");
                yield a;
            }
            case ARRAY -> {
                GgufValue[] a = new GgufValue[count];
                for (int i = 0; i < count; i++) a[i] = value(key, GgufValueType.ARRAY, depth + 1);
                yield a;
            }
        };
        return GgufValue.array(elem, array);
    }

    private byte[] bytes(int count) {
        byte[] a = file.asSlice(pos, count).toArray(ValueLayout.JAVA_BYTE);
        pos += count;
        return a;
    }

    private Object scalar(GgufValueType type, String what) {
        need(type == GgufValueType.STRING ? 8 : type.size, what);
        Object v = switch (type) {
            case UINT8 -> Byte.toUnsignedInt(file.get(ValueLayout.JAVA_BYTE, pos));
            case INT8 -> (int) file.get(ValueLayout.JAVA_BYTE, pos);
            case UINT16 -> Short.toUnsignedInt(file.get(I16, pos));
            case INT16 -> (int) file.get(I16, pos);
            case UINT32 -> Integer.toUnsignedLong(file.get(I32, pos));
            case INT32 -> file.get(I32, pos);
            case FLOAT32 -> file.get(F32, pos);
            case BOOL -> {
                byte b = file.get(ValueLayout.JAVA_BYTE, pos);
                if (b != 0 && b != 1) throw error(what + " is a BOOL with byte value " + b);
                yield b != 0;
            }
            case UINT64, INT64 -> file.get(I64, pos);
            case FLOAT64 -> file.get(F64, pos);
            case STRING -> null;
            case ARRAY -> throw new IllegalStateException();
        };
        if (type == GgufValueType.STRING) return string(what);
        pos += type.size;
        return v;
    }
}

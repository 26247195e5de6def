package dev.jllm.engine.gguf;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An open GGUF file: its metadata, in file order, and its tensors, whose data stay memory-mapped until
 * {@link #close()}. Open one with {@link GgufReader#open(Path)}.
 */
public final class GgufFile implements AutoCloseable {
    private final Path path;
    private final int version;
    private final Map<String, GgufValue> metadata;
    private final Map<String, GgufTensor> tensors;
    private final long alignment;
    private final long dataOffset;
    private final Arena arena;

    GgufFile(Path path, int version, Map<String, GgufValue> metadata, List<GgufTensor> tensors, long alignment,
             long dataOffset, Arena arena) {
        this.path = path;
        this.version = version;
        this.metadata = Collections.unmodifiableMap(metadata);
        Map<String, GgufTensor> byName = new LinkedHashMap<>();
        for (GgufTensor t : tensors) byName.put(t.name(), t);
        this.tensors = Collections.unmodifiableMap(byName);
        this.alignment = alignment;
        this.dataOffset = dataOffset;
        this.arena = arena;
    }

    public Path path() {
        return path;
    }

    public int version() {
        return version;
    }

    public long alignment() {
        return alignment;
    }

    /** Offset of the tensor data section from the start of the file. */
    public long dataOffset() {
        return dataOffset;
    }

    public Map<String, GgufValue> metadata() {
        return metadata;
    }

    /** Tensors by name, in file order. */
    public Map<String, GgufTensor> tensors() {
        return tensors;
    }

    public GgufTensor tensor(String name) {
        GgufTensor t = tensors.get(name);
        if (t == null) throw new GgufException(path + ": missing tensor '" + name + "'");
        return t;
    }

    public GgufTensor tensorOrNull(String name) {
        return tensors.get(name);
    }

    public boolean has(String key) {
        return metadata.containsKey(key);
    }

    private GgufValue required(String key) {
        GgufValue v = metadata.get(key);
        if (v == null) throw new GgufException(path + ": missing metadata key '" + key + "'");
        return v;
    }

    public String getString(String key) {
        GgufValue v = required(key);
        if (!(v.value() instanceof String s)) throw new GgufException(path + ": '" + key + "' is " + v.type() + ", not STRING");
        return s;
    }

    public String getString(String key, String fallback) {
        return has(key) ? getString(key) : fallback;
    }

    public long getLong(String key) {
        GgufValue v = required(key);
        if (v.type() == GgufValueType.ARRAY || v.type() == GgufValueType.STRING) {
            throw new GgufException(path + ": '" + key + "' is " + v.type() + ", not a number");
        }
        return v.asLong();
    }

    public long getLong(String key, long fallback) {
        return has(key) ? getLong(key) : fallback;
    }

    public int getInt(String key) {
        long v = getLong(key);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) throw new GgufException(path + ": '" + key + "' = " + v + " is out of range");
        return (int) v;
    }

    public int getInt(String key, int fallback) {
        return has(key) ? getInt(key) : fallback;
    }

    public float getFloat(String key, float fallback) {
        if (!has(key)) return fallback;
        GgufValue v = required(key);
        if (v.type() == GgufValueType.ARRAY || v.type() == GgufValueType.STRING) {
            throw new GgufException(path + ": '" + key + "' is " + v.type() + ", not a number");
        }
        return (float) v.asDouble();
    }

    public boolean getBoolean(String key, boolean fallback) {
        return has(key) ? getLong(key) != 0 : fallback;
    }

    private GgufValue array(String key, GgufValueType... allowed) {
        GgufValue v = required(key);
        if (v.type() != GgufValueType.ARRAY) throw new GgufException(path + ": '" + key + "' is " + v.type() + ", not an array");
        for (GgufValueType t : allowed) if (v.elementType() == t) return v;
        throw new GgufException(path + ": '" + key + "' is an array of " + v.elementType() + ", expected " + List.of(allowed));
    }

    public String[] getStringArray(String key) {
        return (String[]) array(key, GgufValueType.STRING).value();
    }

    public float[] getFloatArray(String key) {
        return (float[]) array(key, GgufValueType.FLOAT32).value();
    }

    /** An integer array widened to int (INT8/UINT8/INT16/UINT16/INT32/UINT32). */
    public int[] getIntArray(String key) {
        GgufValue v = array(key, GgufValueType.INT8, GgufValueType.UINT8, GgufValueType.INT16, GgufValueType.UINT16,
                GgufValueType.INT32, GgufValueType.UINT32);
        Object a = v.value();
        int n = v.arrayLength();
        int[] out = new int[n];
        boolean unsigned = v.elementType() == GgufValueType.UINT8 || v.elementType() == GgufValueType.UINT16;
        for (int i = 0; i < n; i++) {
            out[i] = switch (a) {
                case byte[] b -> unsigned ? Byte.toUnsignedInt(b[i]) : b[i];
                case short[] s -> unsigned ? Short.toUnsignedInt(s[i]) : s[i];
                case int[] x -> x[i];
                default -> throw new IllegalStateException();
            };
        }
        return out;
    }

    /** Unmaps the tensor data; tensors of this file must not be used afterwards. */
    @Override
    public void close() {
        if (arena != null) arena.close();
    }
}

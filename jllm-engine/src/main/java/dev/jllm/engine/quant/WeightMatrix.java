package dev.jllm.engine.quant;

import dev.jllm.engine.gguf.GgmlType;
import dev.jllm.engine.gguf.GgufTensor;
import dev.jllm.engine.runtime.Parallel;
import java.lang.foreign.MemorySegment;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * A 2-D weight tensor of any supported ggml type, read in place from a {@link MemorySegment} (for GGUF files, the
 * memory-mapped file: no copy on the heap). Row r holds {@code cols} values starting at byte r * rowBytes.
 *
 * <p>Activations are first given the values of the weight type's "vec_dot_type", as ggml-cpu does (F32 as is; F16
 * or BF16 rounded; Q8_0 for Q4_0, Q5_0, Q8_0; Q8_1 for Q4_1, Q5_1; Q8_K for the K-quants). Products then run by
 * type (see {@link RowKernel}): F32, F16, BF16, Q4_0 and Q8_0 in float arithmetic on exactly dequantized weights
 * ({@link DequantizedProduct}); the others block by block as ggml's vec_dot does. Either way a vector's products do
 * not depend on the batch it is in. Rows are spread over {@link Parallel}'s threads.
 */
public final class WeightMatrix {
    /** Weight bytes one parallel chunk covers at least, so that small matrices are not split into tiny tasks. */
    private static final long CHUNK_BYTES = 32 * 1024;
    /** Activation values one parallel chunk converts at least. */
    private static final int CONVERSION_VALUES = 16 * 1024;
    /** Rows whose weights stay in cache while matMul runs every vector over them. */
    private static final int ROW_TILE = 16;
    /** Activation values (as floats) whose vectors matMulRowBatches keeps in cache while it runs over the rows. */
    private static final int ACTIVATION_TILE_VALUES = 64 * 1024;

    private final String name;
    private final GgmlType type;
    private final int rows;
    private final int cols;
    private final long rowBytes;
    private final MemorySegment data;
    private final RowKernel kernel;

    private WeightMatrix(String name, GgmlType type, int rows, int cols, long rowBytes, MemorySegment data, RowKernel kernel) {
        this.name = name;
        this.type = type;
        this.rows = rows;
        this.cols = cols;
        this.rowBytes = rowBytes;
        this.data = data;
        this.kernel = kernel;
    }

    /** The weight types a matrix can have. */
    public static Set<GgmlType> supportedTypes() {
        EnumSet<GgmlType> types = EnumSet.noneOf(GgmlType.class);
        for (GgmlType t : GgmlType.values()) if (RowKernel.of(t) != null) types.add(t);
        return types;
    }

    /** A view of a GGUF tensor: rows = ne1 (1 for a 1-D tensor), cols = ne0. */
    public static WeightMatrix of(GgufTensor tensor) {
        long[] shape = tensor.shape();
        for (int d = 2; d < shape.length; d++) {
            if (shape[d] != 1) {
                throw new IllegalArgumentException("tensor '" + tensor.name() + "' has shape " + tensor.shapeString()
                        + "; a weight matrix needs at most 2 dimensions");
            }
        }
        long rows = shape.length > 1 ? shape[1] : 1;
        return of(tensor.name(), tensor.type(), rows, shape[0], tensor.data());
    }

    /**
     * A matrix of {@code rows} rows of {@code cols} values of {@code type}, stored row after row in {@code data}
     * (exactly rows * cols / blockSize * typeSize bytes, little-endian ggml blocks).
     */
    public static WeightMatrix of(String name, GgmlType type, long rows, long cols, MemorySegment data) {
        RowKernel kernel = RowKernel.of(type);
        if (kernel == null) {
            throw new IllegalArgumentException("tensor '" + name + "' has type " + type
                    + ", which weight matrices do not support (supported: " + supportedTypes() + ")");
        }
        if (rows < 1 || cols < 1 || rows > Integer.MAX_VALUE || cols > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("tensor '" + name + "' has " + rows + " rows of " + cols
                    + " values; both must be between 1 and " + Integer.MAX_VALUE);
        }
        if (cols % type.blockSize != 0) {
            throw new IllegalArgumentException("tensor '" + name + "' has rows of " + cols + " values, not a multiple of the "
                    + type + " block size " + type.blockSize);
        }
        long rowBytes = cols / type.blockSize * type.typeSize;
        long expected = Math.multiplyExact(rows, rowBytes);
        if (data.byteSize() != expected) {
            throw new IllegalArgumentException("tensor '" + name + "' has " + data.byteSize() + " bytes of data; " + rows
                    + " rows of " + cols + " " + type + " values take " + expected);
        }
        return new WeightMatrix(name, type, (int) rows, (int) cols, rowBytes, data, kernel);
    }

    public String name() {
        return name;
    }

    public GgmlType type() {
        return type;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** The type activations are converted to before dot products (ggml's vec_dot_type). */
    public GgmlType dotType() {
        return kernel.dotType();
    }

    /** Writes row {@code row} as floats to {@code out[outOffset .. outOffset + cols)} (ggml's get_rows). */
    public void dequantizeRow(int row, float[] out, int outOffset) {
        Objects.checkIndex(row, rows);
        Objects.checkFromIndexSize(outOffset, cols, out.length);
        kernel.dequantizer().dequantize(data, row * rowBytes, out, outOffset, cols);
    }

    /** out[outOffset + r] = row r · x[xOffset ..] for every row, with the bits {@link #matMul} gives the vector. */
    public void matVec(float[] x, int xOffset, float[] out, int outOffset) {
        Objects.checkFromIndexSize(xOffset, cols, x.length);
        Objects.checkFromIndexSize(outOffset, rows, out.length);
        if (kernel.isFloat()) {
            float[] xs = RoundedActivations.of(kernel.dotType(), x, xOffset, 1, cols);
            int xo = xs == x ? xOffset : 0;
            Parallel.forRange(rows, Math.max(DequantizedProduct.ROWS, rowsPerChunk()), (start, end) -> DequantizedProduct.matVec(
                    kernel.productDequantizer(), kernel.fused(), data, rowBytes, type.typeSize, type.blockSize, cols, start, end, xs, xo, out, outOffset));
            return;
        }
        Activations a = Activations.forThread(kernel.dotType(), cols, 1);
        a.set(0, x, xOffset);
        RowKernel.Dot dot = kernel.dot();
        Parallel.forRange(rows, rowsPerChunk(), (start, end) -> {
            for (int r = start; r < end; r++) out[outOffset + r] = dot.dot(data, r * rowBytes, a, 0, cols);
        });
    }

    /**
     * For n vectors at once (x: n * cols values, vector after vector), out[v * rows + r] = row r · vector v, reading
     * each weight row from memory once for several vectors. Every product has exactly the bits {@link #matVec} gives
     * the same vector, whatever n: batching never changes a result.
     */
    public void matMul(float[] x, int n, float[] out) {
        if (n < 1) throw new IllegalArgumentException("matMul needs at least one vector, got " + n);
        Objects.checkFromIndexSize(0, Math.multiplyExact(n, cols), x.length);
        Objects.checkFromIndexSize(0, Math.multiplyExact(n, rows), out.length);
        if (n == 1) {
            matVec(x, 0, out, 0);
        } else if (kernel.isFloat()) {
            float[] xs = RoundedActivations.of(kernel.dotType(), x, 0, n, cols);
            Parallel.forRange(rows, Math.max(DequantizedProduct.ROWS, rowsPerChunk()),
                    (start, end) -> DequantizedProduct.matMul(kernel.productDequantizer(), data, rowBytes, type.typeSize, type.blockSize, cols, start, end, xs, n, out, rows));
        } else {
            Activations a = Activations.forThread(kernel.dotType(), cols, n);
            Parallel.forRange(n, Math.max(1, CONVERSION_VALUES / cols), (start, end) -> {
                for (int v = start; v < end; v++) a.set(v, x, v * cols);
            });
            if (kernel.rowBatch() != null) matMulRowBatches(a, n, out);
            else matMulByDot(a, n, out);
        }
    }

    /** matMul by {@link RowKernel.Dot}, tiles of rows kept in cache while every vector runs over them. */
    private void matMulByDot(Activations a, int n, float[] out) {
        RowKernel.Dot dot = kernel.dot();
        Parallel.forRange(rows, Math.max(ROW_TILE, rowsPerChunk()), (start, end) -> {
            for (int tile = start; tile < end; tile += ROW_TILE) {
                int tileEnd = Math.min(end, tile + ROW_TILE);
                for (int v = 0; v < n; v++) {
                    for (int r = tile; r < tileEnd; r++) out[v * rows + r] = dot.dot(data, r * rowBytes, a, v * cols, cols);
                }
            }
        });
    }

    /**
     * matMul by {@link RowKernel.RowBatch}: every row is read and converted once per tile of vectors, whose activations
     * stay in cache while the tile runs over the rows.
     */
    private void matMulRowBatches(Activations a, int n, float[] out) {
        RowKernel.RowBatch batch = kernel.rowBatch();
        int vectorTile = Math.max(2, ACTIVATION_TILE_VALUES / cols);
        Parallel.forRange(rows, rowsPerChunk(), (start, end) -> {
            for (int tile = 0; tile < n; tile += vectorTile) {
                int tileEnd = Math.min(n, tile + vectorTile);
                for (int r = start; r < end; r++) batch.multiply(data, r * rowBytes, cols, a, tile, tileEnd, out, r, rows);
            }
        });
    }

    private int rowsPerChunk() {
        return (int) Math.max(1, CHUNK_BYTES / rowBytes);
    }

    @Override
    public String toString() {
        return "WeightMatrix[" + name + ", " + type + ", " + rows + " x " + cols + "]";
    }
}

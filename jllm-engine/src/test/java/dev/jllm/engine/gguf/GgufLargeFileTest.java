package dev.jllm.engine.gguf;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files over 2 GiB: offsets are longs end to end. The test file is sparse: a 2 GiB tensor of zeros is never written,
 * only the header and the small tensor behind it, so the test costs a few KiB of disk.
 */
class GgufLargeFileTest {
    private static final long TWO_GIB = 1L << 31;
    private static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @TempDir
    Path dir;

    @Test
    void aTensorBeyondTwoGibReadsBack() throws IOException {
        // the big tensor's data: a sparse file of zeros, mapped but never read
        Path zeros = dir.resolve("zeros.bin");
        try (RandomAccessFile f = new RandomAccessFile(zeros.toFile(), "rw")) {
            f.setLength(TWO_GIB);
        }
        float[] tail = new float[1024];
        for (int i = 0; i < tail.length; i++) tail[i] = i * 0.5f - 7;
        Path file = dir.resolve("large.gguf");
        try (Arena arena = Arena.ofConfined(); FileChannel zeroChannel = FileChannel.open(zeros, StandardOpenOption.READ)) {
            MemorySegment bigData = zeroChannel.map(FileChannel.MapMode.READ_ONLY, 0, TWO_GIB, arena);
            GgufWriter w = new GgufWriter().put("general.name", GgufValue.string("sparse"))
                    .addTensor("big", GgmlType.F32, new long[] {1L << 14, 1L << 15}, bigData)
                    .addTensor("tail", new long[] {tail.length}, tail);
            try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                long dataOffset = w.writeHeader(out);
                ByteBuffer tailBytes = ByteBuffer.allocate(tail.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                for (float v : tail) tailBytes.putFloat(v);
                tailBytes.flip();
                long at = dataOffset + w.tensorOffset("tail");
                assertThat(at).isGreaterThan(TWO_GIB);
                while (tailBytes.hasRemaining()) at += out.write(tailBytes, at);
            }
        }
        assertThat(Files.size(file)).isGreaterThan(TWO_GIB + 4096);

        try (GgufFile f = GgufReader.open(file)) {
            assertThat(f.getString("general.name")).isEqualTo("sparse");
            GgufTensor big = f.tensor("big");
            assertThat(big.byteSize()).isEqualTo(TWO_GIB);
            assertThat(big.data().get(F32_LE, TWO_GIB - 4)).isZero();
            GgufTensor t = f.tensor("tail");
            assertThat(f.dataOffset() + t.offset()).isGreaterThan(TWO_GIB);
            assertThat(t.data().get(F32_LE, 4L * (tail.length - 1))).isEqualTo(tail[tail.length - 1]);
            assertThat(t.data().toArray(F32_LE)).containsExactly(tail);
        }
    }
}

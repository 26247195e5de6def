package dev.jllm.engine.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.jllm.engine.testing.SharedFiles;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufReaderTest {
    @TempDir
    Path dir;

    private static AbstractThrowableAssert<?, ? extends Throwable> rejecting(RawGguf raw) {
        return assertThatThrownBy(raw::read).isInstanceOf(GgufException.class).hasMessageStartingWith("hostile.gguf: ");
    }

    private static GgufFile read(byte[] bytes) {
        return read(MemorySegment.ofArray(bytes));
    }

    private static GgufFile read(MemorySegment bytes) {
        return GgufReader.read(Path.of("cut.gguf"), bytes);
    }

    @Test
    void version1FilesAreRejectedWithAClearMessage() {
        Path v1 = SharedFiles.file(SharedGgufFiles.V1_FILE);
        assertThatThrownBy(() -> GgufReader.open(v1)).isInstanceOf(GgufException.class)
                .hasMessageStartingWith(v1 + ": ").hasMessageContaining("GGUF version 1 is not supported");
    }

    @Test
    void quantizedRowsThatAreNotWholeBlocksAreRejectedNamingTheTensor() {
        // llama.cpp: "tensor 'blk.0.ffn_down.weight' of type 8 (q8_0) has 172 elements per row, not a multiple of block size (32)"
        Path q8 = SharedFiles.file(SharedGgufFiles.BAD_ROW_FILE);
        assertThatThrownBy(() -> GgufReader.open(q8)).isInstanceOf(GgufException.class).hasMessageStartingWith(q8 + ": ")
                .hasMessageContaining("tensor 'blk.0.ffn_down.weight' has row length 172, not a multiple of the Q8_0 block size 32");
    }

    @Test
    void readsVersion2() {
        RawGguf raw = RawGguf.header(2, 1, 1).key("k", GgufValueType.STRING).str("v")
                .tensor("t", GgmlType.F32, 0, 2).pad(32).u32(Float.floatToIntBits(1f)).u32(Float.floatToIntBits(2f));
        try (GgufFile f = raw.read()) {
            assertThat(f.version()).isEqualTo(2);
            assertThat(f.getString("k")).isEqualTo("v");
            assertThat(f.tensor("t").data().byteSize()).isEqualTo(8);
        }
    }

    @Test
    void badMagicAndVersions() {
        assertThatThrownBy(() -> read(new byte[0])).isInstanceOf(GgufException.class).hasMessageContaining("not a GGUF file (bad magic");
        assertThatThrownBy(() -> read("GGU".getBytes())).isInstanceOf(GgufException.class).hasMessageContaining("bad magic");
        assertThatThrownBy(() -> read("GGML\3\0\0\0".getBytes())).isInstanceOf(GgufException.class).hasMessageContaining("bad magic");
        rejecting(RawGguf.header(Integer.reverseBytes(3), 0, 0)).hasMessageContaining("big-endian GGUF files are not supported");
        rejecting(RawGguf.header(4, 0, 0)).hasMessageContaining("unsupported GGUF version 4 (supported: 2, 3)");
        rejecting(RawGguf.header(-1, 0, 0)).hasMessageContaining("unsupported GGUF version 4294967295");
        rejecting(new RawGguf().u32(GgufReader.MAGIC).u32(3).u64(0)).hasMessageContaining("truncated while reading header");
    }

    @Test
    void aMissingFileOrADirectoryIsAGgufException() {
        assertThatThrownBy(() -> GgufReader.open(dir.resolve("absent.gguf"))).isInstanceOf(GgufException.class)
                .hasMessage(dir.resolve("absent.gguf") + ": no such file");
        assertThatThrownBy(() -> GgufReader.open(dir)).isInstanceOf(GgufException.class).hasMessageStartingWith(dir + ": cannot read");
    }

    /** A generated file cut at every length fails cleanly, unless only the final padding is missing. */
    @Test
    void aSmallFileCutAtEveryLength() throws IOException {
        GgufWriter w = new GgufWriter();
        GgufWriterTest.everyValueType().forEach(w::put);
        w.addTensor("a", new long[] {3}, new float[] {1, 2, 3}).addTensor("b", GgmlType.Q8_0, new long[] {32, 2}, new byte[68]);
        Path file = dir.resolve("small.gguf");
        w.write(file);
        byte[] full = Files.readAllBytes(file);
        long dataEnd;
        try (GgufFile f = GgufReader.open(file)) {
            dataEnd = f.dataOffset() + f.tensor("b").offset() + 68;
        }
        assertThat(dataEnd).isLessThan(full.length); // the last tensor is padded, so some cuts keep all the data
        for (int len = 0; len < full.length; len++) {
            MemorySegment cut = MemorySegment.ofArray(full).asSlice(0, len);
            if (len >= dataEnd) {
                try (GgufFile f = read(cut)) {
                    assertThat(f.tensor("b").data().byteSize()).isEqualTo(68);
                }
            } else {
                int l = len;
                assertThatThrownBy(() -> read(cut)).as("cut at %d", l).isInstanceOf(GgufException.class)
                        .hasMessageStartingWith("cut.gguf: ");
            }
        }
    }

    /** stories260K cut at every length of its first KiB, then every 7 bytes of the metadata and tensor infos, then in its data. */
    @Test
    void aRealFileCutAtManyLengths() throws IOException {
        byte[] full = Files.readAllBytes(SharedFiles.file("models/stories260K/stories260K.gguf"));
        long dataOffset;
        try (GgufFile f = read(full)) {
            dataOffset = f.dataOffset();
        }
        int cuts = 0;
        for (int len = 0; len < full.length; len += len < 1024 ? 1 : len < dataOffset ? 7 : 4099) {
            MemorySegment cut = MemorySegment.ofArray(full).asSlice(0, len);
            try {
                read(cut).close();
                fail("a cut at %d of %d bytes was accepted", len, full.length);
            } catch (GgufException e) {
                String m = e.getMessage();
                boolean expected = len >= dataOffset ? m.contains("runs past the end of the file") && m.contains("may be truncated")
                        : m.contains("truncated") || m.contains("bad magic") || m.contains("file ends before the tensor data");
                if (!m.startsWith("cut.gguf: ") || !expected) fail("cut at %d: unexpected message %s", len, m);
            }
            cuts++;
        }
        assertThat(cuts).isGreaterThan(3000);
    }

    @Test
    void absurdCountsAndLengths() {
        rejecting(RawGguf.header(3, Long.MAX_VALUE, 0)).hasMessageContaining("tensor count 9223372036854775807 cannot fit in the 0 bytes");
        rejecting(RawGguf.header(3, -1, 0)).hasMessageContaining("tensor count 18446744073709551615 cannot fit");
        rejecting(RawGguf.header(3, 0, 1L << 40).bytes(new byte[100]))
                .hasMessageContaining("metadata count 1099511627776 cannot fit in the 100 bytes after the header (the file is truncated or corrupt)");
        rejecting(RawGguf.header(3, 0, 1).u64(Long.MAX_VALUE).bytes(new byte[20]))
                .hasMessageContaining("truncated while reading metadata key #0");
        rejecting(RawGguf.header(3, 0, 1).key("s", GgufValueType.STRING).u64(-1).bytes(new byte[20]))
                .hasMessageContaining("truncated while reading value of 's'").hasMessageContaining("needs 18446744073709551615 bytes");
        rejecting(RawGguf.header(3, 0, 1).key("a", GgufValueType.ARRAY).u32(GgufValueType.UINT8.id()).u64(1L << 62).bytes(new byte[64]))
                .hasMessageContaining("metadata 'a' claims 4611686018427387904 elements of UINT8, more than the 64 bytes left can hold");
        rejecting(RawGguf.header(3, 0, 1).key("a", GgufValueType.ARRAY).u32(GgufValueType.STRING.id()).u64(3).str("x").u64(1L << 50).bytes(new byte[8]))
                .hasMessageContaining("truncated while reading element 1 of 'a'");
    }

    @Test
    void unknownTypes() {
        rejecting(RawGguf.header(3, 0, 1).str("k").u32(13).u32(0)).hasMessageContaining("metadata 'k' has unknown value type 13");
        rejecting(RawGguf.header(3, 0, 1).str("k").u32(-1).u32(0)).hasMessageContaining("metadata 'k' has unknown value type -1");
        rejecting(RawGguf.header(3, 0, 1).key("k", GgufValueType.ARRAY).u32(99).u64(0))
                .hasMessageContaining("metadata 'k' is an array of unknown type 99");
        RawGguf iq2 = RawGguf.header(3, 1, 0).str("t").u32(1).u64(256).u32(16).u64(0).pad(32).bytes(new byte[66]);
        rejecting(iq2).hasMessageContaining("tensor 't' has unknown or unsupported ggml type 16");
    }

    @Test
    void duplicates() {
        rejecting(RawGguf.header(3, 0, 2).key("a", GgufValueType.UINT8).u8(1).key("a", GgufValueType.UINT8).u8(2))
                .hasMessageContaining("duplicate metadata key 'a'");
        rejecting(RawGguf.header(3, 2, 0).tensor("t", GgmlType.F32, 0, 8).tensor("t", GgmlType.F32, 32, 8).pad(32).bytes(new byte[64]))
                .hasMessageContaining("duplicate tensor name 't'");
    }

    private static RawGguf nestedArrays(int depth) {
        RawGguf raw = RawGguf.header(3, 0, 1).key("deep", GgufValueType.ARRAY);
        for (int i = 1; i < depth; i++) raw.u32(GgufValueType.ARRAY.id()).u64(1);
        return raw.u32(GgufValueType.INT32.id()).u64(1).u32(42);
    }

    @Test
    void nestedArrays() {
        try (GgufFile f = nestedArrays(GgufReader.MAX_ARRAY_NESTING).read()) {
            GgufValue v = f.metadata().get("deep");
            for (int i = 1; i < GgufReader.MAX_ARRAY_NESTING; i++) v = ((GgufValue[]) v.value())[0];
            assertThat((int[]) v.value()).containsExactly(42);
        }
        rejecting(nestedArrays(GgufReader.MAX_ARRAY_NESTING + 1)).hasMessageContaining("metadata 'deep' nests arrays deeper than 8");
        rejecting(nestedArrays(100_000)).hasMessageContaining("nests arrays deeper than 8");
        // an array of arrays that claims more inner arrays than the file could hold
        rejecting(RawGguf.header(3, 0, 1).key("a", GgufValueType.ARRAY).u32(GgufValueType.ARRAY.id()).u64(1L << 40).bytes(new byte[48]))
                .hasMessageContaining("claims 1099511627776 elements of ARRAY");
        // inner arrays that each claim huge lengths
        rejecting(RawGguf.header(3, 0, 1).key("a", GgufValueType.ARRAY).u32(GgufValueType.ARRAY.id()).u64(2)
                .u32(GgufValueType.FLOAT64.id()).u64(Long.MAX_VALUE / 8).u32(GgufValueType.FLOAT64.id()).u64(1))
                .hasMessageContaining("claims 1152921504606846975 elements of FLOAT64");
    }

    @Test
    void tensorInfos() {
        rejecting(RawGguf.header(3, 1, 0).str("t").u32(0).u32(0).u64(0).bytes(new byte[8])).hasMessageContaining("tensor 't' has 0 dimensions (allowed 1..4)");
        rejecting(RawGguf.header(3, 1, 0).tensor("t", GgmlType.F32, 0, 1, 1, 1, 1, 1).pad(32).bytes(new byte[32]))
                .hasMessageContaining("tensor 't' has 5 dimensions");
        rejecting(RawGguf.header(3, 1, 0).tensor("t", GgmlType.F32, 0, 4, 0).pad(32)).hasMessageContaining("tensor 't' has dimension 0");
        rejecting(RawGguf.header(3, 1, 0).tensor("t", GgmlType.F32, 0, 4, -1).pad(32))
                .hasMessageContaining("tensor 't' has dimension 18446744073709551615");
        rejecting(RawGguf.header(3, 1, 0).tensor("t", GgmlType.F32, 0, 1L << 32, 1L << 32).pad(32))
                .hasMessageContaining("tensor 't' has too many elements");
        rejecting(RawGguf.header(3, 1, 0).tensor("t", GgmlType.F32, 0, 1L << 62).pad(32)).hasMessageContaining("tensor 't' is too large");
        rejecting(RawGguf.header(3, 1, 0).tensor("n".repeat(64), GgmlType.F32, 0, 1).pad(32).bytes(new byte[32]))
                .hasMessageContaining("is longer than ggml's limit of 63 bytes");
    }

    @Test
    void tensorOffsets() {
        rejecting(RawGguf.header(3, 1, 0).tensor("t", GgmlType.F32, 0, 1000).pad(32).bytes(new byte[64]))
                .hasMessageContaining("tensor 't' (4000 bytes at data offset 0) runs past the end of the file (64 bytes of tensor data)");
        rejecting(RawGguf.header(3, 1, 0).tensor("t", GgmlType.F32, 64, 8).pad(32).bytes(new byte[128]))
                .hasMessageContaining("tensor 't' has data offset 64, expected 0");
        rejecting(RawGguf.header(3, 2, 0).tensor("a", GgmlType.F32, 0, 9).tensor("b", GgmlType.F32, 36, 8).pad(32).bytes(new byte[128]))
                .hasMessageContaining("tensor 'b' has data offset 36, expected 64");
        rejecting(RawGguf.header(3, 1, 0).tensor("t", GgmlType.F32, -1, 8).pad(32).bytes(new byte[128]))
                .hasMessageContaining("tensor 't' has data offset 18446744073709551615, expected 0");
        rejecting(RawGguf.header(3, 1, 0).tensor("t", GgmlType.F32, 0, 8)).hasMessageContaining("file ends before the tensor data section");
    }

    @Test
    void badScalarsAndAlignment() {
        rejecting(RawGguf.header(3, 0, 1).key("b", GgufValueType.BOOL).u8(2)).hasMessageContaining("value of 'b' is a BOOL with byte value 2");
        rejecting(RawGguf.header(3, 0, 1).key("general.alignment", GgufValueType.UINT32).u32(48))
                .hasMessageContaining("general.alignment 48 is not a power of two");
        rejecting(RawGguf.header(3, 0, 1).key("general.alignment", GgufValueType.UINT32).u32(0))
                .hasMessageContaining("general.alignment 0 is not a power of two");
        rejecting(RawGguf.header(3, 0, 1).key("general.alignment", GgufValueType.INT32).u32(32))
                .hasMessageContaining("general.alignment must be UINT32, is INT32");
    }

    @Test
    void invalidUtf8InStringsIsKeptReadable() {
        // vocabularies may hold byte pieces that are not valid UTF-8 on their own
        try (GgufFile f = RawGguf.header(3, 0, 1).key("s", GgufValueType.STRING).u64(2).bytes(new byte[] {(byte) 0xE2, (byte) 0x96}).read()) {
            assertThat(f.getString("s")).isEqualTo("\uFFFD");
        }
    }
}

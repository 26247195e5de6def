package dev.jllm.engine.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SyntheticWeightsTest {

    @Test
    void splitmix64MatchesItsReferenceOutput() {
        // the first output of Vigna's splitmix64.c from state 0 is mix(0 + GOLDEN)
        assertThat(SyntheticWeights.mix(SyntheticWeights.GOLDEN)).isEqualTo(0xE220A8397B1DCDAFL);
    }

    @Test
    void fnv1aMatchesThePublishedTestVectors() {
        // FNV-1a 64 test vectors (Fowler, Noll, Vo; draft-eastlake-fnv)
        assertThat(SyntheticWeights.fnv1a64(new byte[0])).isEqualTo(0xCBF29CE484222325L);
        assertThat(SyntheticWeights.fnv1a64("a".getBytes(StandardCharsets.UTF_8))).isEqualTo(0xAF63DC4C8601EC8CL);
        assertThat(SyntheticWeights.fnv1a64("foobar".getBytes(StandardCharsets.UTF_8))).isEqualTo(0x85944171F73967E8L);
    }

    @Test
    void valuesAreUniformWithTheRequestedStandardDeviation() {
        double std = 0.25;
        float[] v = SyntheticWeights.uniform(42, "t", 0, 200_000, std);
        double sum = 0, sumSq = 0, bound = std * Math.sqrt(3);
        for (float x : v) {
            assertThat(Math.abs(x)).isLessThanOrEqualTo((float) bound);
            sum += x;
            sumSq += x * x;
        }
        double mean = sum / v.length;
        assertThat(mean).isCloseTo(0, org.assertj.core.data.Offset.offset(0.003));
        assertThat(Math.sqrt(sumSq / v.length - mean * mean)).isCloseTo(std, org.assertj.core.data.Offset.offset(0.003));
    }

    @Test
    void aRangeIsTheSliceOfTheWhole() {
        float[] whole = SyntheticWeights.uniform(7, "blk.0.attn_q.weight", 0, 100, 1);
        float[] part = SyntheticWeights.uniform(7, "blk.0.attn_q.weight", 40, 10, 1);
        assertThat(part).containsExactly(java.util.Arrays.copyOfRange(whole, 40, 50));
        assertThat(SyntheticWeights.uniform(8, "blk.0.attn_q.weight", 0, 100, 1)).isNotEqualTo(whole);
        assertThat(SyntheticWeights.uniform(7, "blk.0.attn_k.weight", 0, 100, 1)).isNotEqualTo(whole);
    }

    @Test
    void matchesTheGeneratorScript() {
        // python3 gen_synthetic_gguf.py --dim 256 --layers 2 --heads 4 --kv-heads 2 --ffn 512 --vocab 1024 --vocab-type spm
        //   --ctx 256 --type F32 --seed 7 --untied --print-values blk.0.attn_q.weight:1:3   (and token_embd.weight:1000:3)
        float[] q = SyntheticWeights.uniform(7, "blk.0.attn_q.weight", 1, 3, SyntheticWeights.defaultStd("blk.0.attn_q.weight", 256, 256));
        assertThat(bits(q)).containsExactly(3178033253L, 3182948256L, 1035253709L);
        float[] e = SyntheticWeights.uniform(7, "token_embd.weight", 1000, 3, SyntheticWeights.defaultStd("token_embd.weight", 256, 256));
        assertThat(bits(e)).containsExactly(1039684863L, 3162784786L, 1053590728L);
    }

    private static long[] bits(float[] v) {
        long[] b = new long[v.length];
        for (int i = 0; i < v.length; i++) b[i] = Integer.toUnsignedLong(Float.floatToRawIntBits(v[i]));
        return b;
    }
}

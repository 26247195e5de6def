package dev.jllm.engine.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Checks the recomputed weights against values printed by gen_synthetic_gguf.py --print-values (float bits). */
class SyntheticWeightsTest {

    @Test
    void matchesTheGeneratorScript() {
        // python3 gen_synthetic_gguf.py --dim 256 --layers 2 --heads 4 --kv-heads 2 --ffn 512 --vocab 1024 --vocab-type spm
        //   --ctx 256 --type F32 --seed 7 --untied --print-values blk.0.attn_q.weight:1:3   (and token_embd.weight:1000:3)
        float[] q = SyntheticWeights.values(7, "blk.0.attn_q.weight", 1, 3, SyntheticWeights.defaultStd("blk.0.attn_q.weight", 256, 256));
        assertThat(bits(q)).containsExactly(3178033253L, 3182948256L, 1035253709L);
        float[] e = SyntheticWeights.values(7, "token_embd.weight", 1000, 3, SyntheticWeights.defaultStd("token_embd.weight", 256, 256));
        assertThat(bits(e)).containsExactly(1039684863L, 3162784786L, 1053590728L);
    }

    private static long[] bits(float[] v) {
        long[] b = new long[v.length];
        for (int i = 0; i < v.length; i++) b[i] = Integer.toUnsignedLong(Float.floatToRawIntBits(v[i]));
        return b;
    }
}

package dev.jllm.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jllm.engine.model.Model;
import dev.jllm.engine.testing.SyntheticModels;
import org.junit.jupiter.api.Test;

/**
 * A 131072-token context on the tiny synthetic preset: the cache takes blocks as the sequence grows, so a session
 * that holds a few thousand tokens uses memory for those, not for the context (which would be 481 MB at q8_0).
 */
class LongContextTest {
    static final int CONTEXT = 131072;

    @Test
    void aLongContextSessionHoldsMemoryForItsTokensOnly() {
        try (Model model = Model.load(SyntheticModels.synthetic("--preset", "tiny", "--ctx", String.valueOf(CONTEXT), "--type", "Q8_0"))) {
            assertThat(model.config().contextLength()).isEqualTo(CONTEXT);
            Session session = new Session(model, CONTEXT, KvType.Q8_0);
            KvBlockPool pool = session.cache().pool();
            // 6 layers x (keys + values) x 16 positions x 288 values as 9 blocks of 34 bytes
            assertThat(pool.blockBytes()).isEqualTo(6L * 2 * 16 * 9 * 34);
            long wholeContext = (long) CONTEXT / pool.blockSize() * pool.blockBytes();

            int[] prompt = RuntimeModels.randomTokens(2000, model.config().vocabSize(), 17);
            session.feed(prompt);
            assertThat(session.cache().heldBlocks()).isEqualTo(Math.ceilDiv(2000, 16));

            int[] more = RuntimeModels.randomTokens(1000, model.config().vocabSize(), 18);
            float[] logits = session.append(more);
            for (int step = 0; step < 4; step++) {
                for (float l : logits) assertThat(l).isFinite();
                logits = session.append(argmax(logits));
            }
            int held = 3004;
            assertThat(session.length()).isEqualTo(held);
            assertThat(session.cache().heldBlocks()).isEqualTo(Math.ceilDiv(held, 16));
            assertThat(pool.allocatedBytes()).as("memory proportional to the tokens held")
                    .isEqualTo(Math.ceilDiv(held, 16) * pool.blockBytes())
                    .isLessThan(wholeContext / 40);
            System.out.printf("ctx %d, %d tokens held: KV cache %.1f MB (the whole context would take %.1f MB)%n", CONTEXT, held,
                    pool.allocatedBytes() / 1e6, wholeContext / 1e6);
        }
    }

    private static int argmax(float[] x) {
        int best = 0;
        for (int i = 1; i < x.length; i++) if (x[i] > x[best]) best = i;
        return best;
    }
}

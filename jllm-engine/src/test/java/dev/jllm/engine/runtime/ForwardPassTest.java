package dev.jllm.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jllm.engine.model.Model;
import dev.jllm.engine.runtime.ForwardPass.SequenceStep;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The numerics contract of the forward pass: a sequence's logits do not depend on how its tokens are grouped into
 * steps, nor on which other sequences share a step, bit for bit.
 */
class ForwardPassTest {
    /** Long enough to cross two 16-position cache blocks and an 8-token window several times. */
    static final int PROMPT_TOKENS = 45;

    @TempDir
    static Path dir;

    static Stream<Arguments> modelsAndKvTypes() {
        List<Arguments> cases = new ArrayList<>();
        for (String model : List.of("stories260K", "stories260K-window8", "tiny-q8_0", "tiny-q8_0-window8")) {
            for (KvType type : KvType.values()) cases.add(Arguments.of(model, type));
        }
        return cases.stream();
    }

    static Path model(String name) {
        return switch (name) {
            case "stories260K" -> RuntimeModels.stories260K();
            case "tiny-q8_0" -> RuntimeModels.tinyQ8_0();
            case "stories260K-window8" -> RuntimeModels.withSlidingWindow(RuntimeModels.stories260K(), 8, dir);
            case "tiny-q8_0-window8" -> RuntimeModels.withSlidingWindow(RuntimeModels.tinyQ8_0(), 8, dir);
            default -> throw new IllegalArgumentException(name);
        };
    }

    @ParameterizedTest(name = "{0}, {1} cache")
    @MethodSource("modelsAndKvTypes")
    void aPromptGivesTheSameBitsAtOnceTokenByTokenAndInChunks(String name, KvType type) {
        try (Model model = Model.load(model(name))) {
            int[] prompt = RuntimeModels.randomTokens(PROMPT_TOKENS, model.config().vocabSize(), 7);
            float[] atOnce = new ForwardPass(model, 64).forward(new KvCache(model.config(), 64, type), prompt, 0).clone();

            ForwardPass single = new ForwardPass(model, 64);
            KvCache cache = new KvCache(model.config(), 64, type);
            float[] tokenByToken = null;
            for (int pos = 0; pos < prompt.length; pos++) tokenByToken = single.forward(cache, new int[] {prompt[pos]}, pos);
            assertThat(tokenByToken).as("token by token").containsExactly(atOnce);

            float[] chunksOf7 = new ForwardPass(model, 7).forward(new KvCache(model.config(), 64, type), prompt, 0);
            assertThat(chunksOf7).as("steps of at most 7 tokens").containsExactly(atOnce);

            ForwardPass uneven = new ForwardPass(model, 64);
            KvCache unevenCache = new KvCache(model.config(), 64, type);
            float[] unevenChunks = null;
            int[] cuts = {0, 3, 19, 20, 33, PROMPT_TOKENS};
            for (int i = 0; i + 1 < cuts.length; i++) {
                unevenChunks = uneven.forward(unevenCache, Arrays.copyOfRange(prompt, cuts[i], cuts[i + 1]), cuts[i]);
            }
            assertThat(unevenChunks).as("chunks of 3, 16, 1, 13 and 12 tokens").containsExactly(atOnce);
        }
    }

    /** Blocks are taken as the sequence grows, so how many positions the cache could hold changes nothing. */
    @Test
    void logitsDoNotDependOnTheCacheCapacity() {
        try (Model model = Model.load(RuntimeModels.stories260K())) {
            ForwardPass fp = new ForwardPass(model, 100);
            KvCache small = new KvCache(model.config(), 100), large = new KvCache(model.config(), 512);
            int[] prompt = {1, 403, 407, 261, 378};
            assertThat(fp.forward(small, prompt, 0).clone()).containsExactly(fp.forward(large, prompt, 0));
            for (int pos = prompt.length; pos < 90; pos++) {
                int[] token = {300 + pos};
                assertThat(fp.forward(small, token, pos).clone()).as("position %d", pos).containsExactly(fp.forward(large, token, pos));
            }
        }
    }

    /**
     * Four sequences in one step (a fresh prompt, a decode step, a chunk without logits, a chunk with them), their
     * caches taking blocks from one shared pool, give each the logits and the cache contents it gets alone.
     */
    @ParameterizedTest(name = "{0}, {1} cache")
    @MethodSource("modelsAndKvTypes")
    void eachSequenceOfABatchGetsTheBitsItGetsAlone(String name, KvType type) {
        try (Model model = Model.load(model(name))) {
            int vocab = model.config().vocabSize();
            int[][] history = {{}, RuntimeModels.randomTokens(30, vocab, 1), RuntimeModels.randomTokens(10, vocab, 2),
                    RuntimeModels.randomTokens(17, vocab, 3)};
            int[][] next = {RuntimeModels.randomTokens(20, vocab, 4), {5}, RuntimeModels.randomTokens(6, vocab, 5),
                    RuntimeModels.randomTokens(3, vocab, 6)};
            boolean[] wantsLogits = {true, true, false, true};
            int[] after = RuntimeModels.randomTokens(4, vocab, 8);

            ForwardPass alone = new ForwardPass(model, 64);
            KvBlockPool shared = new KvBlockPool(model.config(), type, KvBlockPool.DEFAULT_BLOCK_SIZE, 16);
            ForwardPass batched = new ForwardPass(model, 64);
            List<SequenceStep> steps = new ArrayList<>();
            float[][] aloneLogits = new float[4][];
            KvCache[] aloneCaches = new KvCache[4];
            for (int s = 0; s < 4; s++) {
                aloneCaches[s] = new KvCache(model.config(), 64, type);
                KvCache batchedCache = new KvCache(shared, 64);
                if (history[s].length > 0) {
                    alone.forward(aloneCaches[s], history[s], 0);
                    alone.forward(batchedCache, history[s], 0);
                }
                aloneLogits[s] = alone.forward(aloneCaches[s], next[s], history[s].length).clone();
                steps.add(new SequenceStep(batchedCache, history[s].length, next[s], wantsLogits[s] ? new float[vocab] : null));
            }
            batched.forwardBatch(steps);
            for (int s = 0; s < 4; s++) {
                SequenceStep step = steps.get(s);
                if (wantsLogits[s]) assertThat(step.logits()).as("sequence %d logits", s).containsExactly(aloneLogits[s]);
                int length = history[s].length + next[s].length;
                assertThat(step.cache().length()).isEqualTo(length);
                // what the step left in the cache decides the next token's logits
                float[] expected = alone.forward(aloneCaches[s], new int[] {after[s]}, length).clone();
                assertThat(alone.forward(step.cache(), new int[] {after[s]}, length)).as("sequence %d after the step", s)
                        .containsExactly(expected);
            }
        }
    }

    /**
     * A server's block manager names the blocks: a sequence that shares another's first two blocks (a cached prefix)
     * and one that continues from a copy of a shared, partly used block (copy-on-write after a fork) get the logits
     * they get computed alone from position 0.
     */
    @ParameterizedTest
    @EnumSource(KvType.class)
    void sequencesOnBlocksNamedByABlockManager(KvType type) {
        try (Model model = Model.load(RuntimeModels.tinyQ8_0())) {
            int vocab = model.config().vocabSize();
            int[] a = RuntimeModels.randomTokens(40, vocab, 1);
            int[] b = a.clone(), c = a.clone();
            for (int i = 32; i < 40; i++) b[i] = 100 + i;
            for (int i = 20; i < 40; i++) c[i] = 200 + i;
            ForwardPass fp = new ForwardPass(model, 64);
            KvBlockPool pool = new KvBlockPool(model.config(), type, 16, 12);
            KvCache ca = KvCache.withBlockTable(pool, 64), cb = KvCache.withBlockTable(pool, 64), cc = KvCache.withBlockTable(pool, 64);
            ca.useBlocks(new int[] {3, 7, 1}, 0);
            float[] logitsA = new float[vocab], logitsB = new float[vocab], logitsC = new float[vocab];
            fp.forwardBatch(List.of(new SequenceStep(ca, 0, a, logitsA)));
            cb.useBlocks(new int[] {3, 7, 9}, 32);
            pool.copy(7, 11);
            cc.useBlocks(new int[] {3, 11, 5}, 20);
            fp.forwardBatch(List.of(new SequenceStep(cb, 32, Arrays.copyOfRange(b, 32, 40), logitsB),
                    new SequenceStep(cc, 20, Arrays.copyOfRange(c, 20, 40), logitsC)));
            assertThat(logitsA).containsExactly(alone(model, a, type));
            assertThat(logitsB).as("on a shared prefix").containsExactly(alone(model, b, type));
            assertThat(logitsC).as("on a copied block").containsExactly(alone(model, c, type));
            assertThat(pool.allocatedBytes()).as("blocks 1, 3, 5, 7, 9, 11").isEqualTo(6 * pool.blockBytes());

            assertThatThrownBy(() -> cb.useBlocks(new int[] {12}, 0)).hasMessageContaining("KV block 12 is outside the pool (blocks 0..11)");
            cb.useBlocks(new int[] {3, 7}, 32);
            assertThatThrownBy(() -> fp.forward(cb, new int[] {1}, 32)).hasMessageContaining("positions up to 33 need 3 blocks, but the block table names 2");
            assertThatThrownBy(() -> fp.forward(new KvCache(pool, 64), new int[] {1}, 0))
                    .hasMessageContaining("this KV pool's block ids are assigned by a caller's block manager");
        }
    }

    private static float[] alone(Model model, int[] tokens, KvType type) {
        return new ForwardPass(model, 64).forward(new KvCache(model.config(), 64, type), tokens, 0).clone();
    }

    @Test
    void anInvalidBatchIsRefusedBeforeAnythingRuns() {
        try (Model model = Model.load(RuntimeModels.stories260K())) {
            ForwardPass fp = new ForwardPass(model, 8);
            int vocab = model.config().vocabSize();
            KvCache a = new KvCache(model.config(), 32), b = new KvCache(model.config(), 32);
            fp.forward(a, new int[] {1, 2, 3}, 0);
            assertThatThrownBy(() -> fp.forwardBatch(List.of(new SequenceStep(a, 3, new int[] {4}, null),
                    new SequenceStep(a, 4, new int[] {5}, null)))).hasMessageContaining("sequences 0 and 1 of the batch share a cache");
            assertThatThrownBy(() -> fp.forwardBatch(List.of(new SequenceStep(a, 3, new int[5], null),
                    new SequenceStep(b, 0, new int[5], null)))).hasMessageContaining("the batch holds 10 tokens; at most 8 fit");
            assertThatThrownBy(() -> fp.forwardBatch(List.of(new SequenceStep(b, 2, new int[] {1}, null))))
                    .hasMessageContaining("cannot run position 2 next: the cache holds positions 0..-1");
            assertThatThrownBy(() -> fp.forwardBatch(List.of(new SequenceStep(b, 0, new int[] {1}, new float[3]))))
                    .hasMessageContaining("logits array of 3 values; the vocabulary has " + vocab);
            assertThatThrownBy(() -> fp.forwardBatch(List.of(new SequenceStep(b, 0, new int[] {vocab}, null))))
                    .hasMessageContaining("token id " + vocab + " is outside the vocabulary");
            assertThatThrownBy(() -> fp.forward(a, new int[30], 3)).isInstanceOf(ContextOverflowException.class)
                    .hasMessageContaining("needs 33 positions but the context holds 32");
            assertThat(a.length()).as("a refused step changes nothing").isEqualTo(3);
            assertThat(b.length()).isZero();
        }
    }

    @Test
    void aCacheOfAnotherModelIsRefused() {
        try (Model model = Model.load(RuntimeModels.stories260K()); Model other = Model.load(RuntimeModels.tinyQ8_0())) {
            KvCache foreign = new KvCache(other.config(), 16);
            assertThatThrownBy(() -> new ForwardPass(model, 4).forward(foreign, new int[] {1}, 0))
                    .hasMessageContaining("the KV cache was made for another model");
        }
    }
}

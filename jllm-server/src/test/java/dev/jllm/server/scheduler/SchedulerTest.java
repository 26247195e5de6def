package dev.jllm.server.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SchedulerTest {
    private static int[] prompt(int first, int length) {
        return IntStream.range(first, first + length).toArray();
    }

    private static List<Long> ids(ScheduledStep step) {
        return step.chunks().stream().map(ScheduledChunk::sequenceId).toList();
    }

    @Test
    void runningSequencesDecodeTogetherAndNewOnesJoinAtTheNextStep() {
        SimulatedEngine e = new SimulatedEngine(new SchedulerConfig(8, 64, 128), 64, 4, true);
        e.add(1, prompt(0, 5), 6);
        e.add(2, prompt(100, 7), 6);
        ScheduledStep first = e.step();
        assertThat(ids(first)).containsExactly(1L, 2L);
        assertThat(first.chunks()).allMatch(ScheduledChunk::wantsLogits);
        assertThat(first.tokens()).isEqualTo(12);

        ScheduledStep decode = e.step();
        assertThat(decode.chunks()).extracting(ScheduledChunk::size).containsExactly(1, 1);
        assertThat(decode.chunks().getFirst().start()).isEqualTo(5);

        e.add(3, prompt(200, 3), 2);
        ScheduledStep joined = e.step();
        assertThat(ids(joined)).containsExactly(1L, 2L, 3L);
        assertThat(joined.chunks()).extracting(ScheduledChunk::size).containsExactly(1, 1, 3);
        e.runToCompletion(20);
        assertThat(e.finished.get(1L)).hasSize(5 + 6);
        assertThat(e.finished.get(3L)).hasSize(3 + 2);
        assertThat(e.blocks.usedBlocks()).isZero();
    }

    @Test
    void aLongPromptIsChunkedWhileRunningSequencesKeepDecoding() {
        SimulatedEngine e = new SimulatedEngine(new SchedulerConfig(4, 8, 64), 32, 4, true);
        e.add(1, prompt(0, 3), 20);
        e.step();
        e.add(2, prompt(100, 20), 1);
        // budget 8: one decode token for sequence 1, seven prompt tokens for sequence 2
        ScheduledStep s1 = e.step();
        assertThat(s1.chunks()).extracting(ScheduledChunk::size).containsExactly(1, 7);
        assertThat(s1.chunks().get(1).wantsLogits()).isFalse();
        ScheduledStep s2 = e.step();
        assertThat(s2.chunks()).extracting(ScheduledChunk::size).containsExactly(1, 7);
        assertThat(s2.chunks().get(1).start()).isEqualTo(7);
        ScheduledStep s3 = e.step();
        assertThat(s3.chunks()).extracting(ScheduledChunk::size).containsExactly(1, 6);
        assertThat(s3.chunks().get(1).wantsLogits()).isTrue();
        e.runToCompletion(40);
        assertThat(e.finished.get(2L)).hasSize(21);
    }

    @Test
    void whenBlocksRunOutTheNewestSequenceIsPreemptedAndRecomputedLater() {
        // 8 blocks of 4 = 32 slots; two sequences growing to 20 tokens each need 10 blocks
        SimulatedEngine e = new SimulatedEngine(new SchedulerConfig(4, 64, 32), 8, 4, false);
        e.add(1, prompt(0, 8), 12);
        e.add(2, prompt(100, 8), 12);
        ScheduledStep preempting = null;
        for (int i = 0; i < 40 && e.scheduler.hasWork(); i++) {
            ScheduledStep s = e.step();
            if (!s.preempted().isEmpty() && preempting == null) preempting = s;
        }
        assertThat(preempting).as("a step preempted").isNotNull();
        assertThat(preempting.preempted()).containsExactly(2L);
        assertThat(e.scheduler.preemptions()).isPositive();
        assertThat(e.finished.get(1L)).hasSize(20);
        assertThat(e.finished.get(2L)).as("the preempted sequence finished with all its tokens").hasSize(20);
        // recomputation restarts at position 0 with the generated tokens as part of the "prompt"
        ScheduledChunk recompute = e.steps.stream().flatMap(s -> s.chunks().stream())
                .filter(c -> c.sequenceId() == 2 && c.start() == 0 && c.size() > 8).findFirst().orElseThrow();
        assertThat(recompute.wantsLogits()).isTrue();
        assertThat(e.blocks.usedBlocks()).isZero();
    }

    @Test
    void aSequenceThatCannotGrowWhileAloneIsPreemptedItself() {
        // the newest running sequence is the one that needs the block: it preempts itself, the older one goes on
        SimulatedEngine e = new SimulatedEngine(new SchedulerConfig(4, 64, 16), 4, 4, false);
        e.add(1, prompt(0, 4), 8);
        e.add(2, prompt(100, 4), 8);
        e.runToCompletion(60);
        assertThat(e.finished.get(1L)).hasSize(12);
        assertThat(e.finished.get(2L)).hasSize(12);
    }

    @Test
    void aSharedSystemPromptIsComputedOnce() {
        SimulatedEngine e = new SimulatedEngine(new SchedulerConfig(4, 64, 64), 32, 4, true);
        int[] system = prompt(0, 16);
        int[] a = IntStream.concat(IntStream.of(system), IntStream.of(40, 41)).toArray();
        int[] b = IntStream.concat(IntStream.of(system), IntStream.of(42, 43, 44)).toArray();
        e.add(1, a, 2);
        e.step();
        e.add(2, b, 2);
        ScheduledStep second = e.step();
        ScheduledChunk chunkB = second.chunks().stream().filter(c -> c.sequenceId() == 2).findFirst().orElseThrow();
        assertThat(chunkB.start()).as("the system prompt's 4 blocks come from the cache").isEqualTo(16);
        assertThat(chunkB.size()).isEqualTo(3);
        e.runToCompletion(20);
        assertThat(e.blocks.hitTokens()).isEqualTo(16);
    }

    @Test
    void nChoicesForkAfterThePromptAndCopyTheSharedLastBlockOnWrite() {
        SimulatedEngine e = new SimulatedEngine(new SchedulerConfig(4, 64, 64), 32, 4, true);
        e.add(1, prompt(0, 6), 5, 3);
        ScheduledStep prefill = e.step();
        assertThat(prefill.chunks()).hasSize(1);
        assertThat(e.scheduler.running()).isEqualTo(3);
        ScheduledStep decode = e.step();
        assertThat(ids(decode)).containsExactly(1L, 101L, 102L);
        assertThat(decode.copies()).as("two of the three writers copy the shared half-full block").hasSize(2);
        e.runToCompletion(20);
        assertThat(e.finished).containsKeys(1L, 101L, 102L);
        assertThat(e.finished.get(101L)).startsWith(prompt(0, 6)).hasSize(11);
        assertThat(e.blocks.usedBlocks()).isZero();
    }

    @Test
    void fanOutWaitsForRoomInTheRunningSet() {
        SimulatedEngine e = new SimulatedEngine(new SchedulerConfig(3, 64, 64), 32, 4, true);
        e.add(1, prompt(0, 4), 3);
        e.add(2, prompt(10, 4), 3, 3);
        ScheduledStep first = e.step();
        assertThat(ids(first)).as("1 + 3 > 3: the request with n=3 waits").containsExactly(1L);
        e.runToCompletion(20);
        assertThat(e.finished).containsKeys(1L, 2L, 201L, 202L);
    }

    @Test
    void finishingAWaitingOrRunningSequenceFreesItsBlocksAtOnce() {
        SimulatedEngine e = new SimulatedEngine(new SchedulerConfig(1, 64, 64), 32, 4, true);
        e.add(1, prompt(0, 10), 50);
        e.add(2, prompt(100, 10), 50);
        e.step();
        assertThat(e.scheduler.waiting()).isEqualTo(1);
        assertThat(e.blocks.usedBlocks()).isEqualTo(3);
        e.cancel(2);
        assertThat(e.scheduler.waiting()).isZero();
        e.cancel(1);
        assertThat(e.scheduler.running()).isZero();
        assertThat(e.blocks.usedBlocks()).isZero();
        assertThat(e.scheduler.schedule().isEmpty()).isTrue();
        e.blocks.checkConsistency();
    }

    @Test
    void sequencesGenerateUpToTheLengthLimit() {
        SimulatedEngine e = new SimulatedEngine(new SchedulerConfig(2, 64, 12), 8, 4, true);
        e.add(1, prompt(0, 10), 100);
        e.runToCompletion(20);
        assertThat(e.finished.get(1L)).hasSize(12);
    }

    @Test
    void rejectsWhatCanNeverRun() {
        assertThatThrownBy(() -> new Scheduler(new SchedulerConfig(2, 16, 100), new BlockManager(4, 16, true)))
                .hasMessageContaining("less than one sequence of 100");
        Scheduler s = new Scheduler(new SchedulerConfig(2, 16, 64), new BlockManager(4, 16, true));
        assertThatThrownBy(() -> s.add(new Sequence(1, prompt(0, 65), 1))).hasMessageContaining("more than the limit of 64");
        assertThatThrownBy(() -> s.add(new Sequence(1, prompt(0, 5), 3))).hasMessageContaining("running limit of 2");
        s.add(new Sequence(1, prompt(0, 5), 1));
        assertThatThrownBy(() -> s.add(new Sequence(1, prompt(0, 5), 1))).hasMessageContaining("already scheduled");
        assertThatThrownBy(() -> new SchedulerConfig(0, 1, 1)).hasMessageContaining("at least one sequence");
    }
}

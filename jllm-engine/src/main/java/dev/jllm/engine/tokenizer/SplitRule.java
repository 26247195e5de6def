package dev.jllm.engine.tokenizer;

/**
 * One step of a BPE pre-tokenizer (one regex of llama.cpp's list): splits every chunk of the text further.
 * Chunks are given and returned as lengths in code points, covering the text without gaps.
 */
interface SplitRule {
    IntList split(int[] cps, IntList chunkLengths);

    /** A rule that splits every chunk on its own (llama.cpp's hand-written scanners). */
    interface PerChunk extends SplitRule {
        /** Appends the lengths of the pieces of {@code chunk} to {@code out}. */
        void scan(Chunk chunk, IntList out);

        @Override
        default IntList split(int[] cps, IntList chunkLengths) {
            IntList out = new IntList(chunkLengths.size() * 4);
            int start = 0;
            for (int c = 0; c < chunkLengths.size(); c++) {
                int end = start + chunkLengths.get(c);
                scan(new Chunk(cps, start, end), out);
                start = end;
            }
            return out;
        }
    }
}

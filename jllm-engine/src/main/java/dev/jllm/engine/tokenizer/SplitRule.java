package dev.jllm.engine.tokenizer;

/**
 * One step of a BPE pre-tokenizer (one regex of llama.cpp's list): splits every chunk of the text further.
 * Chunks are given and returned as lengths in code points, covering the text without gaps.
 */
interface SplitRule {
    IntList split(int[] cps, IntList chunkLengths);
}

package dev.jllm.rag.retrieve;

import dev.jllm.rag.store.ScoredChunk;
import java.util.List;

/** Merges rankings of the same collection (lexical and dense, say) into one. */
public interface Fusion {
    /** One ranking of the chunks in any input, best first, scored by the fusion. */
    List<ScoredChunk> fuse(List<List<ScoredChunk>> rankings);
}

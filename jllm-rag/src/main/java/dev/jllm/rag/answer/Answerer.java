package dev.jllm.rag.answer;

import dev.jllm.rag.store.ScoredChunk;
import java.util.List;

/** Writes an answer to a question from retrieved chunks, citing them by number. */
public interface Answerer {
    /** The answer from {@code relevant} (best first, already judged relevant enough; never empty). */
    Answer answer(String question, List<ScoredChunk> relevant);
}

package dev.jllm.api;

import java.util.List;

/**
 * Turns texts into vectors for similarity search, as OpenAI's {@code /v1/embeddings} does. Implementations return
 * one vector per input, in input order, all of length {@link #dimension()}.
 */
public interface EmbeddingModel {
    /** The model's name, as an OpenAI request's {@code model} field names it. */
    String name();

    /** The length of every vector this model returns. */
    int dimension();

    /** Embeddings of passages to be searched (documents, chunks), one per text, in order. */
    List<float[]> embedAll(List<String> texts);

    default float[] embed(String text) {
        return embedAll(List.of(text)).getFirst();
    }

    /**
     * The embedding of a search query. Models trained with a query instruction (bge's "Represent this sentence for
     * searching relevant passages: ") add it here; for the others a query is embedded like a passage.
     */
    default float[] embedQuery(String query) {
        return embed(query);
    }
}

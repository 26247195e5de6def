package dev.jllm.rag.chunk;

import dev.jllm.api.EmbeddingModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Breaks between sentences where the meaning shifts: each sentence is embedded, and a chunk ends where the cosine
 * distance between neighbouring sentences is above the given percentile of all such distances in the text (Greg
 * Kamradt's semantic chunking, as LangChain's SemanticChunker does it). A group still over {@code size} tokens is
 * packed by sentences.
 */
public final class SemanticChunker implements Chunker {
    private final int size;
    private final double percentile;
    private final Tokenization tokenization;
    private final EmbeddingModel embeddings;
    private final SentenceChunker sentences;

    public SemanticChunker(int size, double percentile, Tokenization tokenization, EmbeddingModel embeddings) {
        Chunkers.checkSizes(size, 0);
        if (!(percentile > 0 && percentile < 100)) throw new IllegalArgumentException("percentile must be in (0, 100), got " + percentile);
        if (embeddings == null) throw new IllegalArgumentException("the semantic chunker needs an embedding model");
        this.size = size;
        this.percentile = percentile;
        this.tokenization = tokenization;
        this.embeddings = embeddings;
        this.sentences = new SentenceChunker(size, 0, tokenization);
    }

    @Override
    public String name() {
        return "semantic";
    }

    @Override
    public List<TextChunk> chunk(String text) {
        List<Range> sentenceRanges = sentences.sentences(text, 0, text.length());
        if (sentenceRanges.size() < 3) return Range.chunks(text, Range.pack(sentenceRanges, size, 0));
        List<float[]> vectors = embeddings.embedAll(sentenceRanges.stream().map(r -> text.substring(r.start(), r.end()).strip()).toList());
        double[] distances = new double[vectors.size() - 1];
        for (int i = 0; i < distances.length; i++) distances[i] = 1 - cosine(vectors.get(i), vectors.get(i + 1));
        double threshold = percentile(distances, percentile);
        List<Range> groups = new ArrayList<>();
        int first = 0;
        for (int i = 0; i <= distances.length; i++) {
            if (i == distances.length || distances[i] > threshold) {
                groups.addAll(Range.pack(sentenceRanges.subList(first, i + 1), size, 0));
                first = i + 1;
            }
        }
        return Range.chunks(text, groups);
    }

    /** The p-th percentile with linear interpolation between ranks (numpy's default). */
    static double percentile(double[] values, double p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double rank = p / 100 * (sorted.length - 1);
        int low = (int) Math.floor(rank);
        int high = Math.min(sorted.length - 1, low + 1);
        return sorted[low] + (rank - low) * (sorted[high] - sorted[low]);
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
    }
}

package dev.jllm.rag.answer;

import dev.jllm.api.EmbeddingModel;
import dev.jllm.rag.retrieve.Vectors;
import dev.jllm.rag.store.ScoredChunk;
import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Answers without a generative model: the sentences of the relevant chunks closest to the question (cosine of their
 * embeddings; word overlap without a model), each followed by the number of its source.
 */
public final class ExtractiveAnswerer implements Answerer {
    private final EmbeddingModel model;
    private final int sentences;

    public ExtractiveAnswerer(EmbeddingModel model, int sentences) {
        if (sentences < 1) throw new IllegalArgumentException("an extractive answer needs at least one sentence");
        this.model = model;
        this.sentences = sentences;
    }

    private record Candidate(String sentence, int source, double score) {}

    @Override
    public Answer answer(String question, List<ScoredChunk> relevant) {
        List<Answer.Source> sources = Answer.number(relevant);
        List<Candidate> candidates = new ArrayList<>();
        for (Answer.Source s : sources) {
            for (String sentence : split(s.hit().chunk().text())) candidates.add(new Candidate(sentence, s.number(), 0));
        }
        List<Candidate> scored = score(question, candidates);
        scored.sort(Comparator.comparingDouble(Candidate::score).reversed());
        StringBuilder text = new StringBuilder();
        Set<String> used = new HashSet<>();
        List<Integer> cited = new ArrayList<>();
        for (Candidate c : scored) {
            if (used.size() == sentences) break;
            if (!used.add(c.sentence())) continue;
            if (!text.isEmpty()) text.append(' ');
            text.append(c.sentence()).append(" [").append(c.source()).append(']');
            if (!cited.contains(c.source())) cited.add(c.source());
        }
        return new Answer(text.toString(), sources, cited, false);
    }

    private List<Candidate> score(String question, List<Candidate> candidates) {
        List<Candidate> out = new ArrayList<>();
        if (model != null) {
            float[] q = Vectors.unit(model.embedQuery(question));
            List<float[]> vectors = model.embedAll(candidates.stream().map(Candidate::sentence).toList());
            for (int i = 0; i < candidates.size(); i++) {
                Candidate c = candidates.get(i);
                out.add(new Candidate(c.sentence(), c.source(), Vectors.dot(q, Vectors.unit(vectors.get(i)))));
            }
            return out;
        }
        Set<String> terms = words(question);
        for (Candidate c : candidates) {
            Set<String> w = words(c.sentence());
            long shared = w.stream().filter(terms::contains).count();
            out.add(new Candidate(c.sentence(), c.source(), w.isEmpty() ? 0 : shared / Math.sqrt(w.size())));
        }
        return out;
    }

    private static Set<String> words(String text) {
        Set<String> out = new HashSet<>();
        for (String w : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) if (w.length() > 2) out.add(w);
        return out;
    }

    static List<String> split(String text) {
        BreakIterator it = BreakIterator.getSentenceInstance(Locale.ENGLISH);
        it.setText(text);
        List<String> out = new ArrayList<>();
        for (int start = it.first(), end = it.next(); end != BreakIterator.DONE; start = end, end = it.next()) {
            String s = text.substring(start, end).strip().replaceAll("\\s+", " ");
            if (s.length() > 1) out.add(s);
        }
        return out;
    }
}

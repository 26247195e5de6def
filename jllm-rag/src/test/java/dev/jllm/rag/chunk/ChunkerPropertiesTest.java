package dev.jllm.rag.chunk;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** What every size-bounded chunker promises, on random documents of words, sentences, lines and paragraphs. */
class ChunkerPropertiesTest {
    static final Tokenization WORDS = new WordTokenization();

    @Provide
    Arbitrary<String> documents() {
        Arbitrary<String> word = Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyzé").ofMinLength(1).ofMaxLength(12);
        // capitalised, as the JDK's sentence rules want before they end a sentence at a full stop
        Arbitrary<String> sentence = word.list().ofMinSize(1).ofMaxSize(40)
                .map(ws -> Character.toUpperCase(ws.getFirst().charAt(0)) + String.join(" ", ws).substring(1) + ".");
        Arbitrary<String> line = sentence.list().ofMinSize(1).ofMaxSize(4).map(ss -> String.join(" ", ss));
        Arbitrary<String> paragraph = line.list().ofMinSize(1).ofMaxSize(4).map(ls -> String.join("\n", ls));
        return paragraph.list().ofMinSize(1).ofMaxSize(8).map(ps -> String.join("\n\n", ps));
    }

    @Provide
    Arbitrary<String> chunkers() {
        return Arbitraries.of("fixed", "recursive", "sentence", "markdown");
    }

    @Property(tries = 200)
    void chunksAreExactStretchesWithinTheSizeThatCoverEveryToken(@ForAll("documents") String text, @ForAll("chunkers") String name,
                                                                @ForAll @IntRange(min = 4, max = 80) int size,
                                                                @ForAll @IntRange(min = 0, max = 100) int overlapPercent) {
        int overlap = Math.min(size - 1, size * overlapPercent / 200);
        List<TextChunk> chunks = Chunkers.create(name, size, overlap, WORDS, null).chunk(text);
        boolean[] covered = new boolean[text.length()];
        for (TextChunk c : chunks) {
            assertThat(c.text()).isNotBlank();
            assertThat(text.substring(c.start(), c.start() + c.text().length())).isEqualTo(c.text());
            assertThat(WORDS.count(c.text())).as("%s chunk of %s", name, c.text()).isLessThanOrEqualTo(size);
            for (int i = c.start(); i < c.start() + c.text().length(); i++) covered[i] = true;
        }
        for (Tokenization.Span s : WORDS.spans(text)) {
            assertThat(covered[s.start()]).as("token at %d of %s", s.start(), name).isTrue();
        }
    }

    @Property(tries = 100)
    void fixedWindowsStepBySizeMinusOverlap(@ForAll("documents") String text, @ForAll @IntRange(min = 2, max = 50) int size,
                                            @ForAll @IntRange(min = 0, max = 49) int overlapWanted) {
        int overlap = Math.min(overlapWanted, size - 1);
        List<TextChunk> chunks = new FixedTokenChunker(size, overlap, WORDS).chunk(text);
        List<Tokenization.Span> spans = WORDS.spans(text);
        int expected = spans.size() <= size ? 1 : 1 + (spans.size() - size + (size - overlap) - 1) / (size - overlap);
        assertThat(chunks).hasSize(expected);
        for (int i = 0; i < chunks.size(); i++) {
            assertThat(chunks.get(i).start()).isEqualTo(spans.get(i * (size - overlap)).start());
        }
    }

    @Property(tries = 100)
    void sentenceChunksStartAndEndOnSentenceBoundaries(@ForAll("documents") String text, @ForAll @IntRange(min = 41, max = 120) int size) {
        // every generated sentence has at most 41 tokens (40 words and a full stop), so none is cut
        for (TextChunk c : new SentenceChunker(size, 0, WORDS).chunk(text)) {
            assertThat(c.text()).endsWith(".");
            assertThat(c.start() == 0 || text.charAt(c.start() - 1) == ' ' || text.charAt(c.start() - 1) == '\n').isTrue();
        }
    }
}

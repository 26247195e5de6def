package dev.jllm.rag.chunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jllm.rag.embed.EmbeddingModels;
import dev.jllm.rag.embed.OnnxBertEmbeddingModel;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChunkersTest {
    static final Tokenization WORDS = new WordTokenization();

    static List<String> texts(List<TextChunk> chunks) {
        return chunks.stream().map(TextChunk::text).toList();
    }

    @Test
    void recursivePrefersParagraphsThenLinesThenSentences() {
        String text = "one two three four.\n\nfive six seven eight.\n\nNine ten. Eleven twelve thirteen fourteen fifteen sixteen.";
        // size 5 tokens: paragraphs one and two fit (5 tokens each with the full stop); the third is cut at its sentences
        assertThat(texts(new RecursiveChunker(5, 0, WORDS).chunk(text)))
                .containsExactly("one two three four.", "five six seven eight.", "Nine ten.", "Eleven twelve thirteen fourteen fifteen", "sixteen.");
        // size 12: the first two paragraphs go together
        assertThat(texts(new RecursiveChunker(12, 0, WORDS).chunk(text)).getFirst()).isEqualTo("one two three four.\n\nfive six seven eight.");
    }

    @Test
    void overlapRepeatsTheLastPiecesOfTheChunkBefore() {
        String text = "A b c. D e f. G h i. J k l.";
        assertThat(texts(new SentenceChunker(8, 4, WORDS).chunk(text))).containsExactly("A b c. D e f.", "D e f. G h i.", "G h i. J k l.");
        assertThat(texts(new FixedTokenChunker(4, 2, WORDS).chunk("a b c d e f g"))).containsExactly("a b c d", "c d e f", "e f g");
    }

    @Test
    void markdownChunksKeepTheirHeadingPathAndIgnoreHashesInCode() {
        String md = """
                # Guide
                Intro text.

                ## Install
                ### Linux
                Run the script.
                ```bash
                # not a heading
                ./install.sh
                ```
                ## Use
                Type a query.
                """;
        List<TextChunk> chunks = new MarkdownHeadingChunker(100, 0, WORDS).chunk(md);
        assertThat(chunks).extracting(TextChunk::metadata).containsExactly(
                Map.of("headings", "Guide"), Map.of("headings", "Guide > Install > Linux"), Map.of("headings", "Guide > Use"));
        assertThat(chunks.get(1).text()).startsWith("### Linux").contains("# not a heading").endsWith("```");
        assertThat(chunks.get(2).text()).isEqualTo("## Use\nType a query.");
    }

    @Test
    void semanticChunkingBreaksWhereTheTopicChanges() {
        String text = "The cat chased the mouse across the kitchen. The kitten pounced on a ball of yarn. Cats sleep most of the day. "
                + "The central bank raised interest rates again. Inflation figures worried the bond markets. Stock prices fell after the announcement.";
        try (OnnxBertEmbeddingModel model = EmbeddingModels.load("minilm")) {
            // the 5 gaps between sentences: the one between cats and markets is the widest, the only one above the 80th percentile
            List<TextChunk> chunks = new SemanticChunker(200, 80, model.tokenization(), model).chunk(text);
            assertThat(texts(chunks)).containsExactly(
                    "The cat chased the mouse across the kitchen. The kitten pounced on a ball of yarn. Cats sleep most of the day.",
                    "The central bank raised interest rates again. Inflation figures worried the bond markets. Stock prices fell after the announcement.");
        }
    }

    @Test
    void percentileInterpolatesAsNumpyDoes() {
        assertThat(SemanticChunker.percentile(new double[] {4, 1, 3, 2}, 50)).isEqualTo(2.5);
        assertThat(SemanticChunker.percentile(new double[] {1, 2, 3, 4, 5}, 90)).isCloseTo(4.6, within(1e-12));
    }

    @Test
    void chunkersAreChosenByNameAndBadSettingsAreRefused() {
        for (String name : List.of("fixed", "recursive", "sentence", "markdown", "none")) {
            assertThat(Chunkers.create(name, 10, 2, WORDS, null).name()).isEqualTo(name);
        }
        assertThatThrownBy(() -> Chunkers.create("paragraph", 10, 2, WORDS, null))
                .hasMessage("unknown chunker 'paragraph'; choose one of recursive, fixed, sentence, markdown, semantic, none");
        assertThatThrownBy(() -> Chunkers.create("fixed", 10, 10, WORDS, null)).hasMessage("chunk overlap must be in 0..9, got 10");
        assertThatThrownBy(() -> Chunkers.create("semantic", 10, 0, WORDS, null)).hasMessage("the semantic chunker needs an embedding model");
        assertThat(texts(new WholeTextChunker().chunk("  all of it \n"))).containsExactly("all of it");
        assertThat(new WholeTextChunker().chunk(" \n ")).isEmpty();
    }
}

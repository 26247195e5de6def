package dev.jllm.engine.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/** The pre-tokenizers of tokenizer.ggml.pre, including those the conformance vectors do not cover. */
class PreTokenizerTest {

    private static List<String> plainWords(String pre, String text) {
        return PreTokenizer.named(pre).split(text).stream()
                .map(w -> new String(ByteLevelEncoding.decode(w), StandardCharsets.UTF_8)).toList();
    }

    @Test
    void digitsAreGroupedAsEachRegexSays() {
        String text = "abc 12345 don't";
        assertThat(plainWords("llama-bpe", text)).containsExactly("abc", " ", "123", "45", " don", "'t");
        assertThat(plainWords("qwen2", text)).containsExactly("abc", " ", "1", "2", "3", "4", "5", " don", "'t");
        assertThat(plainWords("gpt-2", text)).containsExactly("abc", " 12345", " don", "'t");
        assertThat(plainWords("starcoder", text)).containsExactly("abc", " ", "1", "2", "3", "4", "5", " don", "'t");
        assertThat(plainWords("deepseek-coder", text)).containsExactly("abc", " ", "1", "2", "3", "4", "5", " don", "'", "t");
        // falcon cuts punctuation off first, and three-digit runs out of number words last
        assertThat(plainWords("deepseek-v3", "Hello 12345 世界")).containsExactly("Hello", " ", "123", "45", " ", "世界");
        assertThat(plainWords("falcon", text)).containsExactly("abc", " ", "123", "45", " don", "'", "t");
    }

    @Test
    void byteLevelWordsAreSpelledInByteCharacters() {
        assertThat(PreTokenizer.named("gpt-2").split("Hi there\n")).containsExactly("Hi", "Ġthere", "Ċ");
        assertThat(PreTokenizer.named("").name()).isEqualTo("default");
    }

    /** Every supported pre-tokenizer compiles and cuts text into words that add up to the text. */
    @Property(tries = 100)
    void everySupportedPreTokenizerKeepsAllText(@ForAll @StringLength(max = 60) String text) {
        String s = Utf8.wellFormed(text);
        byte[] expected = s.getBytes(StandardCharsets.UTF_8);
        for (String name : PreTokenizer.supportedNames()) {
            ByteArrayOutputStream joined = new ByteArrayOutputStream();
            for (String word : PreTokenizer.named(name).split(s)) joined.writeBytes(ByteLevelEncoding.decode(word));
            assertThat(joined.toByteArray()).as(name).containsExactly(expected);
        }
    }
}

package dev.jllm.engine.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Properties llama.cpp's tokenizers have, checked on random text that mixes scripts, emoji, controls and spaces. */
class TokenizerPropertiesTest {
    private static final List<String> BYTE_LEVEL = List.of(Vocabs.LLAMA3, "gpt-2", "falcon", "mpt", "starcoder", "refact",
            "deepseek-llm", "deepseek-coder");

    @Provide
    Arbitrary<String> texts() {
        Arbitrary<Integer> cp = Arbitraries.frequencyOf(
                Tuple.of(30, Arbitraries.integers().between('a', 'z')),
                Tuple.of(6, Arbitraries.integers().between('A', 'Z')),
                Tuple.of(12, Arbitraries.of((int) ' ', (int) ' ', (int) '\n', (int) '\t', (int) '\r')),
                Tuple.of(5, Arbitraries.integers().between('0', '9')),
                Tuple.of(6, Arbitraries.integers().between(0x21, 0x7E)),
                Tuple.of(4, Arbitraries.integers().between(0xA0, 0xFF)),
                Tuple.of(3, Arbitraries.integers().between(0x370, 0x4FF)),
                Tuple.of(3, Arbitraries.integers().between(0x4E00, 0x9FFF)),
                Tuple.of(3, Arbitraries.integers().between(0x1F300, 0x1FAFF)),
                Tuple.of(2, Arbitraries.integers().between(0x300, 0x36F)),
                Tuple.of(2, Arbitraries.integers().between(0, 0xFFFF).filter(c -> c < 0xD800 || c > 0xDFFF)),
                Tuple.of(1, Arbitraries.integers().between(0x10000, 0x10FFFF)),
                Tuple.of(1, Arbitraries.of(0x85, 0xA0, 0x1680, 0x2000, 0x2007, 0x2028, 0x202F, 0x3000)),
                Tuple.of(1, Arbitraries.integers().between(0, 0x1F)));
        return cp.list().ofMaxSize(40).map(cps -> new String(cps.stream().mapToInt(Integer::intValue).toArray(), 0, cps.size()));
    }

    @Property(tries = 300)
    void sentencePieceDecodesBackToTheTextWithALeadingSpace(@ForAll("texts") String text) {
        String s = text.replace('\u2581', '_'); // an input "▁" would come back as a space, in llama.cpp too
        for (String name : List.of("llama-spm", "phi-3", "baichuan")) {
            Tokenizer t = Vocabs.tokenizer(name);
            int[] ids = t.encode(s, false, false);
            assertThat(t.decode(ids)).as(name).isEqualTo(s.isEmpty() ? "" : " " + s);
            assertNoControlTokens(t, ids);
        }
    }

    /**
     * Byte-level BPE spells every byte, except where a vocabulary lacks a byte's character (Falcon has no token for
     * byte 0x03, StarCoder none for 0xF1, ...): llama.cpp then drops that byte, and so does this tokenizer.
     */
    @Property(tries = 200)
    void byteLevelBpeDecodesBackToTheTextsBytes(@ForAll("texts") String text) {
        for (String name : BYTE_LEVEL) {
            Tokenizer t = Vocabs.tokenizer(name);
            int[] ids = t.encode(text, false, false);
            ByteArrayOutputStream spellable = new ByteArrayOutputStream();
            for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
                if (t.idOf(String.valueOf(ByteLevelEncoding.charOf(b))).isPresent()) spellable.write(b);
            }
            ByteArrayOutputStream decoded = new ByteArrayOutputStream();
            for (int id : ids) decoded.writeBytes(t.tokenBytes(id));
            assertThat(decoded.toByteArray()).as("%s %s", name, text.codePoints().mapToObj(Integer::toHexString).toList())
                    .containsExactly(spellable.toByteArray());
            assertNoControlTokens(t, ids);
        }
    }

    private static void assertNoControlTokens(Tokenizer t, int[] ids) {
        for (int id : ids) assertThat(t.tokenType(id)).as("token %d", id).isNotEqualTo(TokenType.CONTROL);
    }

    @Property(tries = 300)
    void wordPieceStaysInsideClsAndSep(@ForAll("texts") String text) {
        Tokenizer t = Vocabs.tokenizer("bert-bge");
        int[] ids = t.encode(text, true, false);
        assertThat(ids[0]).isEqualTo(101);
        assertThat(ids[ids.length - 1]).isEqualTo(102);
        assertThat(Arrays.copyOfRange(ids, 1, ids.length - 1)).containsExactly(t.encode(text, false, false));
    }

    /** llama.cpp's hand-written scanners and the same regexes run through RegexSplit must cut text identically. */
    @Property(tries = 500)
    void regexSplitAgreesWithTheHandWrittenScanners(@ForAll("texts") String text) {
        int[] cps = text.codePoints().toArray();
        IntList whole = new IntList();
        if (cps.length > 0) whole.add(cps.length);
        assertThat(new RegexSplit(Llama3Split.REGEX_ADAPTED).split(cps, whole).toArray())
                .containsExactly(new Llama3Split().split(cps, whole).toArray());
        // llama.cpp's GPT-2 scanner also implements the trailing "|\s+" that its regex string leaves out
        assertThat(new RegexSplit(Gpt2Split.REGEX + "|\\s+").split(cps, whole).toArray())
                .containsExactly(new Gpt2Split().split(cps, whole).toArray());
    }

    @Property(tries = 300)
    void streamingDecoderAddsUpToDecode(@ForAll("texts") String text) {
        for (String name : List.of("llama-spm", Vocabs.LLAMA3)) {
            Tokenizer t = Vocabs.tokenizer(name);
            int[] ids = t.encode(text, true, false);
            assertThat(streamed(t, ids)).isEqualTo(t.decode(ids));
        }
    }

    @Property(tries = 300)
    void streamingDecoderHandlesArbitraryByteTokens(@ForAll @Size(max = 30) List<@IntRange(min = 3, max = 258) Integer> byteTokens) {
        Tokenizer t = Vocabs.tokenizer("llama-spm"); // ids 3..258 are <0x00>..<0xFF>
        int[] ids = byteTokens.stream().mapToInt(Integer::intValue).toArray();
        assertThat(streamed(t, ids)).isEqualTo(t.decode(ids));
    }

    private static String streamed(Tokenizer t, int[] ids) {
        StreamingDecoder d = new StreamingDecoder(t);
        StringBuilder out = new StringBuilder();
        for (int id : ids) {
            String piece = d.next(id);
            // held-back bytes never make a lone surrogate or a replacement char out of a character still arriving
            out.append(piece);
        }
        return out.append(d.flush()).toString();
    }
}

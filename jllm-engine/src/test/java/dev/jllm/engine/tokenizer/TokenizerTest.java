package dev.jllm.engine.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Behaviour llama.cpp defines beyond the conformance vectors: special tokens, BOS/EOS/SEP, EOG, token bytes, errors. */
class TokenizerTest {

    private static int[] concat(int[]... parts) {
        return Arrays.stream(parts).flatMapToInt(Arrays::stream).toArray();
    }

    @Test
    void sentencePieceParsesSpecialTokensOnlyWhenAsked() {
        Tokenizer t = Vocabs.tokenizer("llama-spm");
        int[] hi = t.encode("Hi", false, false);
        // the text after a special token gets the space prefix again, like the start of the input
        assertThat(t.encode("<s>Hi</s>", false, true)).containsExactly(concat(new int[] {1}, hi, new int[] {2}));
        int[] plain = t.encode("<s>Hi</s>", false, false);
        assertThat(plain).doesNotContain(1, 2);
        assertThat(t.decode(plain)).isEqualTo(" <s>Hi</s>");
        assertThat(t.encode("Hi", true, false)).containsExactly(concat(new int[] {1}, hi));
    }

    @Test
    void sentencePieceTokenBytes() {
        Tokenizer t = Vocabs.tokenizer("llama-spm");
        assertThat(t.tokenText(13)).isEqualTo("<0x0A>");
        assertThat(t.tokenBytes(13)).containsExactly(0x0A);
        assertThat(t.tokenType(13)).isEqualTo(TokenType.BYTE);
        int the = t.idOf("▁the").orElseThrow();
        assertThat(new String(t.tokenBytes(the), StandardCharsets.UTF_8)).isEqualTo(" the");
        assertThat(new String(t.tokenBytes(1), StandardCharsets.UTF_8)).isEqualTo("<s>");
        assertThat(t.tokenType(1)).isEqualTo(TokenType.CONTROL);
        assertThat(t.tokenType(0)).isEqualTo(TokenType.UNKNOWN);
        assertThat(t.idOf("no such token")).isEmpty();
    }

    @Test
    void byteLevelBpeParsesLlama3ChatTokens() {
        Tokenizer t = Vocabs.tokenizer(Vocabs.LLAMA3);
        String chat = "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>";
        int[] special = t.encode(chat, true, true);
        assertThat(special).startsWith(128000, 128006).endsWith(128009).contains(128007);
        int[] plain = t.encode(chat, false, false);
        assertThat(Arrays.stream(plain).max().orElseThrow()).isLessThan(128000);
        assertThat(t.decode(plain)).isEqualTo(chat);
        assertThat(t.tokenBytes(t.idOf("Ġ").orElseThrow())).containsExactly(' ');
        assertThat(new String(t.tokenBytes(128009), StandardCharsets.UTF_8)).isEqualTo("<|eot_id|>");
    }

    @Test
    void endOfGenerationAsLlamaCppComputesIt() {
        assertThat(eog(Vocabs.tokenizer(Vocabs.LLAMA3))).containsExactly(128001, 128008, 128009); // end_of_text, eom, eot
        assertThat(eog(Vocabs.tokenizer("llama-spm"))).containsExactly(2);
        assertThat(eog(Vocabs.tokenizer("phi-3"))).containsExactly(2, 32000, 32007); // </s>, <|endoftext|>, <|end|>
        assertThat(eog(Vocabs.tokenizer("gpt-2"))).containsExactly(50256);
        assertThat(eog(Vocabs.tokenizer("starcoder"))).containsExactly(0, 4); // <|endoftext|>, <fim_pad>
        assertThat(eog(Vocabs.tokenizer("refact"))).containsExactly(0, 4, 18); // + <reponame>
        assertThat(eog(Vocabs.tokenizer("bert-bge"))).containsExactly(0); // [PAD] matches the FIM-pad texts ("[PAD]", Kimi-K2)
    }

    private static int[] eog(Tokenizer t) {
        int[] ids = t.vocabulary().endOfGenerationIds();
        assertThat(IntStream.range(0, t.vocabSize()).filter(t::isEndOfGeneration).toArray()).containsExactly(ids);
        return ids;
    }

    @Test
    void wordPieceWrapsInClsAndSep() {
        Tokenizer t = Vocabs.tokenizer("bert-bge");
        int[] ids = t.encode("Hello World!", true, false);
        assertThat(ids).startsWith(101).endsWith(102);
        assertThat(Arrays.copyOfRange(ids, 1, ids.length - 1)).containsExactly(t.encode("hello world !", false, false));
        assertThat(t.addBos()).isTrue();
        // control tokens are plain text unless asked for
        assertThat(t.encode("[SEP]", false, true)).containsExactly(102);
        assertThat(t.encode("[SEP]", false, false)).doesNotContain(102);
        // accents are stripped and text lower-cased, as BERT's uncased normalizer does
        assertThat(t.encode("Führer CAFÉ", false, false)).containsExactly(t.encode("fuhrer cafe", false, false));
        assertThat(t.encode("\u0007", false, false)).isEmpty();
        assertThat(t.encode("qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq", false, false))
                .hasSizeGreaterThan(1);
        assertThat(t.encode("\uD83E\uDD99", false, false)).containsExactly(100); // a word no token covers is [UNK]
    }

    @Test
    void phi3StripsWhitespaceAfterSpecialTokens() {
        Tokenizer t = Vocabs.tokenizer("phi-3");
        // llama.cpp sets RSTRIP on Phi-3's special tokens (by model name)
        assertThat(t.encode("<|user|>\n  Hello", false, true)).containsExactly(t.encode("<|user|>Hello", false, true));
        assertThat(t.encode("<|user|>Hello", false, true)[0]).isEqualTo(32010);
    }

    @Test
    void userDefinedTokensAreRecognisedEvenWithoutParseSpecial() {
        Tokenizer t = Vocabs.tokenizer("mpt"); // runs of spaces are user-defined tokens in the NeoX vocabulary
        int spaces = t.idOf(" ".repeat(24)).orElseThrow();
        assertThat(t.tokenType(spaces)).isEqualTo(TokenType.USER_DEFINED);
        assertThat(t.encode("a" + " ".repeat(24) + "b", false, false)).contains(spaces);
    }

    @Test
    void vocabulariesWithoutVectorsLoad() {
        Tokenizer baichuan = Vocabs.tokenizer("baichuan");
        assertThat(baichuan.vocabSize()).isEqualTo(64000);
        assertThat(baichuan.decode(baichuan.encode("Hello, 世界!", false, false))).isEqualTo(" Hello, 世界!");
        Tokenizer neox = Vocabs.tokenizer("gpt-neox");
        assertThat(neox.vocabSize()).isEqualTo(50432);
        assertThat(neox.decode(neox.encode("Hello,   world!\n", false, false))).isEqualTo("Hello,   world!\n");
    }

    @Test
    void unsupportedTokenizerModelIsRejectedWithTheSupportedOnes() {
        var f = new MetadataOnlyGguf().string("tokenizer.ggml.model", "rwkv").strings("tokenizer.ggml.tokens", "a").open("rwkv.gguf");
        assertThatThrownBy(() -> Tokenizer.fromGguf(f)).isInstanceOf(TokenizerException.class)
                .hasMessageContaining("rwkv.gguf").hasMessageContaining("unsupported tokenizer.ggml.model 'rwkv'")
                .hasMessageContaining("llama (SentencePiece BPE)").hasMessageContaining("gpt2 (byte-level BPE)")
                .hasMessageContaining("bert (WordPiece)");
    }

    @Test
    void fileWithoutTokenizerIsRejected() {
        var f = new MetadataOnlyGguf().string("general.architecture", "llama").open("weights-only.gguf");
        assertThatThrownBy(() -> Tokenizer.fromGguf(f)).isInstanceOf(TokenizerException.class)
                .hasMessageContaining("weights-only.gguf").hasMessageContaining("tokenizer.ggml.model");
    }

    @Test
    void unsupportedPreTokenizerIsRejectedWithTheSupportedOnes() {
        var f = new MetadataOnlyGguf().string("tokenizer.ggml.model", "gpt2").string("tokenizer.ggml.pre", "kimi-k2")
                .strings("tokenizer.ggml.tokens", "a", "b", "ab").strings("tokenizer.ggml.merges", "a b").open("k2.gguf");
        assertThatThrownBy(() -> Tokenizer.fromGguf(f)).isInstanceOf(TokenizerException.class)
                .hasMessageContaining("k2.gguf").hasMessageContaining("'kimi-k2'")
                .hasMessageContaining("llama-bpe").hasMessageContaining("qwen2").hasMessageContaining("deepseek-coder");
    }

    @Test
    void addBosWithoutBosTokenIsRejected() {
        var f = new MetadataOnlyGguf().string("tokenizer.ggml.model", "gpt2").string("tokenizer.ggml.pre", "gpt-2")
                .strings("tokenizer.ggml.tokens", "a", "b", "ab").strings("tokenizer.ggml.merges", "a b")
                .bool("tokenizer.ggml.add_bos_token", true).open("nobos.gguf");
        assertThatThrownBy(() -> Tokenizer.fromGguf(f)).isInstanceOf(TokenizerException.class)
                .hasMessageContaining("tokenizer.ggml.add_bos_token is true, but tokenizer.ggml.bos_token_id is not set");
    }

    @Test
    void duplicateTokensAreRejected() {
        var f = new MetadataOnlyGguf().string("tokenizer.ggml.model", "llama").strings("tokenizer.ggml.tokens", "a", "b", "a").open("dup.gguf");
        assertThatThrownBy(() -> Tokenizer.fromGguf(f)).isInstanceOf(TokenizerException.class)
                .hasMessageContaining("duplicate token").hasMessageContaining("ids 0 and 2");
    }

    @Test
    void sentencePieceMergesByScoreAndFallsBackToBytes() {
        String[] tokens = new String[3 + 256 + 4];
        tokens[0] = "<unk>";
        tokens[1] = "<s>";
        tokens[2] = "</s>";
        for (int b = 0; b < 256; b++) tokens[3 + b] = String.format("<0x%02X>", b);
        tokens[259] = "▁";
        tokens[260] = "a";
        tokens[261] = "▁a";
        tokens[262] = "aa";
        float[] scores = new float[tokens.length];
        scores[261] = -1; // "▁a" is merged before "aa"
        scores[262] = -2;
        int[] types = new int[tokens.length];
        Arrays.fill(types, TokenType.NORMAL);
        types[0] = TokenType.UNKNOWN;
        types[1] = types[2] = TokenType.CONTROL;
        for (int b = 0; b < 256; b++) types[3 + b] = TokenType.BYTE;
        var f = new MetadataOnlyGguf().string("tokenizer.ggml.model", "llama").strings("tokenizer.ggml.tokens", tokens)
                .floats("tokenizer.ggml.scores", scores).ints("tokenizer.ggml.token_type", types).open("tiny-spm.gguf");
        Tokenizer t = Tokenizer.fromGguf(f);
        // " aaa" -> ▁ a a a -> (▁a) a a -> (▁a) (aa); "é" is no token: its two UTF-8 bytes
        assertThat(t.encode("aaaé", true, false)).containsExactly(1, 261, 262, 3 + 0xC3, 3 + 0xA9);
        assertThat(t.decode(t.encode("aaaé", false, false))).isEqualTo(" aaaé");
    }
}

/**
 * Tokenizers built from GGUF metadata that give exactly llama.cpp's token ids (src/llama-vocab.cpp, unicode.cpp).
 *
 * <p>{@link dev.jllm.engine.tokenizer.Tokenizer#fromGguf} reads the {@link dev.jllm.engine.tokenizer.Vocabulary}
 * (token texts, scores, types, special ids, add-BOS/EOS settings and the end-of-generation set, with llama.cpp's
 * defaults and text-based detections) and picks the tokenizer {@code tokenizer.ggml.model} names:
 * SentencePiece BPE ("llama"), byte-level BPE ("gpt2", with the pre-tokenizer {@code tokenizer.ggml.pre} names) or
 * WordPiece ("bert"). Encoding first cuts special tokens out of the text (llama.cpp's tokenizer_st_partition), then
 * tokenizes the pieces between. {@link dev.jllm.engine.tokenizer.StreamingDecoder} turns generated ids into text.
 *
 * <p>Byte-level pre-tokenizers run llama.cpp's regex lists: its two hand-written scanners (GPT-2, Llama 3) are
 * ported as such; the other regexes run on java.util.regex over the same "collapsed" text llama.cpp gives
 * std::regex, so that Unicode categories behave as they do there.
 *
 * <p>Where this can differ from llama.cpp, by design or because llama.cpp leaves it open:
 * <ul>
 *   <li>Unicode properties come from the JDK (Unicode 16 on Java 25), llama.cpp's tables from Unicode 15.1: code
 *       points first assigned in Unicode 16 are letters, digits, ... here and undefined there.</li>
 *   <li>Special tokens of equal length are searched for in id order; llama.cpp's order is unspecified
 *       (std::sort). It only matters when two such tokens overlap in the text.</li>
 *   <li>When several tokens qualify by their text as end-of-turn or fill-in-the-middle token, llama.cpp picks one
 *       in hash-map order, this the lowest id; the end-of-generation set is the same either way.</li>
 *   <li>GGUF strings are read as UTF-8, so a token text with invalid UTF-8 reads with U+FFFD in place of the bad
 *       bytes, and can neither be matched against text nor spell single bytes as llama.cpp could.</li>
 *   <li>Pre-tokenizers not listed by {@code PreTokenizer} (kimi-k2, afmoe, gemma4, superbpe, tiny_aya, ...), and
 *       the "t5" (UGM), "rwkv" and "plamo2" tokenizers, are rejected with an error naming the supported ones.</li>
 * </ul>
 */
package dev.jllm.engine.tokenizer;

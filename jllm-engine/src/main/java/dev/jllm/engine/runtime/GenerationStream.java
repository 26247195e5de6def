package dev.jllm.engine.runtime;

import dev.jllm.engine.runtime.Generator.FinishReason;
import dev.jllm.engine.sample.Sampler;
import dev.jllm.engine.sample.StopStrings;
import dev.jllm.engine.tokenizer.StreamingDecoder;
import dev.jllm.engine.tokenizer.TokenType;
import dev.jllm.engine.tokenizer.Tokenizer;
import java.util.Arrays;

/**
 * What happens to one sequence between two forward passes: the next token is sampled from the logits, then checked
 * for end-of-generation, decoded into complete UTF-8 characters, screened for stop strings and counted against the
 * token and context limits. {@link Generator} drives one stream with a {@link Session}; a server drives many, one per
 * sequence of a batch. Not thread-safe.
 */
public final class GenerationStream {

    /**
     * One sampled token: the text it releases (stop strings held back and removed), and why generation ended with
     * it, or null while it goes on. A token that ended generation as end-of-generation is not part of {@link #ids()}.
     */
    public record Step(int token, String text, FinishReason finishReason) {
        public boolean finished() {
            return finishReason != null;
        }
    }

    private final Tokenizer tokenizer;
    private final Generator.Options options;
    private final int promptLength;
    private final int contextSize;
    private final Sampler sampler;
    private final StreamingDecoder decoder;
    private final StopStrings stops;
    private boolean stripLeadingSpace;
    private int[] ids;
    private int count;
    private boolean finished;

    /**
     * @param contextSize the most tokens the sequence's KV cache holds; generation ends when the cache is full
     */
    public GenerationStream(Tokenizer tokenizer, int vocabSize, int[] promptIds, Generator.Options options, int contextSize) {
        this.tokenizer = tokenizer;
        this.options = options;
        this.promptLength = promptIds.length;
        this.contextSize = contextSize;
        this.sampler = new Sampler(options.sampling(), vocabSize);
        for (int id : promptIds) sampler.accept(id);
        this.decoder = new StreamingDecoder(tokenizer);
        this.stops = new StopStrings(options.stop());
        // llama.cpp's detokenizer drops the space that SentencePiece put before the first word of the text; when the
        // prompt holds no text (only BOS), that first word is generated here
        this.stripLeadingSpace = tokenizer.addsSpacePrefix()
                && Arrays.stream(promptIds).allMatch(id -> tokenizer.tokenType(id) == TokenType.CONTROL);
        this.ids = new int[Math.max(16, Math.min(options.maxTokens() < 0 ? 256 : options.maxTokens(), 4096))];
    }

    /** Samples the token that follows {@code logits} and says what it means for the stream. */
    public Step next(float[] logits) {
        if (finished) throw new IllegalStateException("the generation stream has already finished");
        int token = sampler.sample(logits);
        sampler.accept(token);
        if (!options.ignoreEos() && tokenizer.isEndOfGeneration(token)) return finish(token, "", FinishReason.STOP);
        if (count == ids.length) ids = Arrays.copyOf(ids, ids.length * 2);
        ids[count++] = token;
        // control tokens (BOS, EOS, chat markers) are not text; byte-fallback pieces may be half a character
        String piece = tokenizer.tokenType(token) == TokenType.CONTROL ? "" : decoder.next(token);
        if (stripLeadingSpace && !piece.isEmpty()) {
            if (piece.charAt(0) == ' ') piece = piece.substring(1);
            stripLeadingSpace = false;
        }
        StopStrings.Output out = stops.accept(piece);
        if (out.stopped()) {
            finished = true;
            return new Step(token, out.text(), FinishReason.STOP);
        }
        boolean limit = options.maxTokens() >= 0 && count >= options.maxTokens();
        // the cache holds the prompt and every generated token but this one, which needs no forward pass if it is the last
        boolean contextFull = promptLength + count - 1 >= contextSize;
        if (limit || contextFull) return finish(token, out.text(), FinishReason.LENGTH);
        return new Step(token, out.text(), null);
    }

    /** Ends the stream early (for example at a deadline) and returns the text still held back. */
    public String close() {
        if (finished) return "";
        finished = true;
        StopStrings.Output tail = stops.accept(decoder.flush());
        return tail.stopped() ? tail.text() : tail.text() + stops.finish();
    }

    /** The generated ids so far (without an end-of-generation token that stopped generation). */
    public int[] ids() {
        return Arrays.copyOf(ids, count);
    }

    public boolean finished() {
        return finished;
    }

    /** Releases the text held back by the decoder and the stop strings; a stop string found in it makes the reason STOP. */
    private Step finish(int token, String text, FinishReason reason) {
        finished = true;
        StopStrings.Output tail = stops.accept(decoder.flush());
        if (tail.stopped()) return new Step(token, text + tail.text(), FinishReason.STOP);
        return new Step(token, text + tail.text() + stops.finish(), reason);
    }
}

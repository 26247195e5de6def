package dev.jllm.engine.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Turns generated token ids into text as they arrive. A token can end in the middle of a UTF-8 character (byte
 * fallback, byte-level BPE), so bytes that may still become a character are held back until the next token
 * completes them. The pieces returned, followed by {@link #flush()}, add up to {@link Tokenizer#decode} of all ids.
 * Not thread-safe: one decoder per stream.
 */
public final class StreamingDecoder {
    private final Tokenizer tokenizer;
    private byte[] pending = new byte[16];
    private int n;

    public StreamingDecoder(Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** The text that {@code id} completes; empty while a character is still incomplete. */
    public String next(int id) {
        byte[] piece = tokenizer.vocabulary().pieceBytes(id);
        if (n + piece.length > pending.length) pending = Arrays.copyOf(pending, Math.max(pending.length * 2, n + piece.length));
        System.arraycopy(piece, 0, pending, n, piece.length);
        n += piece.length;
        int complete = Utf8.completePrefix(pending, n);
        String text = new String(pending, 0, complete, StandardCharsets.UTF_8);
        System.arraycopy(pending, complete, pending, 0, n - complete);
        n -= complete;
        return text;
    }

    /** Whatever is held back, decoded (an incomplete character becomes U+FFFD); the decoder is then empty. */
    public String flush() {
        String text = new String(pending, 0, n, StandardCharsets.UTF_8);
        n = 0;
        return text;
    }
}

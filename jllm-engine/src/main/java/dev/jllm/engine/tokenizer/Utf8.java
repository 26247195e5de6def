package dev.jllm.engine.tokenizer;

import java.nio.charset.StandardCharsets;

/** The UTF-8 facts the tokenizers need: what text llama.cpp would receive, and where a byte stream may be cut. */
final class Utf8 {
    private Utf8() {}

    /**
     * The text as llama.cpp would receive it: Java strings may hold unpaired surrogates, which UTF-8 cannot encode;
     * {@code String.getBytes} writes '?' for them, and so does this.
     */
    static String wellFormed(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isSurrogate(c)) {
                boolean paired = Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1));
                if (!paired) return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
                i++;
            }
        }
        return text;
    }

    /**
     * How many of the first {@code n} bytes can be decoded now: all but a trailing sequence that is still incomplete
     * (a lead byte followed by fewer continuation bytes than it announces). Anything else, valid or not, can be
     * decoded: more bytes could not change it.
     */
    static int completePrefix(byte[] bytes, int n) {
        for (int back = 1; back <= Math.min(3, n); back++) {
            int b = bytes[n - back] & 0xFF;
            if ((b & 0xC0) == 0x80) continue; // continuation byte: look further back for its lead
            int needed = b >= 0xF0 && b <= 0xF4 ? 4 : b >= 0xE0 ? (b < 0xF0 ? 3 : 1) : b >= 0xC2 ? 2 : 1;
            return needed > back ? n - back : n;
        }
        return n;
    }
}

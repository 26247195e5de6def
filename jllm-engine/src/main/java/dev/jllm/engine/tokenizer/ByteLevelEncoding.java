package dev.jllm.engine.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * GPT-2's reversible map between bytes and printable characters (bytes_to_unicode): printable Latin-1 bytes map
 * to themselves, the other 68 to U+0100.. in order. Byte-level BPE vocabularies spell every token with these
 * characters, so a space is "Ġ" (U+0120).
 */
final class ByteLevelEncoding {
    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final int[] CHAR_TO_BYTE = new int[0x144];

    static {
        Arrays.fill(CHAR_TO_BYTE, -1);
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) next++;
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = b;
        }
    }

    private ByteLevelEncoding() {}

    static char charOf(int b) {
        return BYTE_TO_CHAR[b & 0xFF];
    }

    /** The byte a character stands for, or -1 when it is not one of the 256 byte characters. */
    static int byteOf(int cp) {
        return cp >= 0 && cp < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[cp] : -1;
    }

    /** Appends the byte characters of {@code utf8[from, to)}. */
    static void encode(byte[] utf8, int from, int to, StringBuilder out) {
        for (int i = from; i < to; i++) out.append(BYTE_TO_CHAR[utf8[i] & 0xFF]);
    }

    /**
     * The bytes a token's text spells (llama_decode_text). A character outside the map becomes the text
     * {@code [UNK_BYTE_0x<hex of its UTF-8>TOKEN]}, as llama.cpp writes it.
     */
    static byte[] decode(String tokenText) {
        byte[] fast = new byte[tokenText.length()];
        for (int i = 0; i < fast.length; i++) {
            int b = byteOf(tokenText.charAt(i));
            if (b < 0) return decodeWithUnknown(tokenText);
            fast[i] = (byte) b;
        }
        return fast;
    }

    private static byte[] decodeWithUnknown(String tokenText) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(tokenText.length());
        tokenText.codePoints().forEach(cp -> {
            int b = byteOf(cp);
            if (b >= 0) {
                out.write(b);
            } else {
                StringBuilder unk = new StringBuilder("[UNK_BYTE_0x");
                for (byte x : Character.toString(cp).getBytes(StandardCharsets.UTF_8)) unk.append(String.format("%02x", x & 0xFF));
                out.writeBytes(unk.append(tokenText).append(']').toString().getBytes(StandardCharsets.UTF_8));
            }
        });
        return out.toByteArray();
    }
}

package dev.jllm.engine.tokenizer;

import java.text.Normalizer;

/**
 * The per-code-point properties llama.cpp's tokenizers use (unicode.cpp / unicode-data.cpp): one general-category
 * flag, the White_Space property, lower-casing and the first code point of the canonical decomposition.
 *
 * <p>llama.cpp generates its tables from Python's Unicode 15.1 data; this class reads the JDK's (Unicode 16 on
 * Java 25). The two agree except on the code points first assigned in Unicode 16, which llama.cpp sees as
 * undefined.
 */
final class UnicodeProperties {
    // bit layout of llama.cpp's unicode_cpt_flags
    static final int UNDEFINED = 0x0001;
    static final int NUMBER = 0x0002;
    static final int LETTER = 0x0004;
    static final int SEPARATOR = 0x0008;
    static final int ACCENT_MARK = 0x0010;
    static final int PUNCTUATION = 0x0020;
    static final int SYMBOL = 0x0040;
    static final int CONTROL = 0x0080;
    static final int CATEGORIES = 0x00FF;
    static final int WHITESPACE = 0x0100;

    private UnicodeProperties() {}

    /** The flags of {@code cp}: exactly one category bit, plus {@link #WHITESPACE}; 0 outside 0..0x10FFFF. */
    static int flags(int cp) {
        if (cp < 0 || cp > Character.MAX_CODE_POINT) return 0;
        int category = switch (Character.getType(cp)) {
            case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER -> NUMBER;
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                 Character.MODIFIER_LETTER, Character.OTHER_LETTER -> LETTER;
            case Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> SEPARATOR;
            case Character.NON_SPACING_MARK, Character.ENCLOSING_MARK, Character.COMBINING_SPACING_MARK -> ACCENT_MARK;
            case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                 Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
                 Character.OTHER_PUNCTUATION -> PUNCTUATION;
            case Character.MATH_SYMBOL, Character.CURRENCY_SYMBOL, Character.MODIFIER_SYMBOL, Character.OTHER_SYMBOL -> SYMBOL;
            case Character.CONTROL, Character.FORMAT, Character.PRIVATE_USE, Character.SURROGATE -> CONTROL;
            default -> UNDEFINED; // Cn
        };
        return isWhitespace(cp) ? category | WHITESPACE : category;
    }

    /** Unicode's White_Space property (the list in llama.cpp's unicode-data.cpp). */
    static boolean isWhitespace(int cp) {
        return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680
                || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F
                || cp == 0x3000;
    }

    /** First code point of the full lower-case mapping (Python's {@code c.lower()[0]}). */
    static int toLower(int cp) {
        return Character.toLowerCase(cp); // the simple mapping: equal to the first of the full mapping
    }

    /** First code point of the canonical decomposition (Python's {@code unicodedata.normalize('NFD', c)[0]}). */
    static int nfdFirst(int cp) {
        if (cp < 0xC0) return cp; // nothing below U+00C0 decomposes canonically
        String s = Character.toString(cp);
        return Normalizer.isNormalized(s, Normalizer.Form.NFD) ? cp : Normalizer.normalize(s, Normalizer.Form.NFD).codePointAt(0);
    }
}

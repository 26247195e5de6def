package dev.jllm.engine.tokenizer;

import static dev.jllm.engine.tokenizer.UnicodeProperties.LETTER;
import static dev.jllm.engine.tokenizer.UnicodeProperties.NUMBER;
import static dev.jllm.engine.tokenizer.UnicodeProperties.WHITESPACE;

/**
 * Llama 3's pre-tokenizer regex
 * {@code (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+}
 * as the hand-written scanner llama.cpp uses for it (unicode_regex_split_custom_llama3).
 */
final class Llama3Split implements SplitRule.PerChunk {
    /** The two spellings for which llama.cpp uses this scanner instead of std::regex. */
    static final String REGEX = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    static final String REGEX_ADAPTED = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    @Override
    public void scan(Chunk t, IntList out) {
        int pos = t.ini();
        int prevEnd = t.ini();
        while (pos < t.end()) {
            int cpt = t.cpt(pos);
            int flags = t.flags(pos);
            if (cpt == '\'' && pos + 1 < t.end()) { // (?i:'s|'t|'re|'ve|'m|'ll|'d)
                int next = UnicodeProperties.toLower(t.cpt(pos + 1));
                if (next == 's' || next == 't' || next == 'm' || next == 'd') {
                    prevEnd = Chunk.add(out, prevEnd, pos + 2);
                    pos += 2;
                    continue;
                }
                if (pos + 2 < t.end()) {
                    int nextNext = UnicodeProperties.toLower(t.cpt(pos + 2));
                    if ((next == 'r' && nextNext == 'e') || (next == 'v' && nextNext == 'e') || (next == 'l' && nextNext == 'l')) {
                        prevEnd = Chunk.add(out, prevEnd, pos + 3);
                        pos += 3;
                        continue;
                    }
                }
            }
            if (!(cpt == '\r' || cpt == '\n' || (flags & NUMBER) != 0)) { // [^\r\n\p{L}\p{N}]?\p{L}+
                if ((flags & LETTER) != 0 || (t.flags(pos + 1) & LETTER) != 0) {
                    pos++;
                    while ((t.flags(pos) & LETTER) != 0) pos++;
                    prevEnd = Chunk.add(out, prevEnd, pos);
                    continue;
                }
            }
            if ((flags & NUMBER) != 0) { // \p{N}{1,3}
                int ini = pos;
                while ((t.flags(pos) & NUMBER) != 0) {
                    if (++pos - ini >= 3) {
                        prevEnd = Chunk.add(out, prevEnd, pos);
                        ini = pos;
                    }
                }
                prevEnd = Chunk.add(out, prevEnd, pos);
                continue;
            }
            // <space>?[^\s\p{L}\p{N}]+[\r\n]*  (llama.cpp tests the unshifted flags for the "defined" check)
            int flags2 = cpt == ' ' ? t.flags(pos + 1) : flags;
            if ((flags2 & (WHITESPACE | LETTER | NUMBER)) == 0 && flags != 0) {
                if (cpt == ' ') pos++;
                while ((flags2 & (WHITESPACE | LETTER | NUMBER)) == 0 && flags2 != 0) flags2 = t.flags(++pos);
                int cpt2 = t.cpt(pos);
                while (cpt2 == '\r' || cpt2 == '\n') cpt2 = t.cpt(++pos);
                prevEnd = Chunk.add(out, prevEnd, pos);
                continue;
            }
            int whitespaces = 0;
            int lastEndOfLine = 0;
            while ((t.flags(pos + whitespaces) & WHITESPACE) != 0) {
                int cpt2 = t.cpt(pos + whitespaces);
                if (cpt2 == '\r' || cpt2 == '\n') lastEndOfLine = pos + whitespaces + 1;
                whitespaces++;
            }
            if (lastEndOfLine > 0) { // \s*[\r\n]+
                pos = lastEndOfLine;
                prevEnd = Chunk.add(out, prevEnd, pos);
                continue;
            }
            if (whitespaces > 1 && t.cpt(pos + whitespaces) != Chunk.OUT_OF_RANGE) { // \s+(?!\S)
                pos += whitespaces - 1;
                prevEnd = Chunk.add(out, prevEnd, pos);
                continue;
            }
            if (whitespaces > 0) { // \s+
                pos += whitespaces;
                prevEnd = Chunk.add(out, prevEnd, pos);
                continue;
            }
            prevEnd = Chunk.add(out, prevEnd, ++pos); // no match
        }
    }
}

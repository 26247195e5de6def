package dev.jllm.engine.tokenizer;

import static dev.jllm.engine.tokenizer.UnicodeProperties.LETTER;
import static dev.jllm.engine.tokenizer.UnicodeProperties.NUMBER;
import static dev.jllm.engine.tokenizer.UnicodeProperties.WHITESPACE;

/**
 * GPT-2's pre-tokenizer regex {@code 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+}
 * as the hand-written scanner llama.cpp uses for it (unicode_regex_split_custom_gpt2).
 */
final class Gpt2Split implements SplitRule.PerChunk {
    static final String REGEX = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)";

    @Override
    public void scan(Chunk t, IntList out) {
        int pos = t.ini();
        int prevEnd = t.ini();
        while (pos < t.end()) {
            int cpt = t.cpt(pos);
            int flags = t.flags(pos);
            if (cpt == '\'' && pos + 1 < t.end()) {
                int next = t.cpt(pos + 1);
                if (next == 's' || next == 't' || next == 'm' || next == 'd') {
                    prevEnd = Chunk.add(out, prevEnd, pos + 2);
                    pos += 2;
                    continue;
                }
                if (pos + 2 < t.end()) {
                    int nextNext = t.cpt(pos + 2);
                    if ((next == 'r' && nextNext == 'e') || (next == 'v' && nextNext == 'e') || (next == 'l' && nextNext == 'l')) {
                        prevEnd = Chunk.add(out, prevEnd, pos + 3);
                        pos += 3;
                        continue;
                    }
                }
            }
            int flags2 = cpt == ' ' ? t.flags(pos + 1) : flags;
            if ((flags2 & LETTER) != 0) { // <space>?\p{L}+
                if (cpt == ' ') pos++;
                while ((flags2 & LETTER) != 0) flags2 = t.flags(++pos);
                prevEnd = Chunk.add(out, prevEnd, pos);
                continue;
            }
            if ((flags2 & NUMBER) != 0) { // <space>?\p{N}+
                if (cpt == ' ') pos++;
                while ((flags2 & NUMBER) != 0) flags2 = t.flags(++pos);
                prevEnd = Chunk.add(out, prevEnd, pos);
                continue;
            }
            if ((flags2 & (WHITESPACE | LETTER | NUMBER)) == 0 && flags2 != 0) { // <space>?[^\s\p{L}\p{N}]+
                if (cpt == ' ') pos++;
                while ((flags2 & (WHITESPACE | LETTER | NUMBER)) == 0 && flags2 != 0) flags2 = t.flags(++pos);
                prevEnd = Chunk.add(out, prevEnd, pos);
                continue;
            }
            int whitespaces = 0;
            while ((t.flags(pos + whitespaces) & WHITESPACE) != 0) whitespaces++;
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

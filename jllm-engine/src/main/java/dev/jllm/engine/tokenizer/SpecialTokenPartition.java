package dev.jllm.engine.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts text at the special tokens it contains (llama.cpp's tokenizer_st_partition): every occurrence of a control,
 * user-defined or unknown token's text becomes that token, longest tokens first; the pieces between go on to the
 * tokenizer. Without {@code parseSpecial} only user-defined tokens are cut out, so "&lt;s&gt;" stays plain text.
 */
final class SpecialTokenPartition {
    /** A piece of the partitioned text: a token, or text still to tokenize. */
    record Fragment(int token, String text) {
        boolean isToken() {
            return text == null;
        }
    }

    private SpecialTokenPartition() {}

    static List<Fragment> partition(Vocabulary vocab, String text, boolean parseSpecial) {
        List<Fragment> fragments = new ArrayList<>();
        if (!text.isEmpty()) fragments.add(new Fragment(Vocabulary.NONE, text));
        for (int id : vocab.specialTokensLongestFirst()) {
            int attrs = vocab.attrs(id);
            if (!parseSpecial && (attrs & (TokenAttributes.CONTROL | TokenAttributes.UNKNOWN)) != 0) continue;
            String special = vocab.text(id);
            List<Fragment> next = null;
            for (int f = 0; f < fragments.size(); f++) {
                Fragment fragment = fragments.get(f);
                if (fragment.isToken() || !fragment.text().contains(special)) {
                    if (next != null) next.add(fragment);
                    continue;
                }
                if (next == null) next = new ArrayList<>(fragments.subList(0, f));
                cut(fragment.text(), id, special, attrs, next);
            }
            if (next != null) fragments = next;
        }
        return fragments;
    }

    private static void cut(String text, int id, String special, int attrs, List<Fragment> out) {
        int from = 0;
        int match;
        while ((match = text.indexOf(special, from)) >= 0) {
            int leftEnd = match;
            if ((attrs & TokenAttributes.LSTRIP) != 0) {
                while (leftEnd > from && isSpace(text.charAt(leftEnd - 1))) leftEnd--;
            }
            if (leftEnd > from) out.add(new Fragment(Vocabulary.NONE, text.substring(from, leftEnd)));
            out.add(new Fragment(id, null));
            from = match + special.length();
            if ((attrs & TokenAttributes.RSTRIP) != 0) {
                while (from < text.length() && isSpace(text.charAt(from))) from++;
            }
        }
        if (from < text.length()) out.add(new Fragment(Vocabulary.NONE, text.substring(from)));
    }

    /** C's isspace in the "C" locale, which llama.cpp uses to strip around tokens. */
    private static boolean isSpace(char c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }
}

package dev.jllm.engine.tokenizer;

import static dev.jllm.engine.tokenizer.UnicodeProperties.ACCENT_MARK;
import static dev.jllm.engine.tokenizer.UnicodeProperties.CATEGORIES;
import static dev.jllm.engine.tokenizer.UnicodeProperties.LETTER;
import static dev.jllm.engine.tokenizer.UnicodeProperties.NUMBER;
import static dev.jllm.engine.tokenizer.UnicodeProperties.PUNCTUATION;
import static dev.jllm.engine.tokenizer.UnicodeProperties.SYMBOL;
import static dev.jllm.engine.tokenizer.UnicodeProperties.WHITESPACE;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One pre-tokenizer regex run the way llama.cpp runs the regexes it has no hand-written scanner for
 * (unicode_regex_split with std::regex): each match and each gap between matches becomes a chunk.
 *
 * <p>C++'s std::regex knows no Unicode categories, so llama.cpp "collapses" the text: every non-ASCII code point
 * is replaced by one stand-in character for its category (letters by 0xD2, digits by 0xD1, ...), and
 * {@code \p{L}} in the regex by a class of that stand-in plus its ASCII members. A regex without categories runs on
 * the code points themselves. Either way non-ASCII whitespace becomes U+000B, because std::regex's {@code \s} only
 * knows ASCII. This class builds the same text and the same regex, and runs it with java.util.regex, whose
 * semantics agree with ECMAScript's for these patterns (ordered alternation, greedy quantifiers, lookahead;
 * {@code $} is translated to {@code \z}, and matches stop at the chunk's end).
 */
final class RegexSplit implements SplitRule {
    private static final Map<String, Integer> CATEGORY_OF = Map.of(
            "\\p{N}", NUMBER, "\\p{L}", LETTER, "\\p{P}", PUNCTUATION, "\\p{M}", ACCENT_MARK, "\\p{S}", SYMBOL,
            "\\p{Lu}", LETTER, "\\p{Ll}", LETTER, "\\p{Lt}", LETTER, "\\p{Lm}", LETTER, "\\p{Lo}", LETTER);

    private final String source;
    private final Pattern pattern;
    private final boolean collapsed;

    RegexSplit(String llamaCppRegex) {
        this.source = llamaCppRegex;
        this.collapsed = CATEGORY_OF.keySet().stream().anyMatch(llamaCppRegex::contains);
        String java = endAnchors(collapsed ? collapseRegex(llamaCppRegex) : llamaCppRegex);
        try {
            this.pattern = Pattern.compile(java);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("pre-tokenizer regex " + llamaCppRegex + " does not translate: " + e.getMessage(), e);
        }
    }

    /** The stand-in llama.cpp uses for a category (k_ucat_cpt). */
    private static char standIn(int category) {
        return switch (category) {
            case NUMBER -> 0xD1;
            case LETTER -> 0xD2;
            case PUNCTUATION -> 0xD3;
            case ACCENT_MARK -> 0xD4;
            case SYMBOL -> 0xD5;
            default -> 0xD0;
        };
    }

    /** The ASCII members of a category, as class ranges (k_ucat_map). */
    private static String asciiMembers(int category) {
        return switch (category) {
            case NUMBER -> "0-9";
            case LETTER -> "A-Za-z";
            case PUNCTUATION -> "!-#%-*,-/:-;?-@\\[-\\]_\\{\\}";
            case SYMBOL -> "\\$\\+<->^`\\|";
            default -> "";
        };
    }

    /** llama.cpp's regex collapse: {@code \p{X}} becomes {@code [<stand-in><ASCII members>]}, without brackets inside a class. */
    static String collapseRegex(String regex) {
        for (int i = 0; i < regex.length(); i++) {
            if (regex.charAt(i) >= 128) {
                throw new IllegalArgumentException("regex mixes Unicode categories and non-ASCII characters: " + regex);
            }
        }
        StringBuilder out = new StringBuilder();
        boolean inside = false;
        for (int i = 0; i < regex.length(); i++) {
            char c = regex.charAt(i);
            if (c == '[' && (i == 0 || regex.charAt(i - 1) != '\\')) {
                out.append('[');
                inside = true;
                continue;
            }
            if (inside && c == ']' && regex.charAt(i - 1) != '\\') {
                out.append(']');
                inside = false;
                continue;
            }
            if (c == '\\' && i + 3 < regex.length() && regex.charAt(i + 1) == 'p' && regex.charAt(i + 2) == '{') {
                int close = regex.indexOf('}', i + 3);
                Integer category = close >= 0 && close <= i + 10 ? CATEGORY_OF.get(regex.substring(i, close + 1)) : null;
                if (category != null) {
                    if (!inside) out.append('[');
                    out.append(standIn(category)).append(asciiMembers(category));
                    if (!inside) out.append(']');
                    i = close;
                    continue;
                }
            }
            out.append(c);
        }
        return out.toString();
    }

    /** ECMAScript's {@code $} (no multiline) matches only at the end; Java's also before a final line break. */
    private static String endAnchors(String regex) {
        StringBuilder out = new StringBuilder();
        boolean inside = false;
        for (int i = 0; i < regex.length(); i++) {
            char c = regex.charAt(i);
            if (c == '\\' && i + 1 < regex.length()) {
                out.append(c).append(regex.charAt(++i));
                continue;
            }
            if (c == '[') inside = true;
            else if (c == ']') inside = false;
            out.append(!inside && c == '$' ? "\\z" : String.valueOf(c));
        }
        return out.toString();
    }

    @Override
    public IntList split(int[] cps, IntList chunkLengths) {
        // the text the regex runs on, and where each code point starts in it
        StringBuilder subject = new StringBuilder(cps.length);
        int[] charStart = new int[cps.length + 1];
        for (int i = 0; i < cps.length; i++) {
            charStart[i] = subject.length();
            int cp = cps[i];
            int flags = UnicodeProperties.flags(cp);
            if (cp < 128) subject.append((char) cp);
            else if ((flags & WHITESPACE) != 0) subject.append('\u000B');
            else if (collapsed) subject.append(standIn(flags & CATEGORIES));
            else subject.appendCodePoint(cp);
        }
        charStart[cps.length] = subject.length();
        boolean oneCharPerCp = subject.length() == cps.length;

        IntList out = new IntList(chunkLengths.size() * 4);
        Matcher m = pattern.matcher(subject);
        m.useTransparentBounds(false).useAnchoringBounds(true);
        int start = 0;
        for (int c = 0; c < chunkLengths.size(); c++) {
            int end = start + chunkLengths.get(c);
            m.region(charStart[start], charStart[end]);
            int prev = start;
            while (m.find()) {
                if (m.end() == m.start()) continue; // none of the supported regexes matches empty
                int ms = oneCharPerCp ? m.start() : cpIndex(charStart, m.start());
                int me = oneCharPerCp ? m.end() : cpIndex(charStart, m.end());
                if (ms > prev) out.add(ms - prev);
                out.add(me - ms);
                prev = me;
            }
            if (prev < end) out.add(end - prev);
            start = end;
        }
        return out;
    }

    private static int cpIndex(int[] charStart, int charIndex) {
        int i = java.util.Arrays.binarySearch(charStart, charIndex);
        return i >= 0 ? i : -i - 1;
    }

    @Override
    public String toString() {
        return source;
    }
}

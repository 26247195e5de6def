package dev.jllm.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Rewrites Jinja2 template source into the dialect Jinjava parses the same way, for the places where the two
 * differ on templates that models ship:
 * <ul>
 *   <li>one trailing newline is dropped ({@code keep_trailing_newline=False});</li>
 *   <li>{@code lstrip_blocks} removes only whitespace that starts a line before {@code {%} or {@code {#}
 *       (Jinjava's own option also strips spaces after other text, as in {@code "x: {% if %}"});</li>
 *   <li>{@code not} binds looser than comparisons, as in Python: {@code not a in b} means {@code not (a in b)}
 *       (Jinjava binds it to {@code a}); the operand is made explicit with parentheses;</li>
 *   <li>keyword arguments take their whole value: {@code namespace(i=xs|length - 1)} means
 *       {@code i=(xs|length - 1)} (Jinjava binds {@code =} tighter than {@code -});</li>
 *   <li>{@code xs[::-1]} becomes {@code xs|reverse|list} (Jinjava has no slice step).</li>
 * </ul>
 * Text outside tags, string literals and comments is copied unchanged.
 */
final class JinjaDialect {
    private JinjaDialect() {}

    static String toJinjava(String source) {
        if (source.endsWith("\n")) source = source.substring(0, source.length() - 1);
        StringBuilder out = new StringBuilder(source.length() + 64);
        int i = 0;
        int n = source.length();
        while (i < n) {
            int tag = nextTagStart(source, i);
            if (tag < 0) {
                out.append(source, i, n);
                break;
            }
            String text = source.substring(i, tag);
            char kind = source.charAt(tag + 1);
            boolean lstrip = kind != '{' && tag + 2 < n && source.charAt(tag + 2) != '-' && source.charAt(tag + 2) != '+';
            out.append(lstrip ? stripLineIndent(text, i == 0 || source.charAt(i - 1) == '\n') : text);
            if (kind == '#') {
                int end = source.indexOf("#}", tag + 2);
                if (end < 0) end = n - 2;
                out.append(source, tag, end + 2);
                i = end + 2;
                continue;
            }
            int end = tagEnd(source, tag + 2, kind == '{' ? '}' : '%');
            if (end < 0) { // unclosed: leave it to the parser to report
                out.append(source, tag, n);
                break;
            }
            int bodyFrom = tag + 2;
            if (bodyFrom < end && (source.charAt(bodyFrom) == '-' || source.charAt(bodyFrom) == '+')) bodyFrom++;
            int bodyTo = end;
            if (bodyTo > bodyFrom && (source.charAt(bodyTo - 1) == '-' || source.charAt(bodyTo - 1) == '+')) bodyTo--;
            String body = source.substring(bodyFrom, bodyTo);
            out.append(source, tag, bodyFrom).append(rewriteExpression(body)).append(source, bodyTo, end + 2);
            i = end + 2;
            if (kind == '%' && body.strip().equals("raw")) { // copy the raw block untouched
                int endRaw = source.indexOf("endraw", i);
                int close = endRaw < 0 ? -1 : source.indexOf("%}", endRaw);
                if (close < 0) {
                    out.append(source, i, n);
                    break;
                }
                int open = source.lastIndexOf("{%", endRaw);
                out.append(source, i, open);
                i = open;
            }
        }
        return out.toString();
    }

    /** The filters ({@code x|name}) and tests ({@code x is name}, {@code x is not name}) the template uses. */
    record Usage(Set<String> filters, Set<String> tests) {}

    static Usage usage(String source) {
        Set<String> filters = new java.util.TreeSet<>();
        Set<String> tests = new java.util.TreeSet<>();
        for (int tag = nextTagStart(source, 0); tag >= 0; ) {
            char kind = source.charAt(tag + 1);
            if (kind == '#') {
                int end = source.indexOf("#}", tag + 2);
                if (end < 0) break;
                tag = nextTagStart(source, end + 2);
                continue;
            }
            int end = tagEnd(source, tag + 2, kind == '{' ? '}' : '%');
            if (end < 0) break;
            List<Token> tokens = tokenize(source.substring(tag + 2, end));
            for (int k = 0; k + 1 < tokens.size(); k++) {
                String s = tokens.get(k).text();
                Token next = tokens.get(k + 1);
                if (s.equals("|") && next.name()) filters.add(next.text());
                if (s.equals("is") && tokens.get(k).name() && next.name()) {
                    if (!next.text().equals("not")) tests.add(next.text());
                    else if (k + 2 < tokens.size() && tokens.get(k + 2).name()) tests.add(tokens.get(k + 2).text());
                }
            }
            tag = nextTagStart(source, end + 2);
        }
        return new Usage(filters, tests);
    }

    private static int nextTagStart(String s, int from) {
        for (int i = s.indexOf('{', from); i >= 0 && i + 1 < s.length(); i = s.indexOf('{', i + 1)) {
            char c = s.charAt(i + 1);
            if (c == '{' || c == '%' || c == '#') return i;
        }
        return -1;
    }

    /** Index of the closing {@code }}} or {@code %}} of a tag body starting at {@code from}, skipping strings. */
    private static int tagEnd(String s, int from, char closer) {
        for (int i = from; i + 1 < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\'' || c == '"') {
                i = stringEnd(s, i);
                if (i < 0) return -1;
            } else if (c == closer && s.charAt(i + 1) == '}') {
                return i;
            }
        }
        return -1;
    }

    /** Index of the quote closing the string literal opened at {@code open}, or -1. */
    private static int stringEnd(String s, int open) {
        char quote = s.charAt(open);
        for (int i = open + 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') i++;
            else if (c == quote) return i;
        }
        return -1;
    }

    /** lstrip_blocks: drops the spaces and tabs that stand between a line start and the tag. */
    private static String stripLineIndent(String text, boolean startsLine) {
        int lineStart = text.lastIndexOf('\n') + 1;
        if (lineStart == 0 && !startsLine) return text;
        for (int i = lineStart; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != ' ' && c != '\t') return text;
        }
        return text.substring(0, lineStart);
    }

    private record Token(int from, int to, String text, boolean name) {}

    private static final Set<String> ENDS_NOT_OPERAND = Set.of("and", "or", "if", "else");

    /** Rewrites one tag body: explicit {@code not (...)} operands and {@code [::-1]}. */
    static String rewriteExpression(String body) {
        List<Token> tokens = tokenize(body);
        if (tokens.isEmpty()) return body;
        String[] before = new String[tokens.size()]; // opening parentheses inserted before token i
        String[] after = new String[tokens.size()]; // closing parentheses inserted after token i
        String[] replace = new String[tokens.size()];
        for (int k = 0; k < tokens.size(); k++) {
            Token t = tokens.get(k);
            if (isReversedSlice(tokens, k)) {
                replace[k] = "|reverse|list";
                for (int j = 1; j < 6; j++) replace[k + j] = "";
                k += 5;
                continue;
            }
            if (isKeywordArgument(tokens, k)) { // f(name=value): Jinjava would bind "=" tighter than the value
                int end = argumentEnd(tokens, k + 2);
                if (end == k + 2) continue;
                before[k + 2] = (before[k + 2] == null ? "" : before[k + 2]) + "(";
                after[end - 1] = (after[end - 1] == null ? "" : after[end - 1]) + ")";
                continue;
            }
            if (!t.name() || !t.text().equals("not")) continue;
            if (k > 0 && tokens.get(k - 1).text().equals("is")) continue; // "is not" test
            if (k + 1 < tokens.size() && tokens.get(k + 1).text().equals("in")) continue; // "not in" operator
            int end = notOperandEnd(tokens, k + 1);
            if (end == k + 1) continue;
            before[k + 1] = (before[k + 1] == null ? "" : before[k + 1]) + "(";
            after[end - 1] = (after[end - 1] == null ? "" : after[end - 1]) + ")";
        }
        StringBuilder out = new StringBuilder(body.length() + 8);
        int at = 0;
        for (int k = 0; k < tokens.size(); k++) {
            Token t = tokens.get(k);
            out.append(body, at, t.from());
            if (before[k] != null) out.append(before[k]);
            out.append(replace[k] != null ? replace[k] : t.text());
            if (after[k] != null) out.append(after[k]);
            at = t.to();
        }
        out.append(body.substring(at));
        return out.toString();
    }

    /** The token index where the operand of a {@code not} starting at {@code from} ends (exclusive). */
    private static int notOperandEnd(List<Token> tokens, int from) {
        int depth = 0;
        for (int j = from; j < tokens.size(); j++) {
            Token t = tokens.get(j);
            String s = t.text();
            if (!t.name() && (s.equals("(") || s.equals("[") || s.equals("{"))) {
                depth++;
            } else if (!t.name() && (s.equals(")") || s.equals("]") || s.equals("}"))) {
                if (depth == 0) return j;
                depth--;
            } else if (depth == 0 && ((t.name() && ENDS_NOT_OPERAND.contains(s)) || (!t.name() && s.equals(",")))) {
                return j;
            }
        }
        return tokens.size();
    }

    /** Token k is the name of a keyword argument: preceded by "(" or ",", followed by a lone "=". */
    private static boolean isKeywordArgument(List<Token> tokens, int k) {
        if (!tokens.get(k).name() || k == 0 || k + 2 >= tokens.size()) return false;
        String previous = tokens.get(k - 1).text();
        Token eq = tokens.get(k + 1);
        Token next = tokens.get(k + 2);
        boolean lone = eq.text().equals("=") && !(next.text().equals("=") && next.from() == eq.to());
        return (previous.equals("(") || previous.equals(",")) && lone && insideParentheses(tokens, k);
    }

    private static boolean insideParentheses(List<Token> tokens, int k) {
        int depth = 0;
        for (int j = k - 1; j >= 0; j--) {
            String s = tokens.get(j).text();
            if (s.equals(")") || s.equals("]") || s.equals("}")) depth++;
            else if (s.equals("[") || s.equals("{")) depth--;
            else if (s.equals("(")) {
                if (depth == 0) return true;
                depth--;
            }
        }
        return false;
    }

    /** The token index where an argument starting at {@code from} ends: the next "," or ")" at its level. */
    private static int argumentEnd(List<Token> tokens, int from) {
        int depth = 0;
        for (int j = from; j < tokens.size(); j++) {
            String s = tokens.get(j).text();
            if (s.equals("(") || s.equals("[") || s.equals("{")) depth++;
            else if (s.equals(")") || s.equals("]") || s.equals("}")) {
                if (depth == 0) return j;
                depth--;
            } else if (depth == 0 && s.equals(",")) return j;
        }
        return tokens.size();
    }

    private static boolean isReversedSlice(List<Token> tokens, int k) {
        String[] pattern = {"[", ":", ":", "-", "1", "]"};
        if (k + pattern.length > tokens.size()) return false;
        for (int j = 0; j < pattern.length; j++) {
            if (!tokens.get(k + j).text().equals(pattern[j])) return false;
        }
        return true;
    }

    /** Names, numbers, string literals and single-character operators, with their positions. */
    private static List<Token> tokenize(String s) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '\'' || c == '"') {
                int end = stringEnd(s, i);
                int to = end < 0 ? s.length() : end + 1;
                tokens.add(new Token(i, to, s.substring(i, to), false));
                i = to;
            } else if (Character.isLetter(c) || c == '_') {
                int j = i + 1;
                while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) j++;
                tokens.add(new Token(i, j, s.substring(i, j), true));
                i = j;
            } else if (Character.isDigit(c)) {
                int j = i + 1;
                while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '.')) j++;
                tokens.add(new Token(i, j, s.substring(i, j), false));
                i = j;
            } else {
                tokens.add(new Token(i, i + 1, String.valueOf(c), false));
                i++;
            }
        }
        return tokens;
    }
}

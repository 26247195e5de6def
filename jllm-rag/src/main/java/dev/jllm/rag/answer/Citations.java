package dev.jllm.rag.answer;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The {@code [n]} citations in an answer's text. */
final class Citations {
    private static final Pattern CITATION = Pattern.compile("\\[(\\d{1,3})\\]");

    private Citations() {}

    /** The distinct source numbers cited, in order of first citation, among 1..{@code sources}. */
    static List<Integer> in(String text, int sources) {
        List<Integer> out = new ArrayList<>();
        Matcher m = CITATION.matcher(text);
        while (m.find()) {
            int n = Integer.parseInt(m.group(1));
            if (n >= 1 && n <= sources && !out.contains(n)) out.add(n);
        }
        return out;
    }
}

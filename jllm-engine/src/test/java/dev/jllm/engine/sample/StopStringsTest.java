package dev.jllm.engine.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class StopStringsTest {

    /** Feeds the pieces and returns what was emitted, with "|" between calls and the stop string at the end. */
    private static String stream(List<String> stops, String... pieces) {
        StopStrings s = new StopStrings(stops);
        StringBuilder out = new StringBuilder();
        for (String piece : pieces) {
            StopStrings.Output o = s.accept(piece);
            out.append(o.text()).append('|');
            if (o.stopped()) return out.append("STOP ").append(o.stop()).toString();
        }
        return out.append("END ").append(s.finish()).toString();
    }

    @Test
    void stopsAtTheStopStringAndDropsIt() {
        assertThat(stream(List.of("###"), "Hello ### world")).isEqualTo("Hello |STOP ###");
    }

    /** Overlapping stop strings: the one that completes first ends the text, whether it came in one piece or two. */
    @Test
    void theStopStringThatCompletesFirstWins() {
        assertThat(stream(List.of("a", "ba#"), "ba", "#")).isEqualTo("b|STOP a");
        assertThat(stream(List.of("a", "ba#"), "ba#")).isEqualTo("b|STOP a");
        // completing at the same character, the one that starts earlier
        assertThat(stream(List.of("b", "ab"), "xab")).isEqualTo("x|STOP ab");
    }

    @Test
    void holdsBackAPossibleStartAcrossPieces() {
        assertThat(stream(List.of("###"), "Hello", " #", "#", "# world")).isEqualTo("Hello| |||STOP ###");
    }

    @Test
    void releasesHeldTextWhenTheStopStringDoesNotFollow() {
        assertThat(stream(List.of("###"), "a#", "#b", "c")).isEqualTo("a|##b|c|END ");
        assertThat(stream(List.of("</s>"), "the end </")).isEqualTo("the end |END </");
    }

    @Test
    void theEarliestOfSeveralStopStringsWins() {
        assertThat(stream(List.of("</s>", "User:"), "fooUser: bar</s>")).isEqualTo("foo|STOP User:");
        assertThat(stream(List.of("abc", "bcd"), "xab", "cd")).isEqualTo("x||STOP abc");
        assertThat(stream(List.of("abcd", "ab"), "xabcd")).isEqualTo("x|STOP ab");
    }

    @Test
    void holdsTheLongestPossibleStartOfAnyStopString() {
        // "b" could start "bcd" and "ab" could start "abc": hold "ab"
        assertThat(stream(List.of("abc", "bcd"), "xab", "x")).isEqualTo("x|abx|END ");
    }

    @Test
    void stopStringsMayHoldUnicode() {
        assertThat(stream(List.of("。\n"), "答案是四", "。", "\n更多")).isEqualTo("答案是四|||STOP 。\n");
        String stopSign = "\uD83D\uDED1"; // U+1F6D1, a surrogate pair
        assertThat(stream(List.of(stopSign), "ok \uD83D", "\uDED1 more")).isEqualTo("ok ||STOP " + stopSign);
    }

    @Test
    void neverSplitsASurrogatePair() {
        // the piece ends between the two halves of U+1F600; the high half waits for its partner
        assertThat(stream(List.of("x"), "a\uD83D", "\uDE00b")).isEqualTo("a|\uD83D\uDE00b|END ");
    }

    @Test
    void misuseIsReportedClearly() {
        assertThatThrownBy(() -> new StopStrings(List.of("ok", ""))).hasMessageContaining("stop string 1 is empty");
        StopStrings s = new StopStrings(List.of("END"));
        s.accept("xEND");
        assertThat(s.stopped()).isTrue();
        assertThat(s.finish()).isEmpty();
        assertThatThrownBy(() -> s.accept("more")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("\"END\"");
    }

    @Test
    void noStopStringsPassesTextStraightThrough() {
        assertThat(stream(List.of(), "a", "b")).isEqualTo("a|b|END ");
    }

    /**
     * However the text is cut into pieces, the emitted text is exactly the text before the first stop string to
     * complete (or all of it), and nothing emitted before the end ever contains or passes a stop string.
     */
    @Property(tries = 500)
    void anyChunkingEmitsTheTextBeforeTheFirstStop(@ForAll("cases") Case c) {
        StopStrings s = new StopStrings(c.stops());
        StringBuilder emitted = new StringBuilder();
        boolean stopped = false;
        int consumed = 0;
        for (String piece : c.pieces()) {
            StopStrings.Output o = s.accept(piece);
            consumed += piece.length();
            emitted.append(o.text());
            String expectedSoFar = c.expected();
            assertThat(expectedSoFar).startsWith(emitted.toString());
            if (o.stopped()) {
                stopped = true;
                break;
            }
            assertThat(emitted.length()).isLessThanOrEqualTo(consumed);
        }
        if (!stopped) emitted.append(s.finish());
        assertThat(emitted.toString()).isEqualTo(c.expected());
        assertThat(stopped).isEqualTo(c.expectStop());
    }

    record Case(List<String> stops, List<String> pieces, String expected, boolean expectStop) {}

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<String> small = Arbitraries.strings().withChars("ab#é\uD83D\uDE00").ofMinLength(1).ofMaxLength(4)
                .filter(StopStringsTest::wellFormed);
        Arbitrary<List<String>> stops = small.list().ofMinSize(1).ofMaxSize(3);
        Arbitrary<String> text = Arbitraries.strings().withChars("ab#é\uD83D\uDE00").ofMaxLength(30)
                .filter(StopStringsTest::wellFormed);
        Arbitrary<List<Integer>> cuts = Arbitraries.integers().between(0, 30).list().ofMaxSize(8);
        return Combinators.combine(stops, text, cuts).as((st, t, cs) -> {
            List<String> pieces = new ArrayList<>();
            int from = 0;
            for (int cut : cs.stream().sorted().distinct().toList()) {
                if (cut > from && cut < t.length()) {
                    pieces.add(t.substring(from, cut));
                    from = cut;
                }
            }
            pieces.add(t.substring(from));
            // the stop string that completes first (ends earliest; at the same end, starts earliest) ends the text
            int first = -1, firstEnd = -1;
            for (String stop : st) {
                int i = t.indexOf(stop);
                if (i < 0) continue;
                int end = i + stop.length();
                if (first < 0 || end < firstEnd || (end == firstEnd && i < first)) {
                    first = i;
                    firstEnd = end;
                }
            }
            return new Case(st, pieces, first < 0 ? t : t.substring(0, first), first >= 0);
        });
    }

    /** Only text with whole surrogate pairs, as a detokenizer produces. */
    private static boolean wellFormed(String s) {
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (Character.isHighSurrogate(ch)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) return false;
                i++;
            } else if (Character.isLowSurrogate(ch)) {
                return false;
            }
        }
        return true;
    }
}

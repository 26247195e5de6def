package dev.jllm.engine.sample;

import java.util.List;
import java.util.Objects;

/**
 * Watches streamed text for stop strings, the way llama-server and vLLM do: text is released as soon as it cannot
 * be the start of a stop string, and generation ends at the first stop string to complete, which is not part of the
 * output.
 *
 * <p>Feed each decoded piece to {@link #accept}; it returns the text that is safe to show now. A suffix that could
 * still grow into a stop string is held back until the next piece decides it. When generation ends without a stop
 * string, {@link #finish} releases what is held. Not thread-safe.
 */
public final class StopStrings {
    private final List<String> stops;
    private final StringBuilder pending = new StringBuilder();
    private String matched;

    /** What one call released: {@code text} to emit, and the stop string that ended generation, if one did. */
    public record Output(String text, String stop) {
        public boolean stopped() {
            return stop != null;
        }
    }

    public StopStrings(List<String> stops) {
        Objects.requireNonNull(stops, "stop strings");
        for (int i = 0; i < stops.size(); i++) {
            String s = stops.get(i);
            if (s == null || s.isEmpty()) throw new IllegalArgumentException("stop string " + i + " is empty");
        }
        this.stops = List.copyOf(stops);
    }

    /** Consumes the next piece of generated text. */
    public Output accept(String piece) {
        Objects.requireNonNull(piece, "generated text");
        if (matched != null) {
            throw new IllegalStateException("text arrived after the stop string " + quote(matched) + " ended generation");
        }
        pending.append(piece);
        // Everything before the held suffix was already checked, so a stop string can only start inside pending.
        // The stop string that completes first wins (at the same end, the one that starts earlier), as if the text
        // came character by character: so the result never depends on how the text was cut into pieces.
        int at = -1;
        String found = null;
        for (String stop : stops) {
            int i = pending.indexOf(stop);
            if (i < 0) continue;
            int end = i + stop.length(), foundEnd = at + (found == null ? 0 : found.length());
            if (found == null || end < foundEnd || (end == foundEnd && i < at)) {
                at = i;
                found = stop;
            }
        }
        if (found != null) {
            matched = found;
            String text = pending.substring(0, at);
            pending.setLength(0);
            return new Output(text, found);
        }
        int keep = heldSuffixLength();
        String text = pending.substring(0, pending.length() - keep);
        pending.delete(0, pending.length() - keep);
        return new Output(text, null);
    }

    /** Ends the stream: returns the held-back text (empty once a stop string matched). */
    public String finish() {
        String rest = pending.toString();
        pending.setLength(0);
        return rest;
    }

    public boolean stopped() {
        return matched != null;
    }

    /**
     * The length of the longest suffix of pending that is a proper prefix of a stop string, extended so that a
     * surrogate pair is never split between released and held text.
     */
    private int heldSuffixLength() {
        int n = pending.length();
        int keep = 0;
        for (String stop : stops) {
            for (int len = Math.min(stop.length() - 1, n); len > keep; len--) {
                if (regionMatches(n - len, stop, len)) {
                    keep = len;
                    break;
                }
            }
        }
        if (keep < n && Character.isHighSurrogate(pending.charAt(n - keep - 1))) keep++;
        return keep;
    }

    private boolean regionMatches(int from, String stop, int len) {
        for (int i = 0; i < len; i++) {
            if (pending.charAt(from + i) != stop.charAt(i)) return false;
        }
        return true;
    }

    private static String quote(String s) {
        return '"' + s.replace("\n", "\\n") + '"';
    }
}

package dev.jllm.rag.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A condition on chunk metadata that searches must meet. Keys are metadata keys ({@code type}, {@code page},
 * {@code headings}, ...) or the chunk fields {@code source} and {@code document_id}; values compare as exact strings.
 */
public sealed interface Filter {
    record Equals(String key, String value) implements Filter {
        public Equals {
            Objects.requireNonNull(key, "filter key");
            Objects.requireNonNull(value, "filter value");
        }
    }

    record In(String key, Set<String> values) implements Filter {
        public In {
            Objects.requireNonNull(key, "filter key");
            values = Set.copyOf(values);
            if (values.isEmpty()) throw new IllegalArgumentException("filter '" + key + "' lists no values");
        }
    }

    record And(List<Filter> all) implements Filter {
        public And {
            all = List.copyOf(all);
        }
    }

    record Or(List<Filter> any) implements Filter {
        public Or {
            any = List.copyOf(any);
        }
    }

    record Not(Filter filter) implements Filter {
        public Not {
            Objects.requireNonNull(filter);
        }
    }

    /** Whether a chunk meets the filter (stores compile filters into their own queries; this is the definition). */
    default boolean test(Chunk chunk) {
        return switch (this) {
            case Equals e -> e.value().equals(value(chunk, e.key()));
            case In in -> in.values().contains(value(chunk, in.key()));
            case And and -> and.all().stream().allMatch(f -> f.test(chunk));
            case Or or -> or.any().stream().anyMatch(f -> f.test(chunk));
            case Not not -> !not.filter().test(chunk);
        };
    }

    private static String value(Chunk chunk, String key) {
        return switch (key) {
            case "source" -> chunk.source();
            case "document_id" -> chunk.documentId();
            default -> chunk.metadata().get(key);
        };
    }

    /**
     * Parses the command-line form: conditions separated by {@code ,} must all hold; each is {@code key=value},
     * {@code key=v1|v2} (any of), or {@code key!=value}.
     */
    static Filter parse(String expression) {
        List<Filter> all = new ArrayList<>();
        for (String part : expression.split(",")) {
            String p = part.strip();
            if (p.isEmpty()) continue;
            boolean negated = p.contains("!=");
            int at = negated ? p.indexOf("!=") : p.indexOf('=');
            if (at <= 0) throw new IllegalArgumentException("filter '" + p + "' is not key=value, key=a|b or key!=value");
            String key = p.substring(0, at).strip();
            String value = p.substring(at + (negated ? 2 : 1)).strip();
            Filter f = value.contains("|") ? new In(key, Set.of(value.split("\\|"))) : new Equals(key, value);
            all.add(negated ? new Not(f) : f);
        }
        if (all.isEmpty()) throw new IllegalArgumentException("empty filter '" + expression + "'");
        return all.size() == 1 ? all.getFirst() : new And(all);
    }
}

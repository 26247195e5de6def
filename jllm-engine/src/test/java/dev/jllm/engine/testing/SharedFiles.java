package dev.jllm.engine.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Locates the project's shared test data (models, vocab vectors, golden outputs) in {@code ../shared}, or where
 * {@code JLLM_SHARED} points. Tests skip with a clear message when it is absent, and fail instead when {@code CI}
 * is set, so that CI can never pass by skipping.
 */
public final class SharedFiles {
    private SharedFiles() {}

    public static Path root() {
        String env = System.getenv("JLLM_SHARED");
        Path p = env != null ? Path.of(env) : Path.of("..", "shared");
        if (!Files.isDirectory(p) && env == null) p = Path.of("..", "..", "shared");
        if (!Files.isDirectory(p)) {
            String msg = "shared test data not found at " + p.toAbsolutePath().normalize()
                    + " (set JLLM_SHARED or place shared/ beside the checkout)";
            if (System.getenv("CI") != null) throw new AssertionError(msg);
            Assumptions.abort(msg);
        }
        return p.toAbsolutePath().normalize();
    }

    /** A file under the shared folder; fails (or skips outside CI) when it is missing. */
    public static Path file(String relative) {
        Path p = root().resolve(relative);
        if (!Files.exists(p)) {
            String msg = "missing shared test file " + p;
            if (System.getenv("CI") != null) throw new AssertionError(msg);
            Assumptions.abort(msg);
        }
        return p;
    }
}

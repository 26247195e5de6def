package dev.jllm.engine.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Regenerates the synthetic GGUF models of the golden files with {@code shared/tools/gen_synthetic_gguf.py} (they
 * are too large to store), caching them under {@code target/synthetic-models} by their sha256. Skips (fails in CI)
 * when python3 with numpy is missing; fails when the regenerated file does not have the expected hash.
 */
public final class SyntheticModels {
    private static final Path CACHE = Path.of("target", "synthetic-models");

    private SyntheticModels() {}

    public static synchronized Path generate(String expectedSha256, List<String> args) {
        Path out = CACHE.resolve(expectedSha256 + ".gguf").toAbsolutePath();
        if (Files.exists(out)) return out;
        Path script = SharedFiles.file("tools/gen_synthetic_gguf.py");
        try {
            Files.createDirectories(CACHE);
            Path tmp = Files.createTempFile(CACHE, "gen", ".gguf.tmp");
            List<String> cmd = new ArrayList<>(List.of("python3", script.toString()));
            cmd.addAll(args);
            cmd.addAll(List.of("-o", tmp.toString()));
            Process p;
            try {
                p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            } catch (IOException e) {
                return unavailable("python3 is not installed: " + e.getMessage());
            }
            String log = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                Files.deleteIfExists(tmp);
                if (log.contains("No module named 'numpy'")) return unavailable("python3 has no numpy");
                throw new AssertionError("gen_synthetic_gguf.py " + args + " failed:\n" + log);
            }
            String sha = sha256(tmp);
            if (!sha.equals(expectedSha256)) {
                Files.deleteIfExists(tmp);
                throw new AssertionError("gen_synthetic_gguf.py " + args + " wrote sha256 " + sha + ", expected " + expectedSha256);
            }
            Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
            return out;
        } catch (IOException | InterruptedException e) {
            throw new AssertionError("cannot generate synthetic model " + args, e);
        }
    }

    private static Path unavailable(String why) {
        String msg = "cannot regenerate synthetic models: " + why;
        if (System.getenv("CI") != null) throw new AssertionError(msg);
        Assumptions.abort(msg);
        return null;
    }

    public static String sha256(Path p) throws IOException {
        try (var in = Files.newInputStream(p)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int r; (r = in.read(buf)) > 0; ) md.update(buf, 0, r);
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

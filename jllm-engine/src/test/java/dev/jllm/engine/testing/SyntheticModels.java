package dev.jllm.engine.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Models written by the shared generator {@code tools/gen_synthetic_gguf.py} (deterministic random weights; see
 * golden/README.md), generated on first use and cached in {@code target/synthetic-models} under a name derived from
 * the generator's content and the arguments. Needs python3 with numpy: without them tests skip, and fail when
 * {@code CI} is set.
 */
public final class SyntheticModels {
    private static final Path CACHE = Path.of("target", "synthetic-models");
    /** The Python that runs the generator: JLLM_PYTHON (set by .ci/run when the default python3 lacks numpy), else python3. */
    public static final String PYTHON = System.getenv().getOrDefault("JLLM_PYTHON", "python3");
    private static final long TIMEOUT_MINUTES = 10;

    private SyntheticModels() {}

    /** The model {@code gen_synthetic_gguf.py ARGS -o FILE} writes (without {@code -o}). */
    public static Path synthetic(String... args) {
        return generate(null, args);
    }

    /** Like {@link #synthetic}, and checks that the file's SHA-256 is {@code expectedSha256} (hex). */
    public static Path syntheticWithSha256(String expectedSha256, String... args) {
        return generate(expectedSha256.toLowerCase(), args);
    }

    private static synchronized Path generate(String expectedSha256, String... args) {
        Path script = SharedFiles.file("tools/gen_synthetic_gguf.py");
        try {
            Path target = CACHE.resolve("gen-" + cacheKey(script, args) + ".gguf").toAbsolutePath();
            if (Files.exists(target) && (expectedSha256 == null || sha256(target).equals(expectedSha256))) return target;
            requirePython();
            Files.createDirectories(CACHE);
            Path tmp = Files.createTempFile(CACHE, "gen-", ".gguf.tmp");
            List<String> command = new ArrayList<>(List.of(PYTHON, script.toString()));
            command.addAll(List.of(args));
            command.addAll(List.of("-o", tmp.toString()));
            Path log = Files.createTempFile(CACHE, "gen-", ".log");
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            boolean finished = p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES);
            if (!finished) p.destroyForcibly().waitFor();
            String output = Files.readString(log, StandardCharsets.UTF_8);
            Files.deleteIfExists(log);
            if (!finished || p.exitValue() != 0) {
                Files.deleteIfExists(tmp);
                throw new AssertionError("gen_synthetic_gguf.py " + String.join(" ", args)
                        + (finished ? " failed (exit " + p.exitValue() + ")" : " took over " + TIMEOUT_MINUTES + " minutes") + ":\n" + output);
            }
            if (expectedSha256 != null) {
                String actual = sha256(tmp);
                if (!actual.equals(expectedSha256)) {
                    Files.deleteIfExists(tmp);
                    throw new AssertionError("gen_synthetic_gguf.py " + String.join(" ", args) + " wrote a file with SHA-256 "
                            + actual + ", expected " + expectedSha256);
                }
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while generating a synthetic model", e);
        }
    }

    private static void requirePython() throws InterruptedException {
        String problem;
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import numpy").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            problem = p.waitFor(1, TimeUnit.MINUTES) && p.exitValue() == 0 ? null : PYTHON + " cannot import numpy";
        } catch (IOException e) {
            problem = PYTHON + " is not available (" + e.getMessage() + ")";
        }
        if (problem == null) return;
        String msg = problem + ": cannot generate synthetic models with tools/gen_synthetic_gguf.py";
        if (System.getenv("CI") != null) throw new AssertionError(msg);
        Assumptions.abort(msg);
    }

    private static String cacheKey(Path script, String... args) throws IOException {
        MessageDigest d = sha256Digest();
        d.update(Files.readAllBytes(script));
        for (String a : args) {
            d.update((byte) 0);
            d.update(a.getBytes(StandardCharsets.UTF_8));
        }
        return HexFormat.of().formatHex(d.digest()).substring(0, 16);
    }

    /** Hex SHA-256 of a file. */
    public static String sha256(Path file) throws IOException {
        MessageDigest d = sha256Digest();
        byte[] buf = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            for (int r; (r = in.read(buf)) > 0; ) d.update(buf, 0, r);
        }
        return HexFormat.of().formatHex(d.digest());
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

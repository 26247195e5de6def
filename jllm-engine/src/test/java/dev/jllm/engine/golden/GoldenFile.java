package dev.jllm.engine.golden;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jllm.engine.testing.SharedFiles;
import dev.jllm.engine.testing.SyntheticModels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One llama.cpp golden file from {@code shared/golden} and the model it was made with. The model is found by its
 * sha256 among the GGUF files in {@code shared/models}, or regenerated with the {@code gen_synthetic_gguf.py}
 * command that the file's description records (and its sha256 checked), so that new golden files work unchanged.
 */
public record GoldenFile(String name, JsonNode json) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Path> MODEL_BY_SHA = new ConcurrentHashMap<>();
    private static final Map<Path, String> SHA_OF_SHARED = new ConcurrentHashMap<>();
    private static final Pattern HASHED_COMMAND = Pattern.compile("model_sha256 is of [^(]*\\((--[^)]*)\\)");
    private static final Pattern GEN_COMMAND = Pattern.compile("gen_synthetic_gguf\\.py ((?:--?[\\w-]+(?: [^-)\\s][^\\s)]*)? ?)+)");

    public static List<GoldenFile> all() {
        Path dir = SharedFiles.file("golden");
        try (Stream<Path> files = Files.list(dir)) {
            List<GoldenFile> out = new ArrayList<>();
            for (Path p : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                out.add(new GoldenFile(p.getFileName().toString(), JSON.readTree(p.toFile())));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<GoldenFile> withGeneration() {
        return all().stream().filter(g -> g.json.path("generation").size() > 0 || g.json.path("logits").size() > 0).toList();
    }

    public String sha256() {
        return json.path("model_sha256").asText();
    }

    @Override
    public String toString() {
        return name;
    }

    /** The model file this golden file was computed from. */
    public Path model() {
        return MODEL_BY_SHA.computeIfAbsent(sha256(), sha -> {
            Path found = findInShared(sha);
            if (found != null) return found;
            String description = json.path("model_description").asText();
            // a tokenizer-only file may name, after "model_sha256", the smaller command its hash belongs to
            Matcher hashed = HASHED_COMMAND.matcher(description);
            Matcher m = hashed.find() ? hashed : GEN_COMMAND.matcher(description);
            if (m != hashed && !m.find()) {
                throw new AssertionError(name + ": model " + sha + " is not in shared/models and no generator command is recorded");
            }
            List<String> args = new ArrayList<>(Arrays.asList(m.group(1).trim().split(" ")));
            int o = args.indexOf("-o");
            if (o >= 0) args.subList(o, Math.min(o + 2, args.size())).clear();
            return SyntheticModels.syntheticWithSha256(sha, args.toArray(String[]::new));
        });
    }

    private static String hash(Path p) {
        try {
            return SyntheticModels.sha256(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path findInShared(String sha) {
        try (Stream<Path> files = Files.walk(SharedFiles.file("models"))) {
            for (Path p : files.filter(f -> f.toString().endsWith(".gguf")).toList()) {
                if (SHA_OF_SHARED.computeIfAbsent(p, GoldenFile::hash).equals(sha)) return p;
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}

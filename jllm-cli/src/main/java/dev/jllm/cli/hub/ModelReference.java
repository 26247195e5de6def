package dev.jllm.cli.hub;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a {@code -m MODEL} option names: a GGUF file on disk, or a Hugging Face repository with an optional file or
 * quantization, as llama.cpp's {@code -hf} and Ollama's {@code hf.co/...} take them:
 * <pre>
 *   models/x.gguf                          a local file, used as is
 *   owner/repo                             the repository's Q4_K_M file (else Q4_0, Q8_0, else its only .gguf)
 *   owner/repo:Q8_0                        the .gguf whose name holds Q8_0 (any case)
 *   owner/repo:sub/model-f16.gguf          that file
 *   hf.co/owner/repo:Q4_K_M                the same, with the prefix Ollama users write
 * </pre>
 * {@link #resolve(String)} turns one into a local path, from the cache when the file is there, else by downloading it.
 *
 * @param repo  "owner/name"
 * @param file  a file path in the repository, or null
 * @param quant a quantization name such as Q4_K_M, or null
 */
public record ModelReference(String repo, String file, String quant) {
    /** Owner, repository and quantization names: what the hub allows in names. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final String[] PREFIXES = {"https://huggingface.co/", "http://huggingface.co/", "huggingface.co/",
            "https://hf.co/", "hf.co/", "hf://"};

    public ModelReference {
        if (!isRepo(repo)) throw new HubException("'" + repo + "' is not a Hugging Face repository name (owner/name)");
        if (file != null && quant != null) throw new IllegalArgumentException("a file or a quantization, not both");
        if (file != null) checkRepoPath(file);
    }

    /** The reference {@code text} spells, or empty when it is not one (then it can only be a file path). */
    public static Optional<ModelReference> parse(String text) {
        String s = text.strip();
        for (String prefix : PREFIXES) {
            if (s.regionMatches(true, 0, prefix, 0, prefix.length())) {
                s = s.substring(prefix.length());
                break;
            }
        }
        int colon = s.indexOf(':');
        String repo = colon < 0 ? s : s.substring(0, colon);
        String selector = colon < 0 ? null : s.substring(colon + 1);
        if (!isRepo(repo)) return Optional.empty();
        if (selector == null || selector.isEmpty()) return Optional.of(new ModelReference(repo, null, null));
        if (selector.toLowerCase(Locale.ROOT).endsWith(".gguf")) return Optional.of(new ModelReference(repo, selector, null));
        if (!NAME.matcher(selector).matches()) return Optional.empty();
        return Optional.of(new ModelReference(repo, null, selector));
    }

    private static boolean isRepo(String repo) {
        if (repo == null) return false;
        int slash = repo.indexOf('/');
        if (slash < 0 || repo.indexOf('/', slash + 1) >= 0) return false;
        String owner = repo.substring(0, slash);
        String name = repo.substring(slash + 1);
        return NAME.matcher(owner).matches() && NAME.matcher(name).matches() && !name.contains("..") && !owner.contains("..");
    }

    /** Rejects repository paths that could leave the cache folder or that no hub would list. */
    static String checkRepoPath(String path) {
        boolean bad = path.isEmpty() || path.startsWith("/") || path.contains("\\") || path.contains("//")
                || path.chars().anyMatch(c -> c < 0x20 || c == 0x7F);
        for (String part : path.split("/")) bad |= part.equals("..") || part.equals(".");
        if (bad) throw new HubException("'" + path + "' is not a valid file path in a repository");
        return path;
    }

    /**
     * The local path of {@code modelOrReference}: an existing file as is; otherwise a hub reference, from the cache or
     * downloaded into it (progress on stderr). Settings come from the environment (see {@link HubSettings}).
     */
    public static Path resolve(String modelOrReference) {
        try (HubClient hub = new HubClient(HubSettings.fromEnvironment(), new PrintWriter(System.err, true))) {
            return resolve(modelOrReference, hub);
        }
    }

    static Path resolve(String modelOrReference, HubClient hub) {
        Path local = null;
        try {
            local = Path.of(modelOrReference);
        } catch (InvalidPathException notAPath) {
            // may still be a reference
        }
        if (local != null && Files.isRegularFile(local)) return local;
        if (local != null && Files.isDirectory(local)) throw new HubException(modelOrReference + " is a directory, not a GGUF file");
        Optional<ModelReference> parsed = parse(modelOrReference);
        if (modelOrReference.toLowerCase(Locale.ROOT).endsWith(".gguf") && (parsed.isEmpty() || parsed.get().file == null)) {
            throw new HubException("no such file: " + modelOrReference);
        }
        ModelReference ref = parsed.orElseThrow(() -> new HubException("no such file: " + modelOrReference
                + " (nor is it a Hugging Face reference such as owner/repo, owner/repo:Q4_K_M or owner/repo:file.gguf)"));
        return hub.cached(ref).orElseGet(() -> hub.pull(ref));
    }

    /** The reference as the user would write it. */
    @Override
    public String toString() {
        return repo + (file != null ? ":" + file : quant != null ? ":" + quant : "");
    }
}

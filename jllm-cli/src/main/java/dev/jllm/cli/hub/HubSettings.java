package dev.jllm.cli.hub;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where models come from and where they are kept: the hub endpoint ({@code HF_ENDPOINT}, default
 * https://huggingface.co), an access token for gated or private repositories ({@code HF_TOKEN}), and the cache
 * folder ({@code JLLM_CACHE}, default ~/.cache/jllm), which holds {@code models/<owner>/<repo>/<file>}.
 */
public record HubSettings(URI endpoint, String token, Path cacheDir) {
    public static final URI DEFAULT_ENDPOINT = URI.create("https://huggingface.co");

    public HubSettings {
        String e = endpoint.toString();
        if (e.endsWith("/")) endpoint = URI.create(e.substring(0, e.length() - 1));
        if (!"http".equals(endpoint.getScheme()) && !"https".equals(endpoint.getScheme())) {
            throw new HubException("HF_ENDPOINT must be an http(s) URL, not '" + e + "'");
        }
        if (token != null && token.isBlank()) token = null;
    }

    public static HubSettings fromEnvironment() {
        return from(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    static HubSettings from(Map<String, String> env, Path home) {
        String endpoint = env.getOrDefault("HF_ENDPOINT", "");
        String cache = env.getOrDefault("JLLM_CACHE", "");
        URI uri;
        try {
            uri = endpoint.isBlank() ? DEFAULT_ENDPOINT : new URI(endpoint.strip());
        } catch (URISyntaxException e) {
            throw new HubException("HF_ENDPOINT must be an http(s) URL, not '" + endpoint + "'");
        }
        return new HubSettings(uri, env.get("HF_TOKEN"), cache.isBlank() ? home.resolve(".cache").resolve("jllm") : Path.of(cache));
    }

    /** The folder that holds the cached files of {@code repo} ("owner/name"). */
    public Path repoDir(String repo) {
        return cacheDir.resolve("models").resolve(repo);
    }
}

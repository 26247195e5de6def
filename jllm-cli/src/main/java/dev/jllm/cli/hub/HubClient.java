package dev.jllm.cli.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Lists and downloads files of Hugging Face model repositories (or a hub at another endpoint that answers the same
 * two requests) into the local cache. Downloads go to {@code <file>.part}, resume with a Range request after an
 * interruption (three attempts per call; a later call resumes too), are checked against the size and SHA-256 the hub
 * lists, and only then take their final name.
 */
public final class HubClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");
    private static final Pattern NEXT_LINK = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");
    private static final int MAX_REDIRECTS = 10;
    private static final int ATTEMPTS = 3;
    private static final int BUFFER_BYTES = 1 << 20;

    private final HubSettings settings;
    private final PrintWriter log;
    private final boolean terminal;
    private final Duration retryDelay;
    private final HttpClient http;

    /** Progress and notes go to {@code log}, which should be stderr: when that is a terminal, progress is redrawn in place. */
    public HubClient(HubSettings settings, PrintWriter log) {
        this(settings, log, DownloadProgress.stderrIsTerminal(), Duration.ofSeconds(2));
    }

    HubClient(HubSettings settings, PrintWriter log, boolean terminal, Duration retryDelay) {
        this.settings = settings;
        this.log = log;
        this.terminal = terminal;
        this.retryDelay = retryDelay;
        // redirects are followed by hand, so that the token goes to the hub only and never to a CDN
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(30)).build();
    }

    /** The cached file {@code ref} means, if one is there, without asking the hub. */
    public Optional<Path> cached(ModelReference ref) {
        Path dir = settings.repoDir(ref.repo());
        if (ref.file() != null) {
            Path p = dir.resolve(ref.file());
            return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
        }
        if (!Files.isDirectory(dir)) return Optional.empty();
        List<HubFile> local;
        try (Stream<Path> walk = Files.walk(dir)) {
            local = walk.filter(Files::isRegularFile).filter(p -> p.getFileName().toString().endsWith(".gguf"))
                    .map(p -> new HubFile(dir.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/"), -1, null))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            return Optional.of(dir.resolve(GgufSelector.select(ref, local).path()));
        } catch (HubException noUniqueChoice) {
            return Optional.empty(); // the hub's listing decides
        }
    }

    /** Asks the hub for the file {@code ref} means and downloads it unless the cache holds it. */
    public Path pull(ModelReference ref) {
        HubFile file = GgufSelector.select(ref, listFiles(ref.repo()));
        return download(ref.repo(), file);
    }

    /** The files of {@code repo} on its main branch, in every folder (a listing may come in pages). */
    public List<HubFile> listFiles(String repo) {
        URI uri = URI.create(settings.endpoint() + "/api/models/" + repo + "/tree/main?recursive=true");
        List<HubFile> files = new ArrayList<>();
        while (uri != null) {
            try {
                HttpResponse<InputStream> r = get(uri, Map.of());
                try (InputStream body = r.body()) {
                    if (r.statusCode() != 200) throw statusError(r, repo, null);
                    JsonNode list = JSON.readTree(body);
                    if (list == null || !list.isArray()) throw new HubException("unexpected answer from " + uri + ": not a list of files");
                    for (JsonNode n : list) {
                        if (!"file".equals(n.path("type").asText())) continue;
                        JsonNode lfs = n.path("lfs");
                        long size = lfs.has("size") ? lfs.get("size").asLong() : n.path("size").asLong(-1);
                        String oid = lfs.path("oid").asText(null);
                        files.add(new HubFile(n.path("path").asText(), size, oid != null && SHA256.matcher(oid).matches() ? oid : null));
                    }
                }
                uri = nextPage(r, uri);
            } catch (IOException e) {
                throw new HubException("cannot list the files of " + repo + ": " + e.getMessage(), e);
            }
        }
        return files;
    }

    private static URI nextPage(HttpResponse<?> r, URI current) {
        for (String link : r.headers().allValues("Link")) {
            Matcher m = NEXT_LINK.matcher(link);
            if (m.find()) return current.resolve(m.group(1));
        }
        return null;
    }

    /** Downloads {@code file} of {@code repo} into the cache, unless it is there already; returns its path. */
    public Path download(String repo, HubFile file) {
        Path dir = settings.repoDir(repo);
        Path target = dir.resolve(ModelReference.checkRepoPath(file.path())).normalize();
        if (!target.startsWith(dir.normalize())) throw new HubException("'" + file.path() + "' is not a valid file path in a repository");
        try {
            if (Files.isRegularFile(target) && (file.size() < 0 || Files.size(target) == file.size())) {
                log.println("jllm: " + repo + "/" + file.path() + " is in the cache");
                return target;
            }
            Files.createDirectories(target.getParent());
            Path part = target.resolveSibling(target.getFileName() + ".part");
            try (FileChannel ch = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
                 FileLock lock = lock(ch)) {
                if (lock == null) throw new HubException("another download of " + file.path() + " into " + part + " is running");
                URI uri = URI.create(settings.endpoint() + "/" + repo + "/resolve/main/" + encodePath(file.path()));
                transferWithRetries(uri, ch, repo, file, part);
            } catch (HubException e) {
                if (Files.size(part) == 0) Files.delete(part); // nothing worth resuming
                throw e;
            }
            verify(part, repo, file);
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException e) {
            throw new HubException("cannot store " + file.path() + " in " + dir + ": " + e, e);
        }
    }

    private static FileLock lock(FileChannel ch) throws IOException {
        try {
            return ch.tryLock();
        } catch (OverlappingFileLockException inThisProcess) {
            return null;
        }
    }

    private void transferWithRetries(URI uri, FileChannel ch, String repo, HubFile file, Path part) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                transfer(uri, ch, repo, file);
                return;
            } catch (IOException e) {
                if (attempt == ATTEMPTS) {
                    throw new HubException("download of " + repo + "/" + file.path() + " failed " + ATTEMPTS + " times (" + e
                            + "); run the command again to resume: " + ch.size() + " bytes are kept in " + part, e);
                }
                log.println("jllm: download interrupted (" + describe(e) + "); resuming, attempt " + (attempt + 1) + " of " + ATTEMPTS);
                sleep(retryDelay.multipliedBy(attempt));
            }
        }
    }

    /** One request: appends to what {@code ch} holds, or starts over when the server does not resume. */
    private void transfer(URI uri, FileChannel ch, String repo, HubFile file) throws IOException {
        long have = ch.size();
        if (file.size() >= 0 && have > file.size()) {
            ch.truncate(0);
            have = 0;
        }
        if (file.size() >= 0 && have == file.size()) return; // complete from an earlier run
        HttpResponse<InputStream> r = get(uri, have > 0 ? Map.of("Range", "bytes=" + have + "-") : Map.of());
        try (InputStream in = r.body()) {
            int status = r.statusCode();
            long total = file.size();
            if (status == 416 && have > 0) {
                ch.truncate(0);
                throw new IOException("the server cannot resume at byte " + have + " (HTTP 416), starting over");
            } else if (status == 206 && have > 0) {
                Matcher m = CONTENT_RANGE.matcher(r.headers().firstValue("Content-Range").orElse(""));
                if (!m.matches() || Long.parseLong(m.group(1)) != have) {
                    ch.truncate(0);
                    throw new IOException("the server resumed at the wrong place (Content-Range: "
                            + r.headers().firstValue("Content-Range").orElse("none") + "), starting over");
                }
                if (total < 0 && !m.group(3).equals("*")) total = Long.parseLong(m.group(3));
            } else if (status == 200) {
                if (have > 0) log.println("jllm: the server does not resume downloads; starting over");
                ch.truncate(0);
                have = 0;
                if (total < 0) total = r.headers().firstValueAsLong("Content-Length").orElse(-1);
            } else {
                throw statusError(r, repo, file.path());
            }
            DownloadProgress progress = new DownloadProgress(log, terminal, repo + "/" + file.path(), total, have);
            long position = have;
            byte[] buffer = new byte[BUFFER_BYTES];
            for (int n; (n = in.read(buffer)) > 0; ) {
                ByteBuffer bb = ByteBuffer.wrap(buffer, 0, n);
                while (bb.hasRemaining()) position += ch.write(bb, position);
                progress.update(position);
            }
            progress.finish(position);
            if (total >= 0 && position < total) throw new IOException("the connection closed after " + position + " of " + total + " bytes");
        }
    }

    private void verify(Path part, String repo, HubFile file) throws IOException {
        long size = Files.size(part);
        if (file.size() >= 0 && size != file.size()) {
            Files.delete(part);
            throw new HubException("the download of " + repo + "/" + file.path() + " has " + size + " bytes, the hub lists "
                    + file.size() + "; it was deleted, run the command again to retry");
        }
        if (file.sha256() == null) return;
        String actual = sha256(part);
        if (!actual.equalsIgnoreCase(file.sha256())) {
            Files.delete(part);
            throw new HubException("checksum mismatch for " + repo + "/" + file.path() + ": the hub lists sha256 " + file.sha256()
                    + ", the download has " + actual + "; it was deleted, run the command again to retry");
        }
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_BYTES);
            while (ch.read(buffer) >= 0) {
                buffer.flip();
                digest.update(buffer);
                buffer.clear();
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** GET with hand-followed redirects; the token is sent only to the hub's own origin. */
    private HttpResponse<InputStream> get(URI uri, Map<String, String> headers) throws IOException {
        URI current = uri;
        for (int i = 0; i <= MAX_REDIRECTS; i++) {
            HttpRequest.Builder b = HttpRequest.newBuilder(current).GET().header("User-Agent", "jllm/0.1");
            if (settings.token() != null && sameOrigin(current, settings.endpoint())) {
                b.header("Authorization", "Bearer " + settings.token());
            }
            headers.forEach(b::header);
            HttpResponse<InputStream> r;
            try {
                r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HubException("interrupted while contacting " + current.getAuthority(), e);
            } catch (IOException e) {
                throw new IOException("cannot reach " + current.getScheme() + "://" + current.getAuthority() + ": " + describe(e), e);
            }
            int status = r.statusCode();
            if (status != 301 && status != 302 && status != 303 && status != 307 && status != 308) return r;
            r.body().close();
            String location = r.headers().firstValue("Location")
                    .orElseThrow(() -> new HubException("HTTP " + status + " without a Location from " + r.uri()));
            current = current.resolve(location);
        }
        throw new HubException("more than " + MAX_REDIRECTS + " redirects from " + uri);
    }

    /** The JDK's connect failures carry no message; say what they mean. */
    private static String describe(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.nio.channels.UnresolvedAddressException) return "unknown host";
        }
        if (e instanceof java.net.ConnectException && e.getMessage() == null) return "connection refused or network unreachable";
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }

    private static boolean sameOrigin(URI a, URI b) {
        return Objects.equals(a.getScheme(), b.getScheme()) && Objects.equals(a.getHost(), b.getHost()) && a.getPort() == b.getPort();
    }

    /** A clear message for an HTTP error; the hub names the case in X-Error-Code (RepoNotFound, GatedRepo, ...). */
    private HubException statusError(HttpResponse<InputStream> r, String repo, String file) {
        int status = r.statusCode();
        String code = r.headers().firstValue("X-Error-Code").orElse("");
        String what = file != null ? repo + "/" + file : repo;
        String tokenHint = settings.token() == null ? "set HF_TOKEN to an access token of an account that has access"
                : "the token in HF_TOKEN has no access to it";
        if (code.equals("GatedRepo") || status == 403) {
            return new HubException(repo + " is gated: accept its conditions on " + settings.endpoint() + "/" + repo
                    + " and " + tokenHint + " (HTTP " + status + ")");
        }
        if (code.equals("EntryNotFound") || (status == 404 && file != null)) {
            return new HubException(what + " was not found on " + settings.endpoint() + " (HTTP " + status + ")");
        }
        if (code.equals("RepoNotFound") || status == 404 || status == 401) {
            return new HubException("repository " + repo + " was not found on " + settings.endpoint()
                    + "; check the name, and if it is private, " + tokenHint + " (HTTP " + status + ")");
        }
        if (status == 429) return new HubException(settings.endpoint() + " is rate-limiting requests (HTTP 429); try again later");
        return new HubException(settings.endpoint() + " answered HTTP " + status + " for " + what);
    }

    private static String encodePath(String path) {
        return Stream.of(path.split("/")).map(s -> URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20"))
                .collect(Collectors.joining("/"));
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HubException("interrupted", e);
        }
    }

    @Override
    public void close() {
        http.close();
    }
}

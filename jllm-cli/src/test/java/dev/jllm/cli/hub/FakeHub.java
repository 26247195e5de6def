package dev.jllm.cli.hub;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local stand-in for the two Hugging Face endpoints jllm uses, on 127.0.0.1 and a free port: the file listing
 * ({@code /api/models/{repo}/tree/main}) and downloads ({@code /{repo}/resolve/main/{file}}, with Range requests).
 * Tests make it misbehave: drop connections midway, list wrong checksums, redirect, refuse access, page its listings.
 */
public final class FakeHub implements AutoCloseable {
    /** One request as the server saw it. */
    public record Request(String path, String range, String authorization) {}

    private record Entry(byte[] content, String listedSha256, long listedSize) {}

    private static final Pattern RESOLVE = Pattern.compile("/([^/]+/[^/]+)/resolve/main/(.+)");
    private static final Pattern TREE = Pattern.compile("/api/models/([^/]+/[^/]+)/tree/main");

    private final HttpServer server;
    private final Map<String, Map<String, Entry>> repos = new ConcurrentHashMap<>();
    private final Map<String, Integer> repoStatus = new ConcurrentHashMap<>();
    private final Map<String, Integer> dropsLeft = new ConcurrentHashMap<>();
    public final List<Request> requests = new CopyOnWriteArrayList<>();
    /** Where downloads redirect to (another FakeHub, or this one's /cdn/), or null to serve them directly. */
    public volatile URI redirectTo;
    public volatile boolean ignoresRange;
    public volatile int pageSize = Integer.MAX_VALUE;

    public FakeHub() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** A file stored with LFS: listed with its size and SHA-256. */
    public FakeHub file(String repo, String path, byte[] content) {
        return file(repo, path, content, sha256(content), content.length);
    }

    /** A file listed with the given checksum (null: none, as for files outside LFS) and size. */
    public FakeHub file(String repo, String path, byte[] content, String listedSha256, long listedSize) {
        repos.computeIfAbsent(repo, r -> new LinkedHashMap<>()).put(path, new Entry(content, listedSha256, listedSize));
        return this;
    }

    /** Answers every request about {@code repo} with {@code status} and the hub's X-Error-Code for it. */
    public void refuse(String repo, int status) {
        repoStatus.put(repo, status);
    }

    /** The next {@code times} downloads of {@code path} stop halfway through and drop the connection. */
    public void dropMidway(String path, int times) {
        dropsLeft.put(path, times);
    }

    public List<Request> downloads() {
        return requests.stream().filter(r -> r.path.contains("/resolve/") || r.path.startsWith("/cdn/")).toList();
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        requests.add(new Request(path, ex.getRequestHeaders().getFirst("Range"), ex.getRequestHeaders().getFirst("Authorization")));
        try (ex) {
            Matcher tree = TREE.matcher(path);
            Matcher resolve = RESOLVE.matcher(path);
            if (tree.matches()) {
                if (!refused(ex, tree.group(1))) listing(ex, tree.group(1));
            } else if (resolve.matches()) {
                if (refused(ex, resolve.group(1))) return;
                if (redirectTo != null) {
                    ex.getResponseHeaders().add("Location", redirectTo.resolve("/cdn/" + resolve.group(1) + "/" + resolve.group(2)).toString());
                    ex.sendResponseHeaders(302, -1);
                } else {
                    serve(ex, resolve.group(1), resolve.group(2));
                }
            } else if (path.startsWith("/cdn/")) {
                String[] parts = path.substring(5).split("/", 3);
                serve(ex, parts[0] + "/" + parts[1], parts[2]);
            } else {
                ex.sendResponseHeaders(404, -1);
            }
        }
    }

    private boolean refused(HttpExchange ex, String repo) throws IOException {
        Integer status = repoStatus.get(repo);
        if (status == null && repos.containsKey(repo)) return false;
        int s = status != null ? status : 404;
        ex.getResponseHeaders().add("X-Error-Code", s == 403 ? "GatedRepo" : "RepoNotFound");
        ex.sendResponseHeaders(s, -1);
        return true;
    }

    private void listing(HttpExchange ex, String repo) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<ObjectNode> nodes = new ArrayList<>();
        java.util.Set<String> folders = new java.util.TreeSet<>();
        repos.get(repo).forEach((path, e) -> {
            for (int i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) folders.add(path.substring(0, i));
            ObjectNode n = json.createObjectNode().put("type", "file").put("oid", "0123456789abcdef0123456789abcdef01234567")
                    .put("size", e.listedSha256 != null ? 134 : e.listedSize).put("path", path);
            if (e.listedSha256 != null) n.putObject("lfs").put("oid", e.listedSha256).put("size", e.listedSize).put("pointerSize", 134);
            nodes.add(n);
        });
        for (String folder : folders) nodes.add(json.createObjectNode().put("type", "directory").put("oid", "x").put("size", 0).put("path", folder));
        String query = ex.getRequestURI().getQuery();
        int start = query != null && query.contains("cursor=") ? Integer.parseInt(query.replaceAll(".*cursor=(\\d+).*", "$1")) : 0;
        int end = Math.min(nodes.size(), start + pageSize);
        ArrayNode page = json.createArrayNode();
        nodes.subList(start, end).forEach(page::add);
        if (end < nodes.size()) {
            ex.getResponseHeaders().add("Link", "<" + endpoint() + "/api/models/" + repo + "/tree/main?recursive=true&cursor=" + end + ">; rel=\"next\"");
        }
        byte[] body = json.writeValueAsBytes(page);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(200, body.length);
        ex.getResponseBody().write(body);
    }

    private void serve(HttpExchange ex, String repo, String path) throws IOException {
        Entry e = repos.getOrDefault(repo, Map.of()).get(path);
        if (e == null) {
            ex.getResponseHeaders().add("X-Error-Code", "EntryNotFound");
            ex.sendResponseHeaders(404, -1);
            return;
        }
        byte[] content = e.content;
        String range = ex.getRequestHeaders().getFirst("Range");
        int start = 0;
        if (range != null && !ignoresRange) {
            start = Integer.parseInt(range.replaceAll("bytes=(\\d+)-", "$1"));
            if (start >= content.length) {
                ex.sendResponseHeaders(416, -1);
                return;
            }
            ex.getResponseHeaders().add("Content-Range", "bytes " + start + "-" + (content.length - 1) + "/" + content.length);
            ex.sendResponseHeaders(206, content.length - start);
        } else {
            ex.sendResponseHeaders(200, content.length);
        }
        OutputStream out = ex.getResponseBody();
        int drops = dropsLeft.getOrDefault(path, 0);
        if (drops > 0) {
            dropsLeft.put(path, drops - 1);
            out.write(content, start, (content.length - start) / 2);
            out.flush();
            throw new IOException("FakeHub drops the connection midway, as asked"); // the server closes the connection
        }
        out.write(content, start, content.length - start);
    }

    static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] content(String seed, int size) {
        byte[] b = new byte[size];
        byte[] s = seed.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < size; i++) b[i] = (byte) (s[i % s.length] * 31 + i * 7 + (i >> 8));
        return b;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

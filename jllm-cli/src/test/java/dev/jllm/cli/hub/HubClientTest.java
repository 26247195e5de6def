package dev.jllm.cli.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HubClientTest {
    private static final String REPO = "owner/model-GGUF";

    @TempDir
    Path cache;

    private FakeHub hub;
    private final StringWriter log = new StringWriter();
    private final byte[] q4km = FakeHub.content("q4km", 300_000);
    private final byte[] q8 = FakeHub.content("q8", 500_001);

    @BeforeEach
    void start() throws IOException {
        hub = new FakeHub().file(REPO, "model-Q4_K_M.gguf", q4km).file(REPO, "model-Q8_0.gguf", q8)
                .file(REPO, "mmproj-model-f16.gguf", FakeHub.content("mmproj", 1000)).file(REPO, "README.md", "# hi".getBytes(), null, 4);
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    private HubClient client() {
        return client(hub.endpoint(), null);
    }

    private HubClient client(URI endpoint, String token) {
        return new HubClient(new HubSettings(endpoint, token, cache), new PrintWriter(log, true), false, Duration.ZERO);
    }

    private static ModelReference ref(String text) {
        return ModelReference.parse(text).orElseThrow();
    }

    private Path cached(String file) {
        return cache.resolve("models").resolve(REPO).resolve(file);
    }

    private List<Path> filesInCache() throws IOException {
        try (Stream<Path> s = Files.walk(cache)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void downloadsTheDefaultQuantizationIntoTheCache() throws IOException {
        try (HubClient c = client()) {
            Path p = c.pull(ref(REPO));
            assertThat(p).isEqualTo(cached("model-Q4_K_M.gguf"));
            assertThat(Files.readAllBytes(p)).isEqualTo(q4km);
        }
        assertThat(filesInCache()).containsExactly(cached("model-Q4_K_M.gguf"));
        assertThat(hub.downloads()).hasSize(1).allMatch(r -> r.range() == null);
        assertThat(log.toString()).contains("downloading " + REPO + "/model-Q4_K_M.gguf (0.3 MB)").contains("100% 0.3 MB / 0.3 MB");
        try (HubClient c = client()) {
            assertThat(c.pull(ref(REPO))).isEqualTo(cached("model-Q4_K_M.gguf")); // pull asks the hub, downloads nothing
        }
        assertThat(hub.downloads()).hasSize(1);
        assertThat(log.toString()).endsWith("jllm: " + REPO + "/model-Q4_K_M.gguf is in the cache\n");
    }

    @Test
    void picksTheQuantizationAskedForInAnyCase() throws IOException {
        try (HubClient c = client()) {
            assertThat(Files.readAllBytes(c.pull(ref(REPO + ":q8_0")))).isEqualTo(q8);
            assertThat(c.pull(ref(REPO + ":mmproj"))).isEqualTo(cached("mmproj-model-f16.gguf"));
            assertThatThrownBy(() -> c.pull(ref(REPO + ":Q4_K"))).isInstanceOf(HubException.class)
                    .hasMessageContaining(REPO + " has no GGUF file for Q4_K; available:\n  model-Q4_K_M.gguf\n  model-Q8_0.gguf");
        }
    }

    @Test
    void resumesWhenTheConnectionDropsMidway() throws IOException {
        hub.dropMidway("model-Q8_0.gguf", 1);
        try (HubClient c = client()) {
            assertThat(Files.readAllBytes(c.pull(ref(REPO + ":Q8_0")))).isEqualTo(q8);
        }
        List<FakeHub.Request> downloads = hub.downloads();
        assertThat(downloads).hasSize(2);
        assertThat(downloads.get(0).range()).isNull();
        // the hub sent half the file before it dropped the connection; an abrupt close may lose the last bytes in flight
        assertThat(downloads.get(1).range()).matches("bytes=\\d+-");
        long resumedAt = Long.parseLong(downloads.get(1).range().replaceAll("\\D", ""));
        assertThat(resumedAt).isBetween(1L, (long) q8.length / 2);
        assertThat(log.toString()).contains("download interrupted").contains("attempt 2 of 3").contains("(0.5 MB), resuming at 0.");
        assertThat(filesInCache()).containsExactly(cached("model-Q8_0.gguf"));
    }

    @Test
    void aLaterCallResumesWhatAnEarlierOneLeft() throws IOException {
        hub.dropMidway("model-Q8_0.gguf", 3);
        try (HubClient c = client()) {
            assertThatThrownBy(() -> c.pull(ref(REPO + ":Q8_0"))).isInstanceOf(HubException.class)
                    .hasMessageContaining("failed 3 times").hasMessageContaining("run the command again to resume");
        }
        Path part = cached("model-Q8_0.gguf.part");
        assertThat(filesInCache()).containsExactly(part);
        long kept = Files.size(part);
        assertThat(kept).isBetween((long) q8.length / 2, (long) q8.length - 1);
        try (HubClient c = client()) {
            assertThat(Files.readAllBytes(c.pull(ref(REPO + ":Q8_0")))).isEqualTo(q8);
        }
        assertThat(hub.downloads().getLast().range()).isEqualTo("bytes=" + kept + "-");
        assertThat(filesInCache()).containsExactly(cached("model-Q8_0.gguf"));
    }

    @Test
    void startsOverWhenTheServerIgnoresRange() throws IOException {
        hub.dropMidway("model-Q8_0.gguf", 1);
        hub.ignoresRange = true;
        try (HubClient c = client()) {
            assertThat(Files.readAllBytes(c.pull(ref(REPO + ":Q8_0")))).isEqualTo(q8);
        }
        assertThat(hub.downloads().getLast().range()).isNotNull();
        assertThat(log.toString()).contains("the server does not resume downloads; starting over");
    }

    @Test
    void aChecksumMismatchIsRejectedAndNothingIsKept() throws IOException {
        byte[] other = FakeHub.content("other", q4km.length);
        hub.file(REPO, "model-Q4_K_M.gguf", q4km, FakeHub.sha256(other), q4km.length);
        try (HubClient c = client()) {
            assertThatThrownBy(() -> c.pull(ref(REPO))).isInstanceOf(HubException.class)
                    .hasMessageContaining("checksum mismatch for " + REPO + "/model-Q4_K_M.gguf: the hub lists sha256 " + FakeHub.sha256(other)
                            + ", the download has " + FakeHub.sha256(q4km));
        }
        assertThat(filesInCache()).isEmpty();
    }

    @Test
    void aSizeMismatchIsRejected() throws IOException {
        hub.file(REPO, "model-Q4_K_M.gguf", q4km, null, q4km.length + 10);
        try (HubClient c = client()) {
            assertThatThrownBy(() -> c.pull(ref(REPO))).isInstanceOf(HubException.class)
                    .hasMessageContaining("failed 3 times").hasMessageContaining("closed after 300000 of 300010 bytes");
        }
        hub.file(REPO, "model-Q4_K_M.gguf", q4km, null, q4km.length - 10);
        try (HubClient c = client()) {
            assertThatThrownBy(() -> c.pull(ref(REPO))).isInstanceOf(HubException.class)
                    .hasMessageContaining("has 300000 bytes, the hub lists 299990").hasMessageNotContaining("checksum");
        }
        assertThat(filesInCache()).isEmpty();
    }

    @Test
    void followsRedirectsAndSendsTheTokenOnlyToTheHub() throws IOException {
        try (FakeHub cdn = new FakeHub().file(REPO, "model-Q4_K_M.gguf", q4km)) {
            hub.redirectTo = cdn.endpoint();
            try (HubClient c = client(hub.endpoint(), "hf_secret")) {
                assertThat(Files.readAllBytes(c.pull(ref(REPO)))).isEqualTo(q4km);
            }
            assertThat(hub.requests).allMatch(r -> "Bearer hf_secret".equals(r.authorization()));
            assertThat(cdn.requests).hasSize(1).allMatch(r -> r.authorization() == null);
            assertThat(cdn.requests.getFirst().path()).isEqualTo("/cdn/" + REPO + "/model-Q4_K_M.gguf");
        }
    }

    @Test
    void followsARedirectOnTheSameServer() throws IOException {
        hub.redirectTo = hub.endpoint();
        try (HubClient c = client()) {
            assertThat(Files.readAllBytes(c.pull(ref(REPO + ":Q8_0")))).isEqualTo(q8);
        }
        assertThat(hub.requests).extracting(FakeHub.Request::path).endsWith("/" + REPO + "/resolve/main/model-Q8_0.gguf", "/cdn/" + REPO + "/model-Q8_0.gguf");
    }

    @Test
    void filesInFoldersAndListingsInPages() throws IOException {
        byte[] nested = FakeHub.content("nested", 777);
        hub.file(REPO, "Q2 files/model-Q2_K.gguf", nested);
        hub.pageSize = 2;
        try (HubClient c = client()) {
            assertThat(c.listFiles(REPO)).extracting(HubFile::path).containsExactly("model-Q4_K_M.gguf", "model-Q8_0.gguf",
                    "mmproj-model-f16.gguf", "README.md", "Q2 files/model-Q2_K.gguf");
            Path p = c.pull(ref(REPO + ":Q2_K"));
            assertThat(p).isEqualTo(cached("Q2 files/model-Q2_K.gguf"));
            assertThat(Files.readAllBytes(p)).isEqualTo(nested);
        }
    }

    @Test
    void missingFilesAndRepositoriesGiveClearErrors() {
        hub.file("owner/other", "x.gguf", new byte[10]);
        hub.refuse("owner/gated", 403);
        hub.refuse("owner/private", 401);
        try (HubClient c = client()) {
            assertThatThrownBy(() -> c.pull(ref(REPO + ":nothere.gguf"))).isInstanceOf(HubException.class)
                    .hasMessageContaining(REPO + " has no file 'nothere.gguf'; available:\n  mmproj-model-f16.gguf\n  model-Q4_K_M.gguf");
            assertThatThrownBy(() -> c.pull(ref("owner/absent"))).isInstanceOf(HubException.class)
                    .hasMessageContaining("repository owner/absent was not found on " + hub.endpoint()).hasMessageContaining("set HF_TOKEN");
            assertThatThrownBy(() -> c.pull(ref("owner/private"))).isInstanceOf(HubException.class)
                    .hasMessageContaining("repository owner/private was not found").hasMessageContaining("(HTTP 401)");
            assertThatThrownBy(() -> c.pull(ref("owner/gated"))).isInstanceOf(HubException.class)
                    .hasMessageContaining("owner/gated is gated: accept its conditions on " + hub.endpoint() + "/owner/gated")
                    .hasMessageContaining("(HTTP 403)");
            assertThatThrownBy(() -> c.download(REPO, new HubFile("listed-but-gone.gguf", 5, null))).isInstanceOf(HubException.class)
                    .hasMessageContaining(REPO + "/listed-but-gone.gguf was not found on " + hub.endpoint() + " (HTTP 404)");
        }
    }

    @Test
    void anUnreachableHubIsAClearError() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (HubClient c = client(URI.create("http://127.0.0.1:" + port), null)) {
            assertThatThrownBy(() -> c.pull(ref(REPO))).isInstanceOf(HubException.class)
                    .hasMessage("cannot list the files of " + REPO + ": cannot reach http://127.0.0.1:" + port
                            + ": connection refused or network unreachable");
        }
    }

    @Test
    void aHostileListingCannotWriteOutsideTheCache() {
        hub.file(REPO, "../../escape-Q4_K_M.gguf", new byte[10]);
        try (HubClient c = client()) {
            assertThatThrownBy(() -> c.pull(ref(REPO + ":escape"))).isInstanceOf(HubException.class)
                    .hasMessageContaining("'../../escape-Q4_K_M.gguf' is not a valid file path in a repository");
            assertThatThrownBy(() -> c.download(REPO, new HubFile("../../escape-Q4_K_M.gguf", 10, null)))
                    .isInstanceOf(HubException.class).hasMessageContaining("is not a valid file path in a repository");
        }
        assertThat(Files.exists(cache.resolve("escape-Q4_K_M.gguf"))).isFalse();
    }

    @Test
    void resolveUsesTheCacheWithoutAskingTheHub() throws IOException {
        try (HubClient c = client()) {
            Path first = ModelReference.resolve(REPO + ":Q8_0", c);
            int requests = hub.requests.size();
            assertThat(ModelReference.resolve(REPO + ":Q8_0", c)).isEqualTo(first);
            assertThat(ModelReference.resolve(REPO + ":model-Q8_0.gguf", c)).isEqualTo(first);
            assertThat(ModelReference.resolve("hf.co/" + REPO, c)).isEqualTo(first); // Q8_0: the preferred quantization cached
            assertThat(hub.requests).hasSize(requests);
            // a quantization that is not cached goes to the hub
            assertThat(ModelReference.resolve(REPO + ":Q4_K_M", c)).isEqualTo(cached("model-Q4_K_M.gguf"));
            assertThat(hub.requests.size()).isGreaterThan(requests);
        }
    }

    @Test
    void resolveTakesLocalFilesAsTheyAre() throws IOException {
        Path local = cache.resolve("local.gguf");
        Files.write(local, new byte[] {1});
        try (HubClient c = client()) {
            assertThat(ModelReference.resolve(local.toString(), c)).isEqualTo(local);
            assertThatThrownBy(() -> ModelReference.resolve(cache.resolve("absent.gguf").toString(), c)).isInstanceOf(HubException.class)
                    .hasMessage("no such file: " + cache.resolve("absent.gguf"));
            assertThatThrownBy(() -> ModelReference.resolve("models/absent.gguf", c)).hasMessage("no such file: models/absent.gguf");
            assertThatThrownBy(() -> ModelReference.resolve("nonsense", c)).hasMessageStartingWith("no such file: nonsense (nor is it a Hugging Face reference");
            assertThatThrownBy(() -> ModelReference.resolve(cache.toString(), c)).hasMessageContaining("is a directory");
        }
        assertThat(hub.requests).isEmpty();
    }
}

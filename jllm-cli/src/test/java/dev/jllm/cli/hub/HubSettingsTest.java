package dev.jllm.cli.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HubSettingsTest {
    private static final Path HOME = Path.of("/home/u");

    @Test
    void defaults() {
        HubSettings s = HubSettings.from(Map.of(), HOME);
        assertThat(s.endpoint()).isEqualTo(URI.create("https://huggingface.co"));
        assertThat(s.token()).isNull();
        assertThat(s.cacheDir()).isEqualTo(Path.of("/home/u/.cache/jllm"));
        assertThat(s.repoDir("owner/repo")).isEqualTo(Path.of("/home/u/.cache/jllm/models/owner/repo"));
    }

    @Test
    void fromTheEnvironment() {
        HubSettings s = HubSettings.from(Map.of("HF_ENDPOINT", "https://hf-mirror.example/", "HF_TOKEN", "hf_x",
                "JLLM_CACHE", "/data/jllm"), HOME);
        assertThat(s.endpoint()).isEqualTo(URI.create("https://hf-mirror.example"));
        assertThat(s.token()).isEqualTo("hf_x");
        assertThat(s.repoDir("o/r")).isEqualTo(Path.of("/data/jllm/models/o/r"));
        assertThat(HubSettings.from(Map.of("HF_TOKEN", " "), HOME).token()).isNull();
    }

    @Test
    void aBadEndpointIsRefused() {
        assertThatThrownBy(() -> HubSettings.from(Map.of("HF_ENDPOINT", "ftp://x"), HOME))
                .hasMessage("HF_ENDPOINT must be an http(s) URL, not 'ftp://x'");
        assertThatThrownBy(() -> HubSettings.from(Map.of("HF_ENDPOINT", "http://bad host"), HOME))
                .hasMessage("HF_ENDPOINT must be an http(s) URL, not 'http://bad host'");
    }
}

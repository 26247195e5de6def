package dev.jllm.cli.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class GgufSelectorTest {

    private static List<HubFile> files(String... paths) {
        return Stream.of(paths).map(p -> new HubFile(p, 1, null)).toList();
    }

    private static String select(String ref, List<HubFile> files) {
        return GgufSelector.select(ModelReference.parse(ref).orElseThrow(), files).path();
    }

    private static final List<HubFile> BARTOWSKI = files("README.md", "Llama-3.2-1B-Instruct-IQ4_XS.gguf",
            "Llama-3.2-1B-Instruct-Q4_0.gguf", "Llama-3.2-1B-Instruct-Q4_K_L.gguf", "Llama-3.2-1B-Instruct-Q4_K_M.gguf",
            "Llama-3.2-1B-Instruct-Q8_0.gguf", "Llama-3.2-1B-Instruct-f16.gguf", "mmproj-Llama-f16.gguf");

    @Test
    void thePreferenceOrderIsQ4KMThenQ40ThenQ80() {
        assertThat(select("o/r", BARTOWSKI)).isEqualTo("Llama-3.2-1B-Instruct-Q4_K_M.gguf");
        assertThat(select("o/r", files("m-Q8_0.gguf", "m-Q4_0.gguf", "m-F16.gguf"))).isEqualTo("m-Q4_0.gguf");
        assertThat(select("o/r", files("m.Q8_0.gguf", "m.F16.gguf"))).isEqualTo("m.Q8_0.gguf");
        assertThat(select("o/r", files("only-F16.gguf", "mmproj-only-F16.gguf", "notes.txt"))).isEqualTo("only-F16.gguf");
    }

    @Test
    void aQuantizationMatchesAsAWholeWordInAnyCase() {
        assertThat(select("o/r:q4_k_m", BARTOWSKI)).isEqualTo("Llama-3.2-1B-Instruct-Q4_K_M.gguf");
        assertThat(select("o/r:Q4_K_L", BARTOWSKI)).isEqualTo("Llama-3.2-1B-Instruct-Q4_K_L.gguf");
        assertThat(select("o/r:IQ4_XS", BARTOWSKI)).isEqualTo("Llama-3.2-1B-Instruct-IQ4_XS.gguf");
        assertThat(select("o/r:F16", BARTOWSKI)).isEqualTo("Llama-3.2-1B-Instruct-f16.gguf"); // mmproj stays out
        assertThat(select("o/r:mmproj", BARTOWSKI)).isEqualTo("mmproj-Llama-f16.gguf");
        assertThat(GgufSelector.matching(BARTOWSKI, "Q4_K")).isEmpty();
        assertThat(GgufSelector.matching(files("x-IQ4_0.gguf", "x.Q4_0.gguf"), "Q4_0")).extracting(HubFile::path).containsExactly("x.Q4_0.gguf");
    }

    @Test
    void anExplicitFileIsTakenAsIs() {
        assertThat(select("o/r:mmproj-Llama-f16.gguf", BARTOWSKI)).isEqualTo("mmproj-Llama-f16.gguf");
        assertThatThrownBy(() -> select("o/r:Llama-3.2-1B-Instruct-Q3_K_M.gguf", BARTOWSKI)).isInstanceOf(HubException.class)
                .hasMessageStartingWith("o/r has no file 'Llama-3.2-1B-Instruct-Q3_K_M.gguf'; available:\n  Llama-3.2-1B-Instruct-IQ4_XS.gguf\n");
    }

    @Test
    void unclearChoicesListWhatThereIs() {
        assertThatThrownBy(() -> select("o/r", files("a-F16.gguf", "a-BF16.gguf"))).isInstanceOf(HubException.class)
                .hasMessage("o/r has several GGUF files and none is Q4_K_M, Q4_0, Q8_0; name one, as o/r:QUANT or o/r:FILE;"
                        + " available:\n  a-BF16.gguf\n  a-F16.gguf");
        assertThatThrownBy(() -> select("o/r", files("README.md", "model.safetensors"))).isInstanceOf(HubException.class)
                .hasMessage("o/r has no GGUF files; available:\n  README.md\n  model.safetensors");
        assertThatThrownBy(() -> select("o/r:Q8_0", files("a/m-Q8_0.gguf", "b/m-Q8_0.gguf"))).isInstanceOf(HubException.class)
                .hasMessageContaining("o/r has several GGUF files for Q8_0; name one as o/r:FILE; available:\n  a/m-Q8_0.gguf\n  b/m-Q8_0.gguf");
    }

    @Test
    void splitModelsAreNamedAsSuch() {
        List<HubFile> split = files("Q4_K_M/m-Q4_K_M-00001-of-00002.gguf", "Q4_K_M/m-Q4_K_M-00002-of-00002.gguf", "m-Q8_0.gguf");
        assertThatThrownBy(() -> select("o/r", split)).isInstanceOf(HubException.class)
                .hasMessageContaining("Q4_K_M/m-Q4_K_M-00001-of-00002.gguf is one part of a split GGUF model (2 parts here)");
        assertThat(select("o/r:Q8_0", split)).isEqualTo("m-Q8_0.gguf");
    }
}

package dev.jllm.cli.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ModelReferenceTest {

    @Test
    void parsesTheFormsUsersWrite() {
        assertThat(ModelReference.parse("bartowski/Llama-3.2-1B-Instruct-GGUF"))
                .contains(new ModelReference("bartowski/Llama-3.2-1B-Instruct-GGUF", null, null));
        assertThat(ModelReference.parse("owner/repo:Q4_K_M")).contains(new ModelReference("owner/repo", null, "Q4_K_M"));
        assertThat(ModelReference.parse("owner/repo:q8_0")).contains(new ModelReference("owner/repo", null, "q8_0"));
        assertThat(ModelReference.parse("owner/repo:sub/model-F16.GGUF")).contains(new ModelReference("owner/repo", "sub/model-F16.GGUF", null));
        assertThat(ModelReference.parse("hf.co/owner/repo:Q4_0")).contains(new ModelReference("owner/repo", null, "Q4_0"));
        assertThat(ModelReference.parse("https://huggingface.co/owner/repo")).contains(new ModelReference("owner/repo", null, null));
        assertThat(ModelReference.parse("owner/repo:")).contains(new ModelReference("owner/repo", null, null));
        assertThat(ModelReference.parse("owner/repo:Q4_K_M").orElseThrow()).hasToString("owner/repo:Q4_K_M");
    }

    @ParameterizedTest
    @ValueSource(strings = {"model.gguf", "a/b/c", "/abs/path", "./x/y", "../x/y", "owner/", "/repo", "owner/re po",
            "owner/..", "owner/repo:Q4 K", "owner/repo:../x", "C:\\models\\x.gguf", ""})
    void isEmptyForWhatCanOnlyBeAPath(String text) {
        assertThat(ModelReference.parse(text)).isEqualTo(Optional.empty());
    }

    @Test
    void filePathsThatLeaveTheRepositoryAreRefused() {
        assertThatThrownBy(() -> ModelReference.parse("owner/repo:../../x.gguf")).isInstanceOf(HubException.class)
                .hasMessage("'../../x.gguf' is not a valid file path in a repository");
        assertThatThrownBy(() -> ModelReference.parse("owner/repo:/etc/x.gguf")).hasMessageContaining("not a valid file path");
        assertThatThrownBy(() -> ModelReference.checkRepoPath("a\\b.gguf")).hasMessageContaining("not a valid file path");
    }
}

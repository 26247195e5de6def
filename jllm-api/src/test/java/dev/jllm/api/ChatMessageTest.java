package dev.jllm.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ChatMessageTest {
    @Test
    void factoriesSetTheRole() {
        assertThat(ChatMessage.system("s")).isEqualTo(new ChatMessage("system", "s"));
        assertThat(ChatMessage.user("u").role()).isEqualTo("user");
        assertThat(ChatMessage.assistant("a").content()).isEqualTo("a");
    }

    @Test
    void roleAndContentAreRequired() {
        assertThatThrownBy(() -> new ChatMessage(" ", "x")).hasMessageContaining("role is blank");
        assertThatThrownBy(() -> new ChatMessage("user", null)).hasMessageContaining("content");
        assertThat(ChatMessage.user("").content()).isEmpty(); // an empty turn is legitimate
    }
}

package dev.jllm.template;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jllm.engine.gguf.GgufFile;
import dev.jllm.engine.gguf.GgufReader;
import dev.jllm.engine.testing.SharedFiles;
import org.junit.jupiter.api.Test;

/** A chat template read out of a real GGUF file (llama.cpp's Phi-3 vocabulary) renders like llama.cpp's Jinja. */
class GgufChatTemplateTest {

    @Test
    void phi3TemplateFromGguf() throws Exception {
        try (GgufFile gguf = GgufReader.open(SharedFiles.file("models/vocab/ggml-vocab-phi-3.gguf"))) {
            String source = gguf.getString("tokenizer.chat_template");
            String[] tokens = gguf.getStringArray("tokenizer.ggml.tokens");
            String bos = tokens[gguf.getInt("tokenizer.ggml.bos_token_id")];
            String eos = tokens[gguf.getInt("tokenizer.ggml.eos_token_id")];
            assertThat(source).isEqualTo(LlamaCppChatTemplateCasesTest.PHI3_MINI); // the Phi-3-mini template of llama.cpp's tests
            assertThat(bos).isEqualTo("<s>");

            LlamaCppChatTemplateCasesTest.Case phi3 = LlamaCppChatTemplateCasesTest.cases()
                    .filter(c -> c.name().equals("Phi-3-mini")).findFirst().orElseThrow();
            String rendered = ChatTemplate.of(source, bos, eos).render(phi3.jinjaConversation(), true);
            // llama.cpp's expectation was made with an empty bos_token; the template starts with {{ bos_token }}
            assertThat(rendered).isEqualTo(bos + phi3.jinja());
        }
    }
}

package dev.jllm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jllm.engine.testing.SharedFiles;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class InfoCommandTest {

    @Test
    void printsTheMetadataAndTensorTableOfStories260K() {
        Path model = SharedFiles.file("models/stories260K/stories260K.gguf");
        CommandRun run = CommandRun.of("info", model.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("GGUF version: 3, alignment: 32, 19 metadata keys, 48 tensors")
                .containsPattern("general.architecture +STRING +\"llama\"")
                .containsPattern("llama.embedding_length +UINT32 +64")
                .containsPattern("tokenizer.ggml.tokens +ARRAY\\[STRING] +\\[\"<unk>\", \"<s>\", \"</s>\", \"<0x00>\",");

        List<String> rows = Arrays.stream(run.out().split("\n")).dropWhile(l -> !l.startsWith("tensor ")).skip(1)
                .takeWhile(l -> !l.isBlank()).toList();
        assertThat(rows).hasSize(48);
        // shapes and sizes as llama.cpp lists them for this file (dim 64, 5 layers, 4 KV heads of 8, ffn 172, vocab 512)
        assertThat(rows.getFirst()).matches("token_embd\\.weight +F32 +\\[64, 512] +131072");
        assertThat(rows).anySatisfy(r -> assertThat(r).matches("blk\\.4\\.attn_k\\.weight +F32 +\\[64, 32] +8192"))
                .anySatisfy(r -> assertThat(r).matches("blk\\.0\\.ffn_down\\.weight +F32 +\\[172, 64] +44032"))
                .anySatisfy(r -> assertThat(r).matches("output_norm\\.weight +F32 +\\[64] +256"));
        long total = rows.stream().mapToLong(r -> Long.parseLong(r.substring(r.lastIndexOf(' ') + 1))).sum();
        assertThat(run.out()).contains("total tensor bytes: " + total);
        assertThat(total).isEqualTo(1185376 - 14176); // the file minus its header, padding included (none here)
    }

    @Test
    void aBadFileIsAOneLineError() {
        Path v1 = SharedFiles.file("models/stories260K/tinyllamas-stories-260k-f32.gguf");
        CommandRun run = CommandRun.of("info", v1.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).startsWith("jllm: " + v1 + ": GGUF version 1 is not supported").hasLineCount(1);
        assertThat(CommandRun.of("info", "no/such-file.gguf").err()).isEqualTo("jllm: no such file: no/such-file.gguf\n");
    }
}

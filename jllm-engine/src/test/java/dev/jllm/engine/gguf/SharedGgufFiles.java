package dev.jllm.engine.gguf;

import dev.jllm.engine.testing.SharedFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** The GGUF files under shared/models, for tests that run over every real file. */
final class SharedGgufFiles {
    /** GGUF v1 (rejected by jllm, as by llama.cpp): see GgufReaderTest. */
    static final String V1_FILE = "models/stories260K/tinyllamas-stories-260k-f32.gguf";
    /** Q8_0 tensors with rows of 172 values (rejected by jllm, as by llama.cpp): see GgufReaderTest. */
    static final String BAD_ROW_FILE = "models/stories260K/tinyllamas-stories-260k-q8_0.gguf";

    private SharedGgufFiles() {}

    /** Every .gguf file under shared/models, sorted. */
    static List<Path> all() {
        try (Stream<Path> files = Files.walk(SharedFiles.file("models"))) {
            List<Path> found = files.filter(p -> p.toString().endsWith(".gguf")).sorted().toList();
            if (found.isEmpty()) throw new AssertionError("no .gguf files under " + SharedFiles.file("models"));
            return found;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every shared file but the two that are meant to be rejected. */
    static List<Path> readable() {
        Set<Path> rejected = Set.of(SharedFiles.file(V1_FILE), SharedFiles.file(BAD_ROW_FILE));
        return all().stream().filter(p -> !rejected.contains(p)).toList();
    }
}

package dev.jllm.cli;

import dev.jllm.cli.hub.ModelReference;
import dev.jllm.engine.model.Model;
import dev.jllm.engine.runtime.KvType;
import dev.jllm.engine.runtime.Session;
import dev.jllm.engine.runtime.VectorSupport;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Iterator;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** Options shared by every command that runs a model: which model, context size, threads, KV-cache type. */
final class ModelOptions {
    /** Context used when neither --ctx nor a smaller model limit says otherwise (llama.cpp's default too). */
    static final int DEFAULT_CONTEXT = 4096;

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "MODEL",
            description = "GGUF file, or a Hugging Face reference OWNER/REPO[:FILE|:QUANT] (downloaded once into the cache)")
    String model;

    @Option(names = {"-c", "--ctx"}, paramLabel = "N",
            description = "Context size in tokens (default: the model's, at most " + DEFAULT_CONTEXT + ")")
    int contextSize;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "Threads for matrix products (default: all cores)")
    Integer threads;

    @Option(names = "--kv-type", paramLabel = "TYPE", defaultValue = "f32", converter = KvTypeConverter.class,
            completionCandidates = KvTypeNames.class,
            description = "KV-cache element type (supported: ${COMPLETION-CANDIDATES}; default ${DEFAULT-VALUE}); f16 takes"
                    + " half the memory of f32, q8_0 a little over a quarter")
    KvType kvType;

    /** Reads a {@link KvType} by its ggml name. */
    static final class KvTypeConverter implements ITypeConverter<KvType> {
        @Override
        public KvType convert(String value) {
            try {
                return KvType.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** The names --kv-type accepts, for the help text. */
    static final class KvTypeNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(KvType.values()).map(t -> t.ggmlName).iterator();
        }
    }

    /** The command these options belong to (for its stderr). */
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    Model load() {
        warnIfKernelsAreSlow(command.commandLine().getErr());
        // the thread pool reads its size once, when first used
        if (threads != null) {
            if (threads < 1) throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
            System.setProperty("jllm.threads", threads.toString());
        }
        return Model.load(ModelReference.resolve(model));
    }

    /** Prints {@link VectorSupport}'s warning when this JVM will not run the kernels as SIMD code. */
    static void warnIfKernelsAreSlow(PrintWriter err) {
        String warning = VectorSupport.current().warning();
        if (warning != null) {
            err.println(warning);
            err.flush();
        }
    }

    Session session(Model m) {
        int limit = m.config().contextLength();
        if (contextSize < 0) throw new IllegalArgumentException("--ctx must not be negative, got " + contextSize);
        if (contextSize > limit) {
            throw new IllegalArgumentException("--ctx " + contextSize + " exceeds the model's context length " + limit);
        }
        return new Session(m, contextSize > 0 ? contextSize : Math.min(limit, DEFAULT_CONTEXT), kvType);
    }

    /** Rejects a prompt that holds no token or does not fit the session's context, before any output. */
    static void checkPrompt(int[] promptIds, Session session) {
        if (promptIds.length == 0) throw new IllegalArgumentException("the prompt is empty (and the model adds no BOS token)");
        if (promptIds.length > session.contextSize()) {
            throw new IllegalArgumentException("the prompt is " + promptIds.length + " tokens but the context holds "
                    + session.contextSize() + " (raise --ctx, up to the model's context length "
                    + session.model().config().contextLength() + ")");
        }
    }
}

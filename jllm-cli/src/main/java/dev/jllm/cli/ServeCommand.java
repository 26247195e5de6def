package dev.jllm.cli;

import dev.jllm.engine.model.Model;
import dev.jllm.server.ServingOptions;
import dev.jllm.cli.rag.RagIndex;
import dev.jllm.server.http.OpenAiServer;
import dev.jllm.server.http.ServedModel;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * `jllm serve`: an OpenAI-compatible HTTP server for one model with continuous batching. It listens at once
 * (/health answers 503 while the model loads) and stops gracefully on SIGTERM.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve a model over an OpenAI-compatible HTTP API (chat and text completions, streaming, /metrics).")
final class ServeCommand implements Callable<Integer> {
    @Mixin ModelOptions modelOptions;

    @Option(names = "--host", paramLabel = "HOST", description = "Address to listen on (default ${DEFAULT-VALUE}; 0.0.0.0 for all)")
    String host = "127.0.0.1";

    @Option(names = "--port", paramLabel = "PORT", description = "Port (default ${DEFAULT-VALUE}; 0 picks a free one)")
    int port = 8080;

    @Option(names = {"-np", "--parallel"}, paramLabel = "N", description = "Sequences run at once (default ${DEFAULT-VALUE})")
    int parallel = 4;

    @Option(names = "--alias", paramLabel = "NAME", description = "Model id clients use (default: the file name without .gguf)")
    String alias;

    @Option(names = "--batch-tokens", paramLabel = "N", description = "Token budget of one step: decode tokens plus prompt chunks (default ${DEFAULT-VALUE})")
    int stepTokens = 512;

    @Option(names = "--block-size", paramLabel = "N", description = "Tokens per KV block (default ${DEFAULT-VALUE})")
    int blockSize = 16;

    @Option(names = "--kv-blocks", paramLabel = "N", description = "KV blocks in the pool (default: a full context for every parallel sequence)")
    int kvBlocks;

    @Option(names = "--max-waiting", paramLabel = "N", description = "Requests that may wait to start; more get 429 (default ${DEFAULT-VALUE})")
    int maxWaiting = 64;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "A request not finished by then fails with 503 (default ${DEFAULT-VALUE})")
    long timeoutSeconds = 600;

    @Option(names = "--max-body", paramLabel = "BYTES", description = "Larger request bodies get 413 (default ${DEFAULT-VALUE})")
    long maxBody = 2 << 20;

    @Option(names = "--grace", paramLabel = "SECONDS", description = "On shutdown, time for requests in flight to finish (default ${DEFAULT-VALUE})")
    long graceSeconds = 30;

    @Option(names = "--chat-template", paramLabel = "NAME", description = "Use a built-in chat template instead of the model's")
    String chatTemplate;

    @Option(names = "--rag-index", paramLabel = "PATH",
            description = "Also serve /v1/rag/documents, /v1/rag/search and /v1/rag/ask on this index (created with all-minilm-l6-v2 if missing)")
    Path ragIndex;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        // Jetty's and Javalin's start-up chatter is not news; warnings and errors are
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        String name = alias != null ? alias : modelName(modelOptions.model);
        ServingOptions options = new ServingOptions(name, parallel, modelOptions.contextSize, stepTokens, blockSize,
                kvBlocks, maxWaiting, chatTemplate);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        RagIndex rag = ragIndex == null ? null : RagIndex.open(ragIndex, maxBody);
        OpenAiServer server = new OpenAiServer(new OpenAiServer.Config(host, port, maxBody, Duration.ofSeconds(timeoutSeconds)), registry,
                rag == null ? null : rag.endpoints()).start();
        err.printf("jllm serve: listening on http://%s:%d, loading %s ...%n", host, server.port(), modelOptions.model);
        CountDownLatch stopped = new CountDownLatch(1);
        Model model = modelOptions.load();
        ServedModel served = options.serve(model, modelOptions.kvType, registry);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            err.println("jllm serve: shutting down (up to " + graceSeconds + " s for requests in flight)");
            server.stop(Duration.ofSeconds(graceSeconds));
            if (rag != null) rag.close();
            model.close();
            stopped.countDown();
        }));
        server.ready(served);
        err.printf("jllm serve: ready: model \"%s\", context %d, %d parallel, %d KV blocks of %d tokens, template %s%n",
                name, options.context(model), parallel, options.blocks(model), blockSize, served.template().name());
        stopped.await();
        return 0;
    }

    static String modelName(String reference) {
        String file = Path.of(reference.replace(':', '/')).getFileName().toString();
        return file.endsWith(".gguf") ? file.substring(0, file.length() - 5) : file;
    }
}

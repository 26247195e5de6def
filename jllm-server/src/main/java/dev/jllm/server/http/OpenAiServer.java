package dev.jllm.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The OpenAI-compatible HTTP server (Javalin on Jetty, one virtual thread per request): the two completion
 * endpoints, {@code GET /v1/models}, {@code GET /health} (503 until a model is {@linkplain #ready ready} and again
 * while shutting down, so a load balancer only routes to a replica that can answer) and {@code GET /metrics}
 * (Prometheus text). It listens before the model is loaded, so that readiness probes see the loading replica.
 * Every error, including unknown routes and anything unexpected, is answered in OpenAI's error shape.
 */
public final class OpenAiServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(OpenAiServer.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param maxBodyBytes   larger request bodies get 413
     * @param requestTimeout a request not finished by then fails (503)
     */
    public record Config(String host, int port, long maxBodyBytes, Duration requestTimeout) {
        public Config {
            Objects.requireNonNull(host, "host");
            if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
            if (maxBodyBytes < 1) throw new IllegalArgumentException("the body limit must be positive, got " + maxBodyBytes);
            if (requestTimeout.isNegative() || requestTimeout.isZero()) {
                throw new IllegalArgumentException("the request timeout must be positive, got " + requestTimeout);
            }
        }
    }

    private final Config config;
    private final PrometheusMeterRegistry registry;
    private final Javalin app;
    private volatile ServedModel model;
    private volatile boolean stopping;

    public OpenAiServer(Config config, PrometheusMeterRegistry registry) {
        this(config, registry, null);
    }

    /** A server that also answers the RAG endpoints ({@link RagEndpoints}; null for none). */
    public OpenAiServer(Config config, PrometheusMeterRegistry registry, RagEndpoints rag) {
        this.config = config;
        this.registry = registry;
        CompletionEndpoint chat = new CompletionEndpoint(true, this::readyModel, config.maxBodyBytes(), config.requestTimeout());
        CompletionEndpoint text = new CompletionEndpoint(false, this::readyModel, config.maxBodyBytes(), config.requestTimeout());
        this.app = Javalin.create(c -> {
            c.concurrency.useVirtualThreads = true;
            c.startup.showJavalinBanner = false;
            c.startup.showOldJavalinVersionWarning = false;
            // the endpoints enforce their own body limit, with an OpenAI-shaped 413
            c.http.maxRequestSize = Long.MAX_VALUE;
            // server-sent events must reach the client as they are written
            c.http.compressionStrategy = CompressionStrategy.NONE;
            c.routes.post("/v1/chat/completions", chat::handle);
            c.routes.post("/v1/completions", text::handle);
            c.routes.get("/v1/models", this::models);
            c.routes.get("/health", this::health);
            c.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape()));
            if (rag != null) rag.register(c.routes);
            c.routes.exception(ApiError.class, (e, ctx) -> error(ctx, e));
            c.routes.exception(Exception.class, (e, ctx) -> {
                LOG.log(Level.SEVERE, "unexpected error answering " + ctx.method() + " " + ctx.path(), e);
                error(ctx, ApiError.internal("internal error: " + e));
            });
            c.routes.error(404, ctx -> {
                // an ApiError answered already (unknown model); otherwise Javalin's plain-text "not found"
                if (!"application/json".equals(ctx.res().getContentType())) {
                    error(ctx, ApiError.notFound("not_found", "no route for " + ctx.method() + " " + ctx.path()));
                }
            });
            c.routes.after(ctx -> Counter.builder("jllm.http.requests").description("HTTP requests answered")
                    .tag("path", routeTag(ctx)).tag("status", Integer.toString(ctx.statusCode()))
                    .register(registry).increment());
        });
    }

    /** Known routes by name; anything else as "other", so that random paths cannot grow the metric without bound. */
    private static String routeTag(Context ctx) {
        return switch (ctx.path()) {
            case "/v1/chat/completions", "/v1/completions", "/v1/models", "/health", "/metrics" -> ctx.path();
            default -> RagEndpoints.PATHS.contains(ctx.path()) ? ctx.path() : ctx.path().startsWith("/v1/rag/documents/") ? "/v1/rag/documents/{id}" : "other";
        };
    }

    /** Starts listening; {@code /health} answers 503 until {@link #ready}. */
    public OpenAiServer start() {
        app.start(config.host(), config.port());
        return this;
    }

    /** The port listened on (the ephemeral one chosen when the configured port is 0). */
    public int port() {
        return app.port();
    }

    /** The model is loaded: requests are served from now on. */
    public void ready(ServedModel m) {
        this.model = Objects.requireNonNull(m, "served model");
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /**
     * Graceful shutdown: /health turns 503 and new requests are refused with 503 at once; requests in flight get up
     * to {@code grace} to finish (then fail with 503); then the listener closes.
     */
    public void stop(Duration grace) {
        stopping = true;
        ServedModel m = model;
        if (m != null) {
            m.engine().shutdown(grace);
            try {
                m.engine().awaitTermination(grace.plusSeconds(30));
                // let the connection threads write what the engine handed them
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            m.engine().close();
        }
        app.stop();
    }

    @Override
    public void close() {
        stop(Duration.ZERO);
    }

    private ServedModel readyModel() {
        ServedModel m = model;
        if (stopping) throw ApiError.unavailable("shutting_down", "the server is shutting down", 5);
        if (m == null) throw ApiError.unavailable("loading", "the model is still loading", 5);
        return m;
    }

    private void health(Context ctx) {
        ServedModel m = model;
        String status = stopping ? "shutting_down" : m == null ? "loading" : "ok";
        ctx.status(status.equals("ok") ? 200 : 503).contentType("application/json").result("{\"status\":\"" + status + "\"}");
    }

    private void models(Context ctx) throws JsonProcessingException {
        ServedModel m = readyModel();
        ObjectNode out = JsonNodeFactory.instance.objectNode().put("object", "list");
        out.putArray("data").addObject().put("id", m.name()).put("object", "model").put("created", 0)
                .put("owned_by", "jllm").put("max_model_len", m.engine().contextSize());
        ctx.contentType("application/json").result(JSON.writeValueAsString(out));
    }

    static ObjectNode errorBody(ApiError e) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ObjectNode err = body.putObject("error");
        err.put("message", e.getMessage()).put("type", e.type()).put("param", e.param()).put("code", e.code());
        return body;
    }

    private static void error(Context ctx, ApiError e) {
        if (ctx.res().isCommitted()) return; // a stream already under way reports its errors in-band
        if (e.retryAfterSeconds() > 0) ctx.header("Retry-After", Integer.toString(e.retryAfterSeconds()));
        try {
            ctx.status(e.status()).contentType("application/json").result(JSON.writeValueAsString(errorBody(e)));
        } catch (JsonProcessingException x) {
            throw new IllegalStateException(x);
        }
    }
}

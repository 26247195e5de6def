package dev.jllm.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jllm.server.http.QueuedListener.ChoiceFinished;
import dev.jllm.server.http.QueuedListener.Completed;
import dev.jllm.server.http.QueuedListener.Event;
import dev.jllm.server.http.QueuedListener.Failed;
import dev.jllm.server.http.QueuedListener.Token;
import dev.jllm.server.http.ResponseShape.LoggedToken;
import dev.jllm.server.serving.GenerationRequest;
import dev.jllm.server.serving.RejectedRequestException;
import dev.jllm.server.serving.RequestHandle;
import io.javalin.http.Context;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.server.Request;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * POST /v1/chat/completions and /v1/completions: reads and checks the request, turns it into prompt tokens, submits
 * it to the serving engine and answers either at once when done, or as server-sent events ({@code data: {...}}
 * chunks, then {@code data: [DONE]}). A streaming client that goes away is noticed at the next write (a comment line
 * is written every second while nothing else is) and its request is cancelled, which frees its KV blocks.
 */
final class CompletionEndpoint {
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final long KEEP_ALIVE_MILLIS = 1000;
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEEP_ALIVE = ": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII);

    private final ResponseShape shape;
    private final boolean chat;
    private final Supplier<ServedModel> model;
    private final long maxBodyBytes;
    private final Duration requestTimeout;

    CompletionEndpoint(boolean chat, Supplier<ServedModel> model, long maxBodyBytes, Duration requestTimeout) {
        this.chat = chat;
        this.shape = chat ? new ResponseShape.Chat() : new ResponseShape.Text();
        this.model = model;
        this.maxBodyBytes = maxBodyBytes;
        this.requestTimeout = requestTimeout;
    }

    void handle(Context ctx) throws IOException, InterruptedException {
        ServedModel m = model.get();
        JsonBody body = new JsonBody(readJson(ctx, maxBodyBytes));
        CompletionParameters p = CompletionParameters.parse(body, chat);
        if (p.model() != null && !p.model().equals(m.name())) {
            throw ApiError.notFound("model_not_found", "The model '" + p.model() + "' does not exist; this server serves '" + m.name() + "'");
        }
        int[] prompt = chat ? m.chatPrompt(ChatMessages.parse(body.raw("messages"))) : m.textPrompt(body.raw("prompt"));
        int context = m.engine().contextSize();
        if (prompt.length >= context || p.maxTokens() > 0 && (long) prompt.length + p.maxTokens() > context) {
            String wanted = p.maxTokens() > 0 ? (prompt.length + p.maxTokens()) + " tokens (" + prompt.length
                    + " in the prompt, " + p.maxTokens() + " for the completion)" : prompt.length + " tokens in the prompt";
            throw ApiError.invalid(chat ? "messages" : "prompt", "This model's maximum context length is " + context
                    + " tokens. However, you requested " + wanted + ".");
        }
        if (p.choices() > m.engine().maxChoices()) {
            throw ApiError.invalid("n", "'n' is " + p.choices() + ", but this server runs at most " + m.engine().maxChoices()
                    + " sequences at once");
        }
        long deadline = System.nanoTime() + requestTimeout.toNanos();
        GenerationRequest request = new GenerationRequest(prompt, p.options(), p.choices(), p.topLogprobs(), deadline);
        QueuedListener events = new QueuedListener();
        RequestHandle handle;
        try {
            handle = m.engine().submit(request, events);
        } catch (RejectedRequestException e) {
            throw switch (e.reason()) {
                case QUEUE_FULL -> ApiError.overloaded(e.getMessage(), e.retryAfterSeconds());
                case SHUTTING_DOWN -> ApiError.unavailable("shutting_down", e.getMessage(), e.retryAfterSeconds());
            };
        }
        String id = shape.idPrefix() + UUID.randomUUID().toString().replace("-", "");
        long created = System.currentTimeMillis() / 1000;
        Response r = new Response(m, p, id, created);
        watchConnection(ctx, handle);
        if (p.stream()) stream(ctx, r, events, handle);
        else respond(ctx, r, events, handle);
    }

    /**
     * Cancels the request when Jetty sees its connection fail. Jetty reads nothing more from a connection whose
     * request body is consumed, so a client that silently goes away while waiting for a non-streamed answer is only
     * noticed when the answer is written (or at the deadline); a streaming one within a keep-alive interval. The
     * request's own deadline, not Jetty's idle timeout, limits how long a client may wait for a long answer.
     */
    private static void watchConnection(Context ctx, RequestHandle handle) {
        Request request = ServletContextRequest.getServletContextRequest(ctx.req());
        if (request == null) return;
        request.addFailureListener(failure -> handle.cancel());
        request.addIdleTimeoutListener(timeout -> false);
    }

    /** What a request's answer is built from. */
    private record Response(ServedModel model, CompletionParameters params, String id, long created) {}

    private void respond(Context ctx, Response r, QueuedListener events, RequestHandle handle) throws InterruptedException {
        int n = r.params().choices();
        StringBuilder[] texts = new StringBuilder[n];
        List<List<LoggedToken>> logged = new ArrayList<>();
        String[] reasons = new String[n];
        for (int i = 0; i < n; i++) {
            texts[i] = new StringBuilder();
            logged.add(new ArrayList<>());
        }
        try {
            while (true) {
                Event e = events.poll(KEEP_ALIVE_MILLIS);
                switch (e) {
                    case null -> { }
                    case Token t -> {
                        if (t.logprobs() != null) logged.get(t.choice()).add(new LoggedToken(t.token(), t.logprobs(), texts[t.choice()].length()));
                        texts[t.choice()].append(t.text());
                    }
                    case ChoiceFinished f -> reasons[f.choice()] = f.reason().apiName();
                    case Completed c -> {
                        ObjectNode out = envelope(r, shape.object());
                        ArrayNode choices = out.putArray("choices");
                        for (int i = 0; i < n; i++) {
                            ObjectNode lp = r.params().topLogprobs() >= 0 ? shape.logprobs(logged.get(i), r.model().tokenizer()) : null;
                            choices.add(shape.choice(i, texts[i].toString(), lp, reasons[i]));
                        }
                        out.set("usage", usage(c));
                        ctx.status(200).contentType("application/json").result(JSON.writeValueAsString(out));
                        return;
                    }
                    case Failed f -> throw failure(f);
                }
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        } finally {
            handle.cancel(); // a no-op once completed; frees the blocks when this thread stops early
        }
    }

    private void stream(Context ctx, Response r, QueuedListener events, RequestHandle handle) throws InterruptedException {
        HttpServletResponse res = ctx.res();
        res.setStatus(200);
        res.setContentType("text/event-stream");
        res.setCharacterEncoding("UTF-8");
        res.setHeader("Cache-Control", "no-cache");
        res.setHeader("X-Accel-Buffering", "no");
        int n = r.params().choices();
        boolean[] opened = new boolean[n];
        int[] offsets = new int[n];
        try {
            OutputStream out = res.getOutputStream();
            if (chat) {
                for (int i = 0; i < n; i++) {
                    send(out, chunk(r, shape.chunkChoice(i, "", true, null, null)));
                    opened[i] = true;
                }
            }
            while (true) {
                Event e = events.poll(KEEP_ALIVE_MILLIS);
                switch (e) {
                    case null -> {
                        out.write(KEEP_ALIVE);
                        out.flush();
                    }
                    case Token t -> {
                        ObjectNode lp = t.logprobs() == null ? null
                                : shape.logprobs(List.of(new LoggedToken(t.token(), t.logprobs(), offsets[t.choice()])), r.model().tokenizer());
                        offsets[t.choice()] += t.text().length();
                        if (!t.text().isEmpty() || lp != null) send(out, chunk(r, shape.chunkChoice(t.choice(), t.text(), false, lp, null)));
                    }
                    case ChoiceFinished f -> send(out, chunk(r, shape.chunkChoice(f.choice(), null, false, null, f.reason().apiName())));
                    case Completed c -> {
                        if (r.params().includeUsage()) {
                            ObjectNode u = envelope(r, shape.chunkObject());
                            u.putArray("choices");
                            u.set("usage", usage(c));
                            send(out, u);
                        }
                        out.write(DONE);
                        out.flush();
                        return;
                    }
                    case Failed f -> {
                        ApiError error = failure(f);
                        send(out, OpenAiServer.errorBody(error));
                        out.write(DONE);
                        out.flush();
                        return;
                    }
                }
            }
        } catch (IOException gone) {
            // the client closed the connection: nobody reads this answer any more
        } finally {
            handle.cancel();
        }
    }

    private ObjectNode chunk(Response r, ObjectNode choice) {
        ObjectNode c = envelope(r, shape.chunkObject());
        c.putArray("choices").add(choice);
        if (r.params().includeUsage()) c.putNull("usage");
        return c;
    }

    private ObjectNode envelope(Response r, String object) {
        ObjectNode o = ResponseShape.JSON.objectNode();
        o.put("id", r.id()).put("object", object).put("created", r.created()).put("model", r.model().name());
        o.putNull("system_fingerprint");
        return o;
    }

    private static ObjectNode usage(Completed c) {
        return ResponseShape.JSON.objectNode().put("prompt_tokens", c.promptTokens())
                .put("completion_tokens", c.completionTokens())
                .put("total_tokens", c.promptTokens() + c.completionTokens());
    }

    private static void send(OutputStream out, ObjectNode data) throws IOException {
        out.write(("data: " + JSON.writeValueAsString(data) + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static ApiError failure(Failed f) {
        return switch (f.failure()) {
            case TIMEOUT -> ApiError.unavailable("timeout", f.message(), 1);
            case SHUTDOWN -> ApiError.unavailable("shutting_down", f.message(), 5);
            case INTERNAL -> ApiError.internal(f.message());
        };
    }

    /** Reads the body as JSON, refusing more than {@code limit} bytes (413) and anything that is not JSON (400). */
    static JsonNode readJson(Context ctx, long limit) throws IOException {
        long declared = ctx.req().getContentLengthLong();
        if (declared > limit) throw ApiError.tooLarge("the request body is " + declared + " bytes, more than the limit of " + limit);
        byte[] bytes;
        try (InputStream in = ctx.req().getInputStream()) {
            bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
        }
        if (bytes.length > limit) throw ApiError.tooLarge("the request body is more than the limit of " + limit + " bytes");
        if (bytes.length == 0) throw ApiError.invalid(null, "the request body is empty; it must be a JSON object");
        try {
            return JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw ApiError.invalid(null, "the request body is not valid JSON: " + e.getOriginalMessage());
        }
    }
}

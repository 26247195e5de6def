package dev.jllm.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jllm.engine.tokenizer.Tokenizer;
import dev.jllm.server.serving.TokenLogprobs;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * How the two completion endpoints spell their answers: {@code chat.completion} with messages and deltas, or
 * {@code text_completion} with text, each with its own log-probability layout.
 */
sealed interface ResponseShape {
    JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** One generated token with its log-probabilities, at {@code textOffset} characters into the choice's text. */
    record LoggedToken(int token, TokenLogprobs logprobs, int textOffset) {}

    String idPrefix();

    String object();

    String chunkObject();

    /** A choice of a complete response. */
    ObjectNode choice(int index, String text, ObjectNode logprobs, String finishReason);

    /** A choice of a streamed chunk; {@code first} marks a chat choice's opening delta (with the role). */
    ObjectNode chunkChoice(int index, String text, boolean first, ObjectNode logprobs, String finishReason);

    ObjectNode logprobs(List<LoggedToken> tokens, Tokenizer tokenizer);

    static String tokenText(Tokenizer tokenizer, int token) {
        return new String(tokenizer.tokenBytes(token), StandardCharsets.UTF_8);
    }

    static ArrayNode bytes(Tokenizer tokenizer, int token) {
        ArrayNode a = JSON.arrayNode();
        for (byte b : tokenizer.tokenBytes(token)) a.add(b & 0xff);
        return a;
    }

    final class Chat implements ResponseShape {
        @Override
        public String idPrefix() {
            return "chatcmpl-";
        }

        @Override
        public String object() {
            return "chat.completion";
        }

        @Override
        public String chunkObject() {
            return "chat.completion.chunk";
        }

        @Override
        public ObjectNode choice(int index, String text, ObjectNode logprobs, String finishReason) {
            ObjectNode c = JSON.objectNode().put("index", index);
            c.putObject("message").put("role", "assistant").put("content", text).putNull("refusal");
            c.set("logprobs", logprobs);
            c.put("finish_reason", finishReason);
            return c;
        }

        @Override
        public ObjectNode chunkChoice(int index, String text, boolean first, ObjectNode logprobs, String finishReason) {
            ObjectNode c = JSON.objectNode().put("index", index);
            ObjectNode delta = c.putObject("delta");
            if (first) delta.put("role", "assistant");
            if (text != null) delta.put("content", text);
            c.set("logprobs", logprobs);
            c.put("finish_reason", finishReason);
            return c;
        }

        @Override
        public ObjectNode logprobs(List<LoggedToken> tokens, Tokenizer tokenizer) {
            ObjectNode out = JSON.objectNode();
            ArrayNode content = out.putArray("content");
            for (LoggedToken t : tokens) {
                ObjectNode e = content.addObject();
                e.put("token", tokenText(tokenizer, t.token())).put("logprob", t.logprobs().logprob());
                e.set("bytes", bytes(tokenizer, t.token()));
                ArrayNode top = e.putArray("top_logprobs");
                for (int i = 0; i < t.logprobs().topIds().length; i++) {
                    int id = t.logprobs().topIds()[i];
                    ObjectNode alt = top.addObject().put("token", tokenText(tokenizer, id)).put("logprob", t.logprobs().topLogprobs()[i]);
                    alt.set("bytes", bytes(tokenizer, id));
                }
            }
            out.putNull("refusal");
            return out;
        }
    }

    final class Text implements ResponseShape {
        @Override
        public String idPrefix() {
            return "cmpl-";
        }

        @Override
        public String object() {
            return "text_completion";
        }

        @Override
        public String chunkObject() {
            return "text_completion";
        }

        @Override
        public ObjectNode choice(int index, String text, ObjectNode logprobs, String finishReason) {
            ObjectNode c = JSON.objectNode().put("index", index).put("text", text);
            c.set("logprobs", logprobs);
            c.put("finish_reason", finishReason);
            return c;
        }

        @Override
        public ObjectNode chunkChoice(int index, String text, boolean first, ObjectNode logprobs, String finishReason) {
            return choice(index, text == null ? "" : text, logprobs, finishReason);
        }

        @Override
        public ObjectNode logprobs(List<LoggedToken> tokens, Tokenizer tokenizer) {
            ObjectNode out = JSON.objectNode();
            ArrayNode texts = out.putArray("tokens");
            ArrayNode lps = out.putArray("token_logprobs");
            ArrayNode top = out.putArray("top_logprobs");
            ArrayNode offsets = out.putArray("text_offset");
            for (LoggedToken t : tokens) {
                texts.add(tokenText(tokenizer, t.token()));
                lps.add(t.logprobs().logprob());
                ObjectNode alts = top.addObject();
                for (int i = 0; i < t.logprobs().topIds().length; i++) {
                    alts.put(tokenText(tokenizer, t.logprobs().topIds()[i]), t.logprobs().topLogprobs()[i]);
                }
                offsets.add(t.textOffset());
            }
            return out;
        }
    }
}

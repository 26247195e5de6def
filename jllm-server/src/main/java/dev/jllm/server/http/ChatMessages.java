package dev.jllm.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jllm.api.ChatMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Reads OpenAI's {@code messages}: roles, and content as a string or an array of text parts. */
final class ChatMessages {
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool");

    private ChatMessages() {}

    static List<ChatMessage> parse(JsonNode messages) {
        if (messages == null) throw ApiError.invalid("messages", "'messages' is required");
        if (!messages.isArray()) throw ApiError.invalid("messages", "'messages' must be an array, got " + JsonBody.kind(messages));
        if (messages.isEmpty()) throw ApiError.invalid("messages", "'messages' must not be empty");
        List<ChatMessage> out = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            String where = "messages[" + i + "]";
            if (!m.isObject()) throw ApiError.invalid(where, where + " must be an object, got " + JsonBody.kind(m));
            JsonNode role = m.get("role");
            if (role == null || !role.isTextual() || !ROLES.contains(role.asText())) {
                throw ApiError.invalid(where + ".role", where + ".role must be one of " + ROLES + ", got " + role);
            }
            // "developer" is OpenAI's newer name for the system role; templates know "system"
            String r = role.asText().equals("developer") ? "system" : role.asText();
            out.add(new ChatMessage(r, content(m.get("content"), where + ".content")));
        }
        return out;
    }

    private static String content(JsonNode c, String where) {
        if (c == null || c.isNull()) return "";
        if (c.isTextual()) return c.asText();
        if (!c.isArray()) throw ApiError.invalid(where, where + " must be a string or an array of parts, got " + JsonBody.kind(c));
        StringBuilder text = new StringBuilder();
        for (JsonNode part : c) {
            JsonNode type = part.get("type");
            if (type == null || !"text".equals(type.asText()) || !part.path("text").isTextual()) {
                throw ApiError.invalid(where, where + " may only hold text parts ({\"type\":\"text\",\"text\":...}); got " + part);
            }
            text.append(part.get("text").asText());
        }
        return text.toString();
    }
}

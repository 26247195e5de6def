package dev.jllm.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Typed, checked access to the fields of a request's JSON object: a field of the wrong type or out of range is a 400
 * that names it. JSON null counts as absent, as OpenAI treats it.
 */
final class JsonBody {
    private final ObjectNode node;

    JsonBody(JsonNode node) {
        if (node == null || !node.isObject()) throw ApiError.invalid(null, "the request body must be a JSON object");
        this.node = (ObjectNode) node;
    }

    JsonNode raw(String name) {
        JsonNode v = node.get(name);
        return v == null || v.isNull() ? null : v;
    }

    boolean has(String name) {
        return raw(name) != null;
    }

    Optional<String> string(String name) {
        JsonNode v = raw(name);
        if (v == null) return Optional.empty();
        if (!v.isTextual()) throw ApiError.invalid(name, "'" + name + "' must be a string, got " + kind(v));
        return Optional.of(v.asText());
    }

    Optional<Boolean> bool(String name) {
        JsonNode v = raw(name);
        if (v == null) return Optional.empty();
        if (!v.isBoolean()) throw ApiError.invalid(name, "'" + name + "' must be a boolean, got " + kind(v));
        return Optional.of(v.asBoolean());
    }

    Optional<Long> integer(String name, long min, long max) {
        JsonNode v = raw(name);
        if (v == null) return Optional.empty();
        boolean integral = v.isIntegralNumber() || v.isNumber() && v.asDouble() == Math.rint(v.asDouble());
        if (!integral || !v.canConvertToLong()) {
            throw ApiError.invalid(name, "'" + name + "' must be an integer, got " + kind(v) + " " + v);
        }
        long x = v.asLong();
        if (x < min || x > max) throw ApiError.invalid(name, "'" + name + "' must be in [" + min + ", " + max + "], got " + x);
        return Optional.of(x);
    }

    Optional<Double> number(String name, double min, double max) {
        JsonNode v = raw(name);
        if (v == null) return Optional.empty();
        if (!v.isNumber()) throw ApiError.invalid(name, "'" + name + "' must be a number, got " + kind(v));
        double x = v.asDouble();
        if (!(x >= min && x <= max)) throw ApiError.invalid(name, "'" + name + "' must be in [" + min + ", " + max + "], got " + x);
        return Optional.of(x);
    }

    /** A string or an array of strings (OpenAI's {@code stop}). */
    List<String> strings(String name, int maxCount) {
        JsonNode v = raw(name);
        List<String> out = new ArrayList<>();
        if (v == null) return out;
        if (v.isTextual()) {
            out.add(v.asText());
        } else if (v.isArray()) {
            for (JsonNode e : v) {
                if (!e.isTextual()) throw ApiError.invalid(name, "'" + name + "' must hold strings, got " + kind(e));
                out.add(e.asText());
            }
        } else {
            throw ApiError.invalid(name, "'" + name + "' must be a string or an array of strings, got " + kind(v));
        }
        if (out.size() > maxCount) throw ApiError.invalid(name, "'" + name + "' holds " + out.size() + " strings, at most " + maxCount + " are allowed");
        for (String s : out) if (s.isEmpty()) throw ApiError.invalid(name, "'" + name + "' must not contain an empty string");
        return out;
    }

    static String kind(JsonNode v) {
        if (v.isTextual()) return "a string";
        if (v.isBoolean()) return "a boolean";
        if (v.isNumber()) return "a number";
        if (v.isArray()) return "an array";
        if (v.isObject()) return "an object";
        return v.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
    }
}

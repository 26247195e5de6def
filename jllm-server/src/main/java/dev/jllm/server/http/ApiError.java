package dev.jllm.server.http;

/**
 * An error answered in OpenAI's shape, {@code {"error":{"message","type","param","code"}}}, with its HTTP status
 * (and {@code Retry-After} for 429 and 503).
 */
public final class ApiError extends RuntimeException {
    private final int status;
    private final String type;
    private final String param;
    private final String code;
    private final int retryAfterSeconds;

    private ApiError(int status, String type, String param, String code, String message, int retryAfterSeconds) {
        super(message);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** 400: the request is malformed or a parameter is wrong; {@code param} names it (or is null). */
    public static ApiError invalid(String param, String message) {
        return new ApiError(400, "invalid_request_error", param, param == null ? null : "invalid_value", message, 0);
    }

    public static ApiError notFound(String code, String message) {
        return new ApiError(404, "invalid_request_error", null, code, message, 0);
    }

    public static ApiError tooLarge(String message) {
        return new ApiError(413, "invalid_request_error", null, "request_too_large", message, 0);
    }

    public static ApiError overloaded(String message, int retryAfterSeconds) {
        return new ApiError(429, "server_overloaded", null, "queue_full", message, retryAfterSeconds);
    }

    public static ApiError unavailable(String code, String message, int retryAfterSeconds) {
        return new ApiError(503, "service_unavailable", null, code, message, retryAfterSeconds);
    }

    public static ApiError internal(String message) {
        return new ApiError(500, "server_error", null, "internal_error", message, 0);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String param() {
        return param;
    }

    public String code() {
        return code;
    }

    /** Seconds for the Retry-After header; 0 for none. */
    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}

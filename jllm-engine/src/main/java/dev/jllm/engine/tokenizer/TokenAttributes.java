package dev.jllm.engine.tokenizer;

/** llama.cpp's per-token attribute bits (llama_token_attr), derived from the GGUF token type and adjusted on load. */
final class TokenAttributes {
    static final int UNDEFINED = 0;
    static final int UNKNOWN = 1;
    static final int UNUSED = 1 << 1;
    static final int NORMAL = 1 << 2;
    static final int CONTROL = 1 << 3;
    static final int USER_DEFINED = 1 << 4;
    static final int BYTE = 1 << 5;
    static final int LSTRIP = 1 << 7;
    static final int RSTRIP = 1 << 8;

    private TokenAttributes() {}

    static int fromTokenType(int type) {
        return switch (type) {
            case TokenType.UNKNOWN -> UNKNOWN;
            case TokenType.UNUSED -> UNUSED;
            case TokenType.NORMAL -> NORMAL;
            case TokenType.CONTROL -> CONTROL;
            case TokenType.USER_DEFINED -> USER_DEFINED;
            case TokenType.BYTE -> BYTE;
            default -> UNDEFINED;
        };
    }

    /** The token type that best names these attributes; CONTROL wins over UNUSED, as it decides behaviour. */
    static int toTokenType(int attrs) {
        if ((attrs & UNKNOWN) != 0) return TokenType.UNKNOWN;
        if ((attrs & CONTROL) != 0) return TokenType.CONTROL;
        if ((attrs & USER_DEFINED) != 0) return TokenType.USER_DEFINED;
        if ((attrs & BYTE) != 0) return TokenType.BYTE;
        if ((attrs & NORMAL) != 0) return TokenType.NORMAL;
        if ((attrs & UNUSED) != 0) return TokenType.UNUSED;
        return TokenType.UNDEFINED;
    }
}

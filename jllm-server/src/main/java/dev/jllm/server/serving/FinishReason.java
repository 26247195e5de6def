package dev.jllm.server.serving;

/** Why a choice ended, with the name OpenAI's API gives it. */
public enum FinishReason {
    STOP("stop"),
    LENGTH("length");

    private final String apiName;

    FinishReason(String apiName) {
        this.apiName = apiName;
    }

    public String apiName() {
        return apiName;
    }
}

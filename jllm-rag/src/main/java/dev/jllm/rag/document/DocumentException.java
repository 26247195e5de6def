package dev.jllm.rag.document;

/** A document that cannot be read, with a message that names it and says what is wrong. */
public final class DocumentException extends Exception {
    public DocumentException(String document, String problem) {
        super(document + ": " + problem);
    }

    public DocumentException(String document, String problem, Throwable cause) {
        super(document + ": " + problem, cause);
    }
}

package dev.jllm.rag.document;

/** Extracts a document's text from a file's bytes. One implementation per file type. */
public interface DocumentReader {
    /** The file type this reader handles, as chunks record it in their {@code type} metadata. */
    String type();

    /**
     * The document in {@code bytes}, read from the file named {@code name} (for messages and the default title).
     *
     * @throws DocumentException when the bytes are not a readable document of this type
     */
    Document read(String name, byte[] bytes) throws DocumentException;
}

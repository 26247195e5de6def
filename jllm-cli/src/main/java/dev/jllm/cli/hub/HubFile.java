package dev.jllm.cli.hub;

/**
 * A file of a hub repository: its path in the repository, its size (-1 when unknown) and its SHA-256 (hex, or null
 * when the hub gives none: only files stored with Git LFS have one).
 */
public record HubFile(String path, long size, String sha256) {

    /** The file name without folders. */
    public String name() {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}

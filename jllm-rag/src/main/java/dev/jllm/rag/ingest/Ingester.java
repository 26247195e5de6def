package dev.jllm.rag.ingest;

import dev.jllm.api.EmbeddingModel;
import dev.jllm.rag.chunk.Chunker;
import dev.jllm.rag.chunk.TextChunk;
import dev.jllm.rag.document.BeirRecord;
import dev.jllm.rag.document.Document;
import dev.jllm.rag.document.DocumentException;
import dev.jllm.rag.document.DocumentReader;
import dev.jllm.rag.document.Utf8;
import dev.jllm.rag.retrieve.Vectors;
import dev.jllm.rag.store.Chunk;
import dev.jllm.rag.store.EmbeddingStore;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Brings a folder (or one file) into a store, incrementally. Every document (a file, or a record of a JSONL file) has
 * a content hash (SHA-256 of its bytes and the chunking settings): an unchanged document is skipped, a changed one
 * has its chunks replaced, and documents gone from the folder are deleted. Chunks are embedded in batches. The store
 * commits every {@value #COMMIT_EVERY} documents and at the end, so a crash loses at most the work since the last
 * commit and a rerun finishes the job. A document that cannot be read is reported with its reason and skipped; the
 * rest of the ingest goes on, and its chunks from an earlier ingest stay.
 */
public final class Ingester {
    static final int COMMIT_EVERY = 1000;
    private static final int EMBED_BATCH = 128;

    private final EmbeddingStore store;
    private final EmbeddingModel embeddings;
    private final Chunker chunker;
    private final String chunking;
    private final long maxFileBytes;
    private final Progress progress;
    private final int commitEvery;

    /**
     * @param embeddings  the model for chunk vectors; null for a text-only (BM25) store
     * @param chunking    the chunker's settings as text (part of every content hash, so new settings re-chunk)
     * @param maxFileBytes the largest file read whole (JSONL files are streamed and have no limit)
     */
    public Ingester(EmbeddingStore store, EmbeddingModel embeddings, Chunker chunker, String chunking, long maxFileBytes,
                    Progress progress) {
        this(store, embeddings, chunker, chunking, maxFileBytes, progress, COMMIT_EVERY);
    }

    Ingester(EmbeddingStore store, EmbeddingModel embeddings, Chunker chunker, String chunking, long maxFileBytes,
             Progress progress, int commitEvery) {
        if (store.settings().hasVectors() != (embeddings != null)) {
            throw new IllegalArgumentException("the store holds " + store.settings().describe() + " but the ingest "
                    + (embeddings == null ? "has no embedding model" : "uses " + embeddings.name()));
        }
        this.store = store;
        this.embeddings = embeddings;
        this.chunker = chunker;
        this.chunking = chunking;
        this.maxFileBytes = maxFileBytes;
        this.progress = progress;
        this.commitEvery = commitEvery;
    }

    /** One ingest run: state that lives until its report. */
    private final class Run {
        final Map<String, String> existing = store.sourceHashes();
        final Set<String> seen = new HashSet<>();
        final Set<String> failedFiles = new HashSet<>();
        final List<String> failures = new ArrayList<>();
        final List<Pending> pending = new ArrayList<>();
        int pendingChunks, added, updated, unchanged, chunks, sinceCommit;
        long read, reported;

        record Pending(String source, String hash, List<Chunk> chunks) {}

        void file(Path file) {
            String source = file.toString();
            try {
                long size = Files.size(file);
                if (size > maxFileBytes) {
                    fail(file, String.format(Locale.ROOT, "is %.1f MB, over the %.1f MB limit for one file (--max-file-mb)",
                            size / 1e6, maxFileBytes / 1e6));
                    return;
                }
                if (size == 0) {
                    fail(file, "is empty");
                    return;
                }
                byte[] bytes = Files.readAllBytes(file);
                String hash = hash(bytes);
                if (skip(source, hash)) return;
                DocumentReader reader = DocumentTypes.reader(file).orElseThrow();
                document(source, hash, reader.read(source, bytes));
            } catch (DocumentException e) {
                fail(file, e);
            } catch (IOException e) {
                fail(file, "cannot be read (" + e + ")");
            } finally {
                step();
            }
        }

        void jsonl(Path file) {
            String name = file.toString();
            try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
                int lineNumber = 0;
                for (byte[] line = line(in); line != null; line = line(in)) {
                    lineNumber++;
                    if (isBlank(line)) continue;
                    try {
                        Document doc = BeirRecord.parse(name, lineNumber, Utf8.decode(name + " line " + lineNumber, line));
                        String source = name + "#" + doc.id();
                        String hash = hash(line);
                        if (!skip(source, hash)) document(source, hash, doc);
                    } catch (DocumentException e) {
                        failedFiles.add(name);
                        failures.add(e.getMessage());
                    }
                    step();
                }
            } catch (IOException e) {
                fail(file, "cannot be read (" + e + ")");
            }
        }

        private boolean skip(String source, String hash) {
            if (!seen.add(source)) throw new IllegalStateException("document " + source + " appears twice");
            if (hash.equals(existing.get(source))) {
                unchanged++;
                return true;
            }
            return false;
        }

        private void document(String source, String hash, Document doc) throws DocumentException {
            List<Chunk> out = new ArrayList<>();
            for (Document.Section section : doc.sections()) {
                for (TextChunk piece : chunker.chunk(section.text())) {
                    Map<String, String> metadata = new HashMap<>(doc.metadata());
                    metadata.putAll(section.metadata());
                    metadata.putAll(piece.metadata());
                    out.add(new Chunk(source + "#" + out.size(), doc.id(), source, doc.title(), piece.text(), metadata, null));
                }
            }
            if (out.isEmpty()) throw new DocumentException(source, "holds no text");
            if (existing.containsKey(source)) updated++;
            else added++;
            pending.add(new Pending(source, hash, out));
            pendingChunks += out.size();
            if (pendingChunks >= EMBED_BATCH || pending.size() >= commitEvery) flush();
        }

        void flush() {
            if (pending.isEmpty()) return;
            if (embeddings != null) {
                List<Chunk> all = pending.stream().flatMap(p -> p.chunks().stream()).toList();
                List<float[]> vectors = embeddings.embedAll(all.stream().map(Chunk::embeddingText).toList());
                int i = 0;
                for (int p = 0; p < pending.size(); p++) {
                    Pending src = pending.get(p);
                    List<Chunk> withVectors = new ArrayList<>(src.chunks().size());
                    for (Chunk c : src.chunks()) withVectors.add(c.withVector(Vectors.unit(vectors.get(i++))));
                    pending.set(p, new Pending(src.source(), src.hash(), withVectors));
                }
            }
            for (Pending p : pending) {
                store.replaceSource(p.source(), p.hash(), p.chunks());
                chunks += p.chunks().size();
                sinceCommit++;
            }
            pending.clear();
            pendingChunks = 0;
            if (sinceCommit >= commitEvery) {
                store.commit();
                sinceCommit = 0;
            }
            report();
        }

        private void fail(Path file, String problem) {
            failedFiles.add(file.toString());
            failures.add(file + ": " + problem);
        }

        private void fail(Path file, DocumentException e) {
            failedFiles.add(file.toString());
            failures.add(e.getMessage());
        }

        private void step() {
            read++;
            report();
        }

        /** Tells the progress how many documents are through: read, and stored or skipped (not waiting in a batch). */
        private void report() {
            long through = read - pending.size();
            if (through != reported) progress.advance(reported = through);
        }

        /** Deletes the sources under {@code root} that this run did not see, except those of files that failed. */
        int deleteMissing(Path root) {
            String prefix = Files.isDirectory(root) ? root + root.getFileSystem().getSeparator() : root.toString();
            int deleted = 0;
            for (String source : existing.keySet()) {
                if (seen.contains(source) || !source.startsWith(prefix)) continue;
                if (failedFiles.stream().anyMatch(f -> source.equals(f) || source.startsWith(f + "#"))) continue;
                store.deleteSource(source);
                deleted++;
            }
            return deleted;
        }
    }

    /** Ingests every supported file under {@code root} (or {@code root} itself when it is a file). */
    public IngestReport ingest(Path root) {
        Path base = root.toAbsolutePath().normalize();
        if (!Files.exists(base)) throw new IllegalArgumentException("no such file or folder: " + root);
        long started = System.nanoTime();
        List<Path> files = files(base);
        Run run = new Run();
        progress.start(countDocuments(files));
        for (Path file : files) {
            if (DocumentTypes.isJsonl(file)) run.jsonl(file);
            else run.file(file);
        }
        run.flush();
        int deleted = run.deleteMissing(base);
        store.commit();
        progress.finish();
        return new IngestReport(run.added, run.updated, run.unchanged, deleted, run.chunks, run.failures,
                (System.nanoTime() - started) / 1e9);
    }

    /** The source key of a document given in memory (through an API) rather than read from a file. */
    public static String apiSource(String documentId) {
        return "api:" + documentId;
    }

    /**
     * Ingests documents given in memory, as an HTTP API receives them: each is the source {@link #apiSource} of its
     * id, skipped when unchanged (its hash covers title, text and metadata), replaced when changed. Nothing else is
     * deleted.
     */
    public IngestReport ingestDocuments(List<Document> documents) {
        long started = System.nanoTime();
        Run run = new Run();
        progress.start(documents.size());
        for (Document doc : documents) {
            String source = apiSource(doc.id());
            StringBuilder content = new StringBuilder(doc.title()).append('\u0000');
            doc.sections().forEach(sec -> content.append(sec.text()).append('\u0000').append(new TreeMap<>(sec.metadata())).append('\u0000'));
            content.append(new TreeMap<>(doc.metadata()));
            String hash = hash(content.toString().getBytes(StandardCharsets.UTF_8));
            try {
                if (!run.skip(source, hash)) run.document(source, hash, doc);
            } catch (DocumentException e) {
                run.failures.add(e.getMessage());
            }
            run.step();
        }
        run.flush();
        store.commit();
        progress.finish();
        return new IngestReport(run.added, run.updated, run.unchanged, 0, run.chunks, run.failures, (System.nanoTime() - started) / 1e9);
    }

    /** The supported files under {@code root}, in a stable order; hidden files and folders are left out. */
    static List<Path> files(Path root) {
        if (Files.isRegularFile(root)) {
            if (!DocumentTypes.supported(root)) {
                throw new IllegalArgumentException(root + ": unsupported file type (supported: .txt .md .html .htm .pdf .jsonl)");
            }
            return List.of(root);
        }
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(p -> !hidden(root, p) && Files.isRegularFile(p) && DocumentTypes.supported(p)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root + ": " + e.getMessage(), e);
        }
    }

    private static boolean hidden(Path root, Path p) {
        for (Path part : root.relativize(p)) if (part.toString().startsWith(".")) return true;
        return false;
    }

    /** Files count one each; JSONL files one per non-blank line. */
    private static long countDocuments(List<Path> files) {
        long n = 0;
        for (Path f : files) {
            if (!DocumentTypes.isJsonl(f)) {
                n++;
                continue;
            }
            try (InputStream in = new BufferedInputStream(Files.newInputStream(f), 1 << 16)) {
                for (byte[] line = line(in); line != null; line = line(in)) if (!isBlank(line)) n++;
            } catch (IOException e) {
                n++; // the ingest itself reports the error
            }
        }
        return n;
    }

    /** The next line's bytes without its end of line, or null at the end of the stream. */
    static byte[] line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') line.write(b);
        if (b < 0 && line.size() == 0) return null;
        byte[] bytes = line.toByteArray();
        int n = bytes.length;
        return n > 0 && bytes[n - 1] == '\r' ? Arrays.copyOf(bytes, n - 1) : bytes;
    }

    private static boolean isBlank(byte[] line) {
        for (byte b : line) if (b != ' ' && b != '\t' && b != '\r') return false;
        return true;
    }

    private String hash(byte[] bytes) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(bytes);
            return HexFormat.of().formatHex(sha.digest()) + "/" + chunking;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

package dev.jllm.rag.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.LockObtainFailedException;
import org.apache.lucene.util.BytesRef;

/**
 * The embedded store: one Lucene index on disk. Each chunk is a Lucene document with a BM25 field (title and text,
 * English analysis as Anserini's: possessives, lower case, stop words, Porter stems; k1 0.9, b 0.4), an HNSW
 * {@link KnnFloatVectorField} (dot product of unit vectors), stored text and metadata, and its source's content hash.
 * A source's chunks are written with one {@link IndexWriter#updateDocuments}, atomic with respect to commits; a
 * Lucene commit is all-or-nothing, so a crash leaves the last commit intact.
 *
 * <p>Opened for writing it holds the index's write lock; opened read-only it searches the last commit (reopened
 * when a writer commits), so searches can run beside an ingest.
 */
public final class LuceneEmbeddingStore implements EmbeddingStore {
    static final String ID = "id", DOCUMENT_ID = "document_id", SOURCE = "source", HASH = "hash", TITLE = "title",
            TEXT = "text", CONTENTS = "contents", VECTOR = "vector", META = "meta.";
    private static final String MODEL_KEY = "jllm.embedding.model", DIMENSION_KEY = "jllm.embedding.dimension";

    /** Anserini's BM25 parameters for BEIR (Lucene's defaults are 1.2 and 0.75). */
    public static final float K1 = 0.9f, B = 0.4f;

    static {
        // a long query (a whole paragraph) has more distinct terms than Lucene's default of 1024 clauses
        IndexSearcher.setMaxClauseCount(Math.max(IndexSearcher.getMaxClauseCount(), 16384));
    }

    private final Path path;
    private final Directory directory;
    private final Analyzer analyzer = new EnglishAnalyzer();
    private final BM25Similarity similarity = new BM25Similarity(K1, B);
    private final IndexWriter writer;
    private final StoreSettings settings;
    private DirectoryReader reader;

    private LuceneEmbeddingStore(Path path, Directory directory, IndexWriter writer, StoreSettings settings) throws IOException {
        this.path = path;
        this.directory = directory;
        this.writer = writer;
        this.settings = settings;
        this.reader = writer != null ? DirectoryReader.open(writer) : DirectoryReader.open(directory);
    }

    /**
     * Opens (or creates) the index at {@code path} for writing vectors of {@code settings}; an existing index must
     * have been built with the same settings.
     */
    public static LuceneEmbeddingStore openForWriting(Path path, StoreSettings settings) {
        Directory directory = null;
        try {
            Files.createDirectories(path);
            directory = FSDirectory.open(path);
            IndexWriterConfig config = new IndexWriterConfig(new EnglishAnalyzer())
                    .setSimilarity(new BM25Similarity(K1, B))
                    .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
                    .setRAMBufferSizeMB(128);
            IndexWriter writer = new IndexWriter(directory, config);
            try {
                Map<String, String> committed = committedData(writer);
                if (committed.containsKey(MODEL_KEY)) {
                    settingsOf(committed).requireCompatible(settings, "index " + path);
                } else {
                    writer.setLiveCommitData(commitData(settings).entrySet());
                    writer.commit();
                }
                return new LuceneEmbeddingStore(path, directory, writer, settings);
            } catch (RuntimeException | IOException e) {
                writer.rollback(); // releases the write lock
                throw e;
            }
        } catch (LockObtainFailedException e) {
            close(directory);
            throw new IllegalStateException("index " + path + " is being written by another process (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            close(directory);
            throw new UncheckedIOException("cannot open index " + path + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            close(directory);
            throw e;
        }
    }

    /** Opens an existing index to search its last commit. */
    public static LuceneEmbeddingStore openForReading(Path path) {
        if (!Files.isDirectory(path)) throw new IllegalArgumentException("no index at " + path + " (run jllm rag ingest first)");
        Directory directory = null;
        try {
            directory = FSDirectory.open(path);
            if (!DirectoryReader.indexExists(directory)) throw new IllegalArgumentException("no index at " + path + " (run jllm rag ingest first)");
            DirectoryReader probe = DirectoryReader.open(directory);
            StoreSettings settings = settingsOf(probe.getIndexCommit().getUserData());
            probe.close();
            return new LuceneEmbeddingStore(path, directory, null, settings);
        } catch (IOException e) {
            close(directory);
            throw new UncheckedIOException("cannot open index " + path + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            close(directory);
            throw e;
        }
    }

    private static Map<String, String> committedData(IndexWriter writer) throws IOException {
        Map<String, String> data = new HashMap<>();
        if (writer.getLiveCommitData() != null) writer.getLiveCommitData().forEach(e -> data.put(e.getKey(), e.getValue()));
        return data;
    }

    private static Map<String, String> commitData(StoreSettings settings) {
        return Map.of(MODEL_KEY, settings.embeddingModel(), DIMENSION_KEY, Integer.toString(settings.dimension()));
    }

    private static StoreSettings settingsOf(Map<String, String> data) {
        String model = data.get(MODEL_KEY);
        if (model == null) throw new IllegalArgumentException("not a jllm index (its commit names no embedding model)");
        return new StoreSettings(model, Integer.parseInt(data.getOrDefault(DIMENSION_KEY, "0")));
    }

    private static void close(Directory d) {
        try {
            if (d != null) d.close();
        } catch (IOException ignored) {
            // the open already failed; its error is the one to report
        }
    }

    @Override
    public StoreSettings settings() {
        return settings;
    }

    private IndexWriter writer() {
        if (writer == null) throw new IllegalStateException("index " + path + " is open read-only");
        return writer;
    }

    @Override
    public void replaceSource(String source, String contentHash, List<Chunk> chunks) {
        List<Document> docs = new ArrayList<>(chunks.size());
        for (Chunk c : chunks) {
            if (!c.source().equals(source)) throw new IllegalArgumentException("chunk " + c.id() + " belongs to " + c.source() + ", not " + source);
            docs.add(document(c, contentHash));
        }
        try {
            if (docs.isEmpty()) writer().deleteDocuments(new Term(SOURCE, source));
            else writer().updateDocuments(new Term(SOURCE, source), docs);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + source + " to index " + path, e);
        }
    }

    private Document document(Chunk c, String hash) {
        Document d = new Document();
        d.add(new StringField(ID, c.id(), Field.Store.YES));
        d.add(new StringField(DOCUMENT_ID, c.documentId(), Field.Store.YES));
        d.add(new StringField(SOURCE, c.source(), Field.Store.YES));
        d.add(new SortedDocValuesField(SOURCE, new BytesRef(c.source())));
        d.add(new SortedDocValuesField(HASH, new BytesRef(hash)));
        d.add(new StoredField(TITLE, c.title()));
        d.add(new StoredField(TEXT, c.text()));
        d.add(new TextField(CONTENTS, c.title().isEmpty() ? c.text() : c.title() + "\n\n" + c.text(), Field.Store.NO));
        c.metadata().forEach((k, v) -> d.add(new StringField(META + k, v, Field.Store.YES)));
        if (settings.hasVectors()) {
            if (c.vector() == null || c.vector().length != settings.dimension()) {
                throw new IllegalArgumentException("chunk " + c.id() + " needs a " + settings.dimension() + "-dimensional vector, has "
                        + (c.vector() == null ? "none" : c.vector().length));
            }
            d.add(new KnnFloatVectorField(VECTOR, c.vector(), VectorSimilarityFunction.DOT_PRODUCT));
        }
        return d;
    }

    @Override
    public void deleteSource(String source) {
        try {
            writer().deleteDocuments(new Term(SOURCE, source));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + source + " from index " + path, e);
        }
    }

    @Override
    public Map<String, String> sourceHashes() {
        Map<String, String> hashes = new HashMap<>();
        IndexSearcher searcher = searcher();
        for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
            try {
                LeafReader r = leaf.reader();
                SortedDocValues sources = r.getSortedDocValues(SOURCE);
                SortedDocValues hashValues = r.getSortedDocValues(HASH);
                if (sources == null || hashValues == null) continue;
                var live = r.getLiveDocs();
                for (int doc = sources.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = sources.nextDoc()) {
                    if (live != null && !live.get(doc)) continue;
                    if (!hashValues.advanceExact(doc)) continue;
                    hashes.put(sources.lookupOrd(sources.ordValue()).utf8ToString(), hashValues.lookupOrd(hashValues.ordValue()).utf8ToString());
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read index " + path, e);
            }
        }
        return hashes;
    }

    @Override
    public void commit() {
        try {
            writer().setLiveCommitData(commitData(settings).entrySet());
            writer().commit();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot commit index " + path, e);
        }
    }

    private synchronized IndexSearcher searcher() {
        try {
            DirectoryReader newer = writer != null ? DirectoryReader.openIfChanged(reader, writer) : DirectoryReader.openIfChanged(reader);
            if (newer != null) {
                reader.close();
                reader = newer;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot refresh index " + path, e);
        }
        IndexSearcher searcher = new IndexSearcher(reader);
        searcher.setSimilarity(similarity);
        return searcher;
    }

    @Override
    public List<ScoredChunk> lexicalSearch(String query, int k, Filter filter) {
        Query terms = termsQuery(query);
        if (terms == null) return List.of();
        Query q = filter == null ? terms
                : new BooleanQuery.Builder().add(terms, Occur.MUST).add(filterQuery(filter), Occur.FILTER).build();
        return run(q, k, false);
    }

    /** The query's analyzed terms as a bag of words, each boosted by how often it occurs (as Anserini does). */
    private Query termsQuery(String text) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        try (TokenStream ts = analyzer.tokenStream(CONTENTS, text)) {
            CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
            ts.reset();
            while (ts.incrementToken()) counts.merge(term.toString(), 1, Integer::sum);
            ts.end();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (counts.isEmpty()) return null;
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        counts.forEach((t, n) -> {
            Query tq = new TermQuery(new Term(CONTENTS, t));
            b.add(n == 1 ? tq : new BoostQuery(tq, n), Occur.SHOULD);
        });
        return b.build();
    }

    @Override
    public List<ScoredChunk> vectorSearch(float[] vector, int k, Filter filter) {
        if (!settings.hasVectors()) throw new IllegalStateException("index " + path + " holds no embeddings (it was built for BM25 only)");
        if (vector.length != settings.dimension()) {
            throw new IllegalArgumentException("query vector has " + vector.length + " dimensions, index " + path + " holds " + settings.dimension());
        }
        Query q = new KnnFloatVectorQuery(VECTOR, vector, k, filter == null ? null : filterQuery(filter));
        List<ScoredChunk> hits = run(q, k, true);
        // Lucene scores a dot product d of unit vectors as (1 + d) / 2
        return hits.stream().map(h -> h.withScore(2 * h.score() - 1)).toList();
    }

    static String field(String key) {
        return switch (key) {
            case "source" -> SOURCE;
            case "document_id" -> DOCUMENT_ID;
            default -> META + key;
        };
    }

    static Query filterQuery(Filter filter) {
        return switch (filter) {
            case Filter.Equals e -> new TermQuery(new Term(field(e.key()), e.value()));
            case Filter.In in -> new TermInSetQuery(field(in.key()), in.values().stream().map(BytesRef::new).toList());
            case Filter.And and -> {
                BooleanQuery.Builder b = new BooleanQuery.Builder();
                if (and.all().isEmpty()) b.add(new MatchAllDocsQuery(), Occur.FILTER);
                for (Filter f : and.all()) b.add(filterQuery(f), Occur.FILTER);
                yield b.build();
            }
            case Filter.Or or -> {
                BooleanQuery.Builder b = new BooleanQuery.Builder();
                for (Filter f : or.any()) b.add(filterQuery(f), Occur.SHOULD);
                yield b.setMinimumNumberShouldMatch(1).build();
            }
            case Filter.Not not -> new BooleanQuery.Builder().add(new MatchAllDocsQuery(), Occur.FILTER)
                    .add(filterQuery(not.filter()), Occur.MUST_NOT).build();
        };
    }

    private List<ScoredChunk> run(Query q, int k, boolean withVectors) {
        if (k < 1) throw new IllegalArgumentException("k must be at least 1, got " + k);
        IndexSearcher searcher = searcher();
        try {
            ScoreDoc[] hits = searcher.search(q, k).scoreDocs;
            List<ScoredChunk> out = new ArrayList<>(hits.length);
            StoredFields stored = searcher.storedFields();
            for (ScoreDoc hit : hits) {
                out.add(new ScoredChunk(chunk(stored.document(hit.doc), vector(searcher, hit.doc)), hit.score));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot search index " + path, e);
        }
    }

    private float[] vector(IndexSearcher searcher, int doc) throws IOException {
        if (!settings.hasVectors()) return null;
        List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
        LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(doc, leaves));
        FloatVectorValues values = leaf.reader().getFloatVectorValues(VECTOR);
        if (values == null || values.advance(doc - leaf.docBase) != doc - leaf.docBase) return null;
        return values.vectorValue().clone();
    }

    private static Chunk chunk(Document d, float[] vector) {
        Map<String, String> metadata = new HashMap<>();
        for (IndexableField f : d.getFields()) {
            if (f.name().startsWith(META)) metadata.put(f.name().substring(META.length()), f.stringValue());
        }
        return new Chunk(d.get(ID), d.get(DOCUMENT_ID), d.get(SOURCE), d.get(TITLE), d.get(TEXT), metadata, vector);
    }

    @Override
    public long chunkCount() {
        return searcher().getIndexReader().numDocs();
    }

    @Override
    public void close() {
        try {
            reader.close();
            if (writer != null) writer.close(); // commits what is pending, as IndexWriter's close does
            directory.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close index " + path, e);
        }
    }

    /** Drops the writes since the last commit and closes the store, as a crash would (the last commit stays). */
    public void rollback() {
        try {
            reader.close();
            writer().rollback();
            directory.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package dev.jllm.rag.store.solr;

import dev.jllm.rag.store.Chunk;
import dev.jllm.rag.store.EmbeddingStore;
import dev.jllm.rag.store.Filter;
import dev.jllm.rag.store.ScoredChunk;
import dev.jllm.rag.store.StoreSettings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.solr.client.solrj.SolrQuery;
import org.apache.solr.client.solrj.SolrRequest;
import org.apache.solr.client.solrj.request.CollectionAdminRequest;
import org.apache.solr.client.solrj.request.ConfigSetAdminRequest;
import org.apache.solr.client.solrj.request.UpdateRequest;
import org.apache.solr.client.solrj.request.schema.SchemaRequest;
import org.apache.solr.client.solrj.response.CollectionAdminResponse;
import org.apache.solr.client.solrj.response.QueryResponse;
import org.apache.solr.client.solrj.util.ClientUtils;
import org.apache.solr.common.SolrDocument;
import org.apache.solr.common.SolrDocumentList;
import org.apache.solr.common.SolrInputDocument;
import org.apache.solr.common.params.CursorMarkParams;
import org.apache.solr.common.util.ContentStreamBase;

/**
 * The store on a SolrCloud collection: the same fields, analysis and scoring as the embedded Lucene store (see
 * {@link SolrConfigSet}), sharded and replicated by Solr. Writes are buffered and sent in batches: first the
 * deletes of every source in the batch, then the new chunks; nothing becomes visible before {@link #commit()}, so
 * searches see whole sources. Hybrid search fuses two requests on the client (Solr 9 has no rank fusion in one
 * request).
 */
public final class SolrEmbeddingStore implements EmbeddingStore {
    private static final int BATCH = 500;
    private static final long PATIENCE_MILLIS = 30_000;

    private final SolrNodes nodes;
    private final String collection;
    private final StoreSettings settings;
    private final Map<String, List<Chunk>> pendingAdds = new LinkedHashMap<>();
    private final Map<String, String> pendingHashes = new HashMap<>();
    private int pendingDocs;
    private boolean uncommitted;

    private SolrEmbeddingStore(SolrNodes nodes, String collection, StoreSettings settings) {
        this.nodes = nodes;
        this.collection = collection;
        this.settings = settings;
    }

    /**
     * Connects to {@code collection} on the cluster whose nodes are at {@code urls} (base URLs such as
     * {@code http://host:8983/solr}), creating it with {@code shards} shards of {@code replicas} replicas each when
     * it does not exist. An existing collection must have been created for the same embedding settings.
     */
    public static SolrEmbeddingStore connect(List<String> urls, String collection, StoreSettings settings, int shards, int replicas) {
        SolrNodes nodes = new SolrNodes(urls, PATIENCE_MILLIS);
        try {
            StoreSettings existing = existingSettings(nodes, collection);
            if (existing == null) create(nodes, collection, settings, shards, replicas);
            else existing.requireCompatible(settings, "Solr collection " + collection);
            return new SolrEmbeddingStore(nodes, collection, settings);
        } catch (RuntimeException e) {
            nodes.close();
            throw e;
        }
    }

    /** Connects to an existing collection to search it, with whatever settings it was created for. */
    public static SolrEmbeddingStore connectForReading(List<String> urls, String collection) {
        SolrNodes nodes = new SolrNodes(urls, PATIENCE_MILLIS);
        try {
            StoreSettings existing = existingSettings(nodes, collection);
            if (existing == null) throw new IllegalArgumentException("no jllm collection " + collection + " on Solr " + urls + " (run jllm rag ingest first)");
            return new SolrEmbeddingStore(nodes, collection, existing);
        } catch (RuntimeException e) {
            nodes.close();
            throw e;
        }
    }

    /** The settings in the collection's schema; null when there is no such collection. */
    private static StoreSettings existingSettings(SolrNodes nodes, String collection) {
        List<String> collections = nodes.call(node -> CollectionAdminRequest.listCollections(node));
        if (!collections.contains(collection)) return null;
        String name = nodes.call(node -> new SchemaRequest.SchemaName().process(node, collection).getSchemaName());
        StoreSettings s = SolrConfigSet.settings(name);
        if (s == null) throw new IllegalArgumentException("Solr collection " + collection + " was not created by jllm (its schema is '" + name + "')");
        return s;
    }

    private static void create(SolrNodes nodes, String collection, StoreSettings settings, int shards, int replicas) {
        String configSet = "jllm-" + collection;
        ConfigSetAdminRequest.Upload upload = new ConfigSetAdminRequest.Upload().setConfigSetName(configSet).setOverwrite(true);
        ContentStreamBase.ByteArrayStream zip = new ContentStreamBase.ByteArrayStream(SolrConfigSet.zip(settings), configSet + ".zip", "application/zip");
        upload.setUploadStream(zip);
        nodes.call(node -> upload.process(node));
        CollectionAdminRequest.Create create = CollectionAdminRequest.createCollection(collection, configSet, shards, replicas);
        create.setWaitForFinalState(true);
        CollectionAdminResponse created = nodes.call(node -> create.process(node));
        if (!created.isSuccess()) throw new IllegalStateException("Solr could not create collection " + collection + ": " + created.getErrorMessages());
    }

    public String collection() {
        return collection;
    }

    @Override
    public StoreSettings settings() {
        return settings;
    }

    @Override
    public synchronized void replaceSource(String source, String contentHash, List<Chunk> chunks) {
        for (Chunk c : chunks) {
            if (!c.source().equals(source)) throw new IllegalArgumentException("chunk " + c.id() + " belongs to " + c.source() + ", not " + source);
            if (settings.hasVectors() && (c.vector() == null || c.vector().length != settings.dimension())) {
                throw new IllegalArgumentException("chunk " + c.id() + " needs a " + settings.dimension() + "-dimensional vector, has "
                        + (c.vector() == null ? "none" : c.vector().length));
            }
        }
        pendingAdds.put(source, List.copyOf(chunks));
        pendingHashes.put(source, contentHash);
        uncommitted = true;
        pendingDocs += chunks.size() + 1;
        if (pendingDocs >= BATCH) flush();
    }

    @Override
    public synchronized void deleteSource(String source) {
        pendingAdds.put(source, List.of());
        pendingHashes.remove(source);
        uncommitted = true;
        pendingDocs++;
        if (pendingDocs >= BATCH) flush();
    }

    /** Sends the buffered writes: the deletes of every touched source first, then their new chunks. */
    private void flush() {
        if (pendingAdds.isEmpty()) return;
        UpdateRequest deletes = new UpdateRequest();
        List<String> sources = new ArrayList<>(pendingAdds.keySet());
        for (int i = 0; i < sources.size(); i += 100) {
            deletes.deleteByQuery(sources.subList(i, Math.min(sources.size(), i + 100)).stream()
                    .map(s -> "source:" + ClientUtils.escapeQueryChars(s)).collect(Collectors.joining(" OR ")));
        }
        nodes.call(node -> deletes.process(node, collection));
        List<SolrInputDocument> docs = new ArrayList<>();
        pendingAdds.forEach((source, chunks) -> chunks.forEach(c -> docs.add(document(c, pendingHashes.get(source)))));
        if (!docs.isEmpty()) {
            UpdateRequest adds = new UpdateRequest();
            adds.add(docs);
            nodes.call(node -> adds.process(node, collection));
        }
        pendingAdds.clear();
        pendingHashes.clear();
        pendingDocs = 0;
    }

    private SolrInputDocument document(Chunk c, String hash) {
        SolrInputDocument d = new SolrInputDocument();
        d.addField("id", c.id());
        d.addField("document_id", c.documentId());
        d.addField("source", c.source());
        d.addField("hash", hash);
        d.addField("title", c.title());
        d.addField("text", c.text());
        d.addField("contents", c.title().isEmpty() ? c.text() : c.title() + "\n\n" + c.text());
        c.metadata().forEach((k, v) -> d.addField("meta_" + k, v));
        if (settings.hasVectors()) {
            List<Float> v = new ArrayList<>(c.vector().length);
            for (float x : c.vector()) v.add(x);
            d.addField("vector", v);
        }
        return d;
    }

    @Override
    public synchronized Map<String, String> sourceHashes() {
        Map<String, String> hashes = new HashMap<>();
        String cursor = CursorMarkParams.CURSOR_MARK_START;
        while (true) {
            SolrQuery q = new SolrQuery("*:*").setFields("source", "hash").setRows(2000).setSort("id", SolrQuery.ORDER.asc);
            q.set(CursorMarkParams.CURSOR_MARK_PARAM, cursor);
            QueryResponse r = nodes.call(node -> node.query(collection, q));
            for (SolrDocument d : r.getResults()) hashes.put((String) d.getFirstValue("source"), (String) d.getFirstValue("hash"));
            if (cursor.equals(r.getNextCursorMark())) return hashes;
            cursor = r.getNextCursorMark();
        }
    }

    @Override
    public synchronized void commit() {
        flush();
        nodes.call(node -> node.commit(collection, true, true));
        uncommitted = false;
    }

    @Override
    public List<ScoredChunk> lexicalSearch(String query, int k, Filter filter) {
        checkK(k);
        // each word escaped, so that no query syntax leaks in; the analyzer turns them into the same terms as Lucene's
        String terms = Arrays.stream(query.strip().split("\\s+")).filter(w -> !w.isEmpty())
                .map(ClientUtils::escapeQueryChars).collect(Collectors.joining(" "));
        if (terms.isEmpty()) return List.of();
        SolrQuery q = new SolrQuery(terms);
        q.set("defType", "lucene").set("df", "contents").set("q.op", "OR");
        return search(q, k, filter, false);
    }

    @Override
    public List<ScoredChunk> vectorSearch(float[] vector, int k, Filter filter) {
        checkK(k);
        if (!settings.hasVectors()) throw new IllegalStateException("Solr collection " + collection + " holds no embeddings (it was built for BM25 only)");
        if (vector.length != settings.dimension()) {
            throw new IllegalArgumentException("query vector has " + vector.length + " dimensions, collection " + collection + " holds " + settings.dimension());
        }
        StringBuilder v = new StringBuilder("[");
        for (int i = 0; i < vector.length; i++) v.append(i == 0 ? "" : ",").append(vector[i]);
        SolrQuery q = new SolrQuery("{!knn f=vector topK=" + k + "}" + v.append(']'));
        return search(q, k, filter, true);
    }

    private List<ScoredChunk> search(SolrQuery q, int k, Filter filter, boolean cosine) {
        q.setRows(k).setFields("*", "score");
        if (filter != null) q.addFilterQuery(filterQuery(filter));
        QueryResponse r = nodes.call(node -> node.query(collection, q, SolrRequest.METHOD.POST));
        SolrDocumentList results = r.getResults();
        List<ScoredChunk> out = new ArrayList<>(results.size());
        for (SolrDocument d : results) {
            double score = ((Number) d.getFieldValue("score")).doubleValue();
            // Solr, as Lucene, scores a dot product d of unit vectors as (1 + d) / 2
            out.add(new ScoredChunk(chunk(d), cosine ? 2 * score - 1 : score));
        }
        return out;
    }

    private static void checkK(int k) {
        if (k < 1) throw new IllegalArgumentException("k must be at least 1, got " + k);
    }

    static String field(String key) {
        return switch (key) {
            case "source" -> "source";
            case "document_id" -> "document_id";
            default -> "meta_" + key;
        };
    }

    static String filterQuery(Filter filter) {
        return switch (filter) {
            case Filter.Equals e -> field(e.key()) + ":" + ClientUtils.escapeQueryChars(e.value());
            case Filter.In in -> "(" + in.values().stream().sorted().map(v -> field(in.key()) + ":" + ClientUtils.escapeQueryChars(v))
                    .collect(Collectors.joining(" OR ")) + ")";
            case Filter.And and -> and.all().isEmpty() ? "*:*"
                    : "(" + and.all().stream().map(f -> "+" + filterQuery(f)).collect(Collectors.joining(" ")) + ")";
            case Filter.Or or -> "(" + or.any().stream().map(SolrEmbeddingStore::filterQuery).collect(Collectors.joining(" OR ")) + ")";
            case Filter.Not not -> "(*:* -" + filterQuery(not.filter()) + ")";
        };
    }

    private Chunk chunk(SolrDocument d) {
        Map<String, String> metadata = new HashMap<>();
        for (String name : d.getFieldNames()) {
            if (name.startsWith("meta_")) metadata.put(name.substring(5), (String) d.getFirstValue(name));
        }
        float[] vector = null;
        if (settings.hasVectors() && d.getFieldValues("vector") != null) {
            Collection<Object> values = d.getFieldValues("vector");
            vector = new float[values.size()];
            int i = 0;
            for (Object o : values) vector[i++] = ((Number) o).floatValue();
        }
        return new Chunk((String) d.getFirstValue("id"), (String) d.getFirstValue("document_id"), (String) d.getFirstValue("source"),
                (String) d.getFirstValue("title"), (String) d.getFirstValue("text"), metadata, vector);
    }

    @Override
    public long chunkCount() {
        SolrQuery q = new SolrQuery("*:*").setRows(0);
        return nodes.call(node -> node.query(collection, q)).getResults().getNumFound();
    }

    /** Commits what is pending, as closing a Lucene index writer does, and lets the nodes go. */
    @Override
    public void close() {
        try {
            synchronized (this) {
                if (uncommitted) commit();
            }
        } finally {
            nodes.close();
        }
    }
}

package dev.jllm.cli.rag;

import dev.jllm.rag.store.EmbeddingStore;
import dev.jllm.rag.store.LuceneEmbeddingStore;
import dev.jllm.rag.store.StoreSettings;
import dev.jllm.rag.store.solr.SolrEmbeddingStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/** Where the chunks live: an embedded Lucene index folder, or a SolrCloud collection. */
final class StoreOptions {
    @ArgGroup(exclusive = true, multiplicity = "1")
    Where where;

    static final class Where {
        @Option(names = "--index", paramLabel = "PATH", description = "Index folder (embedded Lucene)")
        Path index;

        @ArgGroup(exclusive = false)
        Solr solr;
    }

    static final class Solr {
        @Option(names = "--solr", required = true, split = ",", paramLabel = "URL",
                description = "SolrCloud node base URLs, comma-separated (e.g. http://solr1:8983/solr,http://solr2:8983/solr)")
        List<String> urls;

        @Option(names = "--collection", required = true, paramLabel = "NAME", description = "Solr collection (created on first ingest)")
        String collection;

        @Option(names = "--shards", paramLabel = "N", description = "Shards of a new collection (default ${DEFAULT-VALUE})")
        int shards = 2;

        @Option(names = "--replicas", paramLabel = "N", description = "Replicas of each shard of a new collection (default ${DEFAULT-VALUE})")
        int replicas = 2;
    }

    /** Opens the store for writing chunks embedded with {@code settings}. */
    EmbeddingStore openForWriting(StoreSettings settings) {
        if (where.index != null) return LuceneEmbeddingStore.openForWriting(where.index, settings);
        return SolrEmbeddingStore.connect(where.solr.urls, where.solr.collection, settings, where.solr.shards, where.solr.replicas);
    }

    EmbeddingStore openForReading() {
        if (where.index != null) return LuceneEmbeddingStore.openForReading(where.index);
        return SolrEmbeddingStore.connectForReading(where.solr.urls, where.solr.collection);
    }

    /** The settings of the existing store, or null when there is none yet. */
    StoreSettings existingSettings() {
        if (where.index != null && !Files.isDirectory(where.index)) return null;
        try (EmbeddingStore existing = openForReading()) {
            return existing.settings();
        } catch (IllegalArgumentException e) {
            return null; // nothing there yet
        }
    }

    /** An index folder the command may delete afterwards (eval without a store), or null. */
    Path index() {
        return where == null ? null : where.index;
    }

    String describe() {
        return where.index != null ? where.index.toString() : "Solr collection " + where.solr.collection;
    }
}

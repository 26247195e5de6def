package dev.jllm.rag.store.solr;

import dev.jllm.rag.store.LuceneEmbeddingStore;
import dev.jllm.rag.store.StoreSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;

/**
 * The Solr configset of a jllm collection, written for its embedding model: the same fields and analysis as the
 * embedded Lucene store (English analysis as Lucene's EnglishAnalyzer, BM25 with k1 0.9 and b 0.4, an HNSW dense
 * vector with the dot product), global term statistics across shards (ExactStatsCache, so that BM25 scores do not
 * depend on how documents fall into shards), and commits only when the client asks (so a source's chunks become
 * visible together). The schema's name records the model and dimension: {@code jllm:MODEL:DIMENSION}.
 */
public final class SolrConfigSet {
    static final String SCHEMA_PREFIX = "jllm:";

    private SolrConfigSet() {}

    static String schemaName(StoreSettings s) {
        return SCHEMA_PREFIX + s.embeddingModel() + ":" + s.dimension();
    }

    /** The settings a schema name records, or null when the schema is not a jllm one. */
    static StoreSettings settings(String schemaName) {
        if (schemaName == null || !schemaName.startsWith(SCHEMA_PREFIX)) return null;
        int colon = schemaName.lastIndexOf(':');
        return new StoreSettings(schemaName.substring(SCHEMA_PREFIX.length(), colon), Integer.parseInt(schemaName.substring(colon + 1)));
    }

    static String schema(StoreSettings s) {
        String vector = s.hasVectors() ? """
                  <fieldType name="knn_vector" class="solr.DenseVectorField" vectorDimension="%d" similarityFunction="dot_product"
                             knnAlgorithm="hnsw" hnswMaxConnections="16" hnswBeamWidth="100"/>
                  <field name="vector" type="knn_vector" indexed="true" stored="true"/>
                """.formatted(s.dimension()) : "";
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <schema name="%s" version="1.6">
                  <uniqueKey>id</uniqueKey>
                  <similarity class="solr.SchemaSimilarityFactory"/>
                  <fieldType name="string" class="solr.StrField" sortMissingLast="true"/>
                  <fieldType name="plong" class="solr.LongPointField" docValues="true"/>
                  <fieldType name="text_en_jllm" class="solr.TextField" positionIncrementGap="100">
                    <analyzer>
                      <tokenizer class="solr.StandardTokenizerFactory"/>
                      <filter class="solr.EnglishPossessiveFilterFactory"/>
                      <filter class="solr.LowerCaseFilterFactory"/>
                      <filter class="solr.StopFilterFactory" words="stopwords_en.txt"/>
                      <filter class="solr.PorterStemFilterFactory"/>
                    </analyzer>
                    <similarity class="solr.BM25SimilarityFactory">
                      <float name="k1">%s</float>
                      <float name="b">%s</float>
                    </similarity>
                  </fieldType>
                  <field name="_version_" type="plong" indexed="false" stored="false"/>
                  <field name="id" type="string" indexed="true" stored="true" required="true"/>
                  <field name="document_id" type="string" indexed="true" stored="true"/>
                  <field name="source" type="string" indexed="true" stored="true" docValues="true"/>
                  <field name="hash" type="string" indexed="false" stored="true" docValues="true"/>
                  <field name="title" type="string" indexed="false" stored="true"/>
                  <field name="text" type="string" indexed="false" stored="true"/>
                  <field name="contents" type="text_en_jllm" indexed="true" stored="false"/>
                  <dynamicField name="meta_*" type="string" indexed="true" stored="true"/>
                %s</schema>
                """.formatted(schemaName(s), LuceneEmbeddingStore.K1, LuceneEmbeddingStore.B, vector);
    }

    static final String SOLRCONFIG = """
            <?xml version="1.0" encoding="UTF-8"?>
            <config>
              <luceneMatchVersion>9.12</luceneMatchVersion>
              <dataDir>${solr.data.dir:}</dataDir>
              <directoryFactory name="DirectoryFactory" class="${solr.directoryFactory:solr.NRTCachingDirectoryFactory}"/>
              <schemaFactory class="ClassicIndexSchemaFactory"/>
              <codecFactory class="solr.SchemaCodecFactory"/>
              <indexConfig>
                <lockType>${solr.lock.type:native}</lockType>
              </indexConfig>
              <updateHandler class="solr.DirectUpdateHandler2">
                <updateLog><str name="dir">${solr.ulog.dir:}</str></updateLog>
                <autoCommit><maxTime>${solr.autoCommit.maxTime:60000}</maxTime><openSearcher>false</openSearcher></autoCommit>
                <autoSoftCommit><maxTime>-1</maxTime></autoSoftCommit>
              </updateHandler>
              <statsCache class="org.apache.solr.search.stats.ExactStatsCache"/>
              <query>
                <maxBooleanClauses>${solr.max.booleanClauses:16384}</maxBooleanClauses>
              </query>
              <requestHandler name="/select" class="solr.SearchHandler">
                <lst name="defaults">
                  <str name="df">contents</str>
                  <str name="q.op">OR</str>
                </lst>
              </requestHandler>
            </config>
            """;

    /** Lucene's English stop words, the set EnglishAnalyzer uses, one a line. */
    static String stopwords() {
        TreeSet<String> words = new TreeSet<>();
        EnglishAnalyzer.ENGLISH_STOP_WORDS_SET.forEach(w -> words.add(new String((char[]) w)));
        return String.join("\n", words) + "\n";
    }

    /** The configset as files, by name. */
    public static Map<String, String> files(StoreSettings s) {
        return Map.of("solrconfig.xml", SOLRCONFIG, "schema.xml", schema(s), "stopwords_en.txt", stopwords());
    }

    /** The configset as a zip archive, as Solr's configset upload takes it. */
    static byte[] zip(StoreSettings s) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (var f : files(s).entrySet()) {
                zip.putNextEntry(new ZipEntry(f.getKey()));
                zip.write(f.getValue().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}

package dev.jllm.rag.solr;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.solr.cloud.MiniSolrCloudCluster;
import org.apache.solr.embedded.JettySolrRunner;

/**
 * A real SolrCloud cluster for the tests: ZooKeeper and two Solr nodes (Jetty) in this JVM, started once and shared.
 */
final class SolrCluster {
    private static MiniSolrCloudCluster cluster;

    private SolrCluster() {}

    static synchronized MiniSolrCloudCluster get() throws Exception {
        if (cluster == null) {
            Path dir = Files.createTempDirectory("jllm-solrcloud");
            cluster = new MiniSolrCloudCluster.Builder(2, dir).configure();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    cluster.shutdown();
                } catch (Exception ignored) {
                    // the JVM is going away
                }
            }));
        }
        return cluster;
    }

    /** The base URLs of the running nodes, as a client is given them. */
    static List<String> urls() throws Exception {
        return get().getJettySolrRunners().stream().filter(JettySolrRunner::isRunning).map(j -> j.getBaseUrl().toString()).toList();
    }
}

package dev.jllm.rag.solr;

import static dev.jllm.rag.store.EmbeddingStoreContract.ids;
import static dev.jllm.rag.store.EmbeddingStoreContract.unit;
import static dev.jllm.rag.store.EmbeddingStoreContract.writeCorpus;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jllm.rag.store.EmbeddingStore;
import dev.jllm.rag.store.StoreSettings;
import dev.jllm.rag.store.solr.SolrEmbeddingStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.solr.cloud.MiniSolrCloudCluster;
import org.apache.solr.embedded.JettySolrRunner;
import org.junit.jupiter.api.Test;

/**
 * A node of the cluster stops while a client streams queries at it: the client moves to the other node, and the
 * replicas there answer for both shards, so every answer stays complete.
 */
class SolrNodeFailureTest {
    @Test
    void answersStayCompleteWhenTheNodeBeingQueriedStops() throws Exception {
        try (EmbeddingStore store = SolrEmbeddingStore.connect(SolrCluster.urls(), "failover", new StoreSettings("contract-model", 4), 2, 2)) {
            queryThroughANodeStop(store);
        }
    }

    private static void queryThroughANodeStop(EmbeddingStore store) throws Exception {
        writeCorpus(store);
        List<String> lexical = ids(store.lexicalSearch("electricity sunlight", 10, null));
        // a query vector with no two chunks at the same distance, so that the order is fixed too
        List<String> dense = ids(store.vectorSearch(unit(4, 3, 2, 1), 10, null));
        assertThat(lexical).hasSize(4);
        assertThat(dense).hasSize(7);

        MiniSolrCloudCluster cluster = SolrCluster.get();
        JettySolrRunner first = cluster.getJettySolrRunner(0); // the node the client talks to first
        List<String> wrong = Collections.synchronizedList(new ArrayList<>());
        int before = 0, after = 0;
        try {
            Thread stopper = null;
            long stoppedAt = Long.MAX_VALUE;
            while (after < 100) {
                List<String> l = ids(store.lexicalSearch("electricity sunlight", 10, null));
                List<String> d = ids(store.vectorSearch(unit(4, 3, 2, 1), 10, null));
                if (!l.equals(lexical)) wrong.add("lexical " + l);
                if (!d.equals(dense)) wrong.add("dense " + d);
                if (stopper == null) {
                    if (++before == 20) {
                        // stop the node in the middle of the stream, while queries keep coming
                        stopper = new Thread(() -> {
                            try {
                                cluster.stopJettySolrRunner(first);
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        });
                        stopper.start();
                        stoppedAt = System.nanoTime();
                    }
                } else if (!first.isRunning() || System.nanoTime() - stoppedAt > TimeUnit.SECONDS.toNanos(30)) {
                    after++;
                }
            }
            stopper.join();
            assertThat(first.isRunning()).isFalse();
            assertThat(wrong).isEmpty();
        } finally {
            if (!first.isRunning()) cluster.startJettySolrRunner(first);
            cluster.waitForAllNodes(60);
        }
    }
}

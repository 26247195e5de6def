package dev.jllm.rag.store.solr;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.solr.client.solrj.SolrClient;
import org.apache.solr.client.solrj.SolrServerException;
import org.apache.solr.client.solrj.impl.HttpJdkSolrClient;
import org.apache.solr.common.SolrException;

/**
 * The nodes of a SolrCloud cluster, any of which can take any request (a node forwards updates to the shard
 * leaders and fans queries out to a live replica of every shard). A request goes to the node that answered last;
 * when that node cannot be reached, or the cluster answers that it is busy re-electing (a 5xx), the next node is
 * tried, round after round with a growing pause, until {@code patience} runs out. Every request jllm sends is
 * idempotent (queries, and updates that replace whole sources), so a retry is always safe. HTTP/1.1 because the
 * JDK client would otherwise probe every node with a parameterless HEAD request first.
 */
final class SolrNodes implements AutoCloseable {
    /** One request against a node. */
    @FunctionalInterface
    interface Call<T> {
        T on(SolrClient node) throws SolrServerException, IOException;
    }

    private final List<String> urls;
    private final List<HttpJdkSolrClient> clients = new ArrayList<>();
    private final long patienceMillis;
    private int current;

    SolrNodes(List<String> urls, long patienceMillis) {
        if (urls.isEmpty()) throw new IllegalArgumentException("no Solr node URLs given");
        this.urls = List.copyOf(urls);
        this.patienceMillis = patienceMillis;
        for (String url : urls) {
            clients.add(new HttpJdkSolrClient.Builder(url.endsWith("/") ? url.substring(0, url.length() - 1) : url)
                    .withConnectionTimeout(5, TimeUnit.SECONDS).withIdleTimeout(60, TimeUnit.SECONDS)
                    .withRequestTimeout(120, TimeUnit.SECONDS).useHttp1_1(true).build());
        }
    }

    <T> T call(Call<T> call) {
        long deadline = System.currentTimeMillis() + patienceMillis;
        long pause = 100;
        Exception last = null;
        while (true) {
            for (int tried = 0; tried < clients.size(); tried++) {
                int node;
                synchronized (this) {
                    node = current;
                }
                try {
                    return call.on(clients.get(node));
                } catch (SolrServerException | IOException e) {
                    last = e;
                } catch (SolrException e) {
                    if (e.code() > 0 && e.code() < 500) throw e; // the request itself is wrong: no other node will take it
                    last = e;
                }
                synchronized (this) {
                    if (current == node) current = (node + 1) % clients.size();
                }
            }
            if (System.currentTimeMillis() + pause > deadline) break;
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            pause = Math.min(pause * 2, 2000);
        }
        throw new IllegalStateException("no Solr node of " + urls + " answered (" + (last == null ? "interrupted" : last.getMessage()) + ")", last);
    }

    @Override
    public void close() {
        for (HttpJdkSolrClient c : clients) {
            try {
                c.close();
            } catch (IOException ignored) {
                // closing a JDK HTTP client does not fail in practice; nothing to do if it does
            }
        }
    }
}

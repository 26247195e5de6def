package dev.jllm.rag.solr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jllm.rag.store.EmbeddingStore;
import dev.jllm.rag.store.EmbeddingStoreContract;
import dev.jllm.rag.store.StoreSettings;
import dev.jllm.rag.store.solr.SolrEmbeddingStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The store contract on a SolrCloud collection of 2 shards with 2 replicas each, spread over 2 nodes. */
class SolrCloudEmbeddingStoreTest extends EmbeddingStoreContract {
    private static final AtomicInteger COLLECTIONS = new AtomicInteger();

    @Override
    protected EmbeddingStore newStore() {
        try {
            return SolrEmbeddingStore.connect(SolrCluster.urls(), "contract_" + COLLECTIONS.incrementAndGet(), SETTINGS, 2, 2);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected EmbeddingStore reopen() {
        try {
            return SolrEmbeddingStore.connect(SolrCluster.urls(), "contract_" + COLLECTIONS.get(), SETTINGS, 2, 2);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aCollectionRemembersItsModelAndRefusesAnother() throws Exception {
        String name = ((SolrEmbeddingStore) store).collection();
        assertThatThrownBy(() -> SolrEmbeddingStore.connect(SolrCluster.urls(), name, new StoreSettings("other-model", 4), 2, 2))
                .hasMessage("Solr collection " + name + " holds embeddings of contract-model (4 dimensions), but this run uses "
                        + "embeddings of other-model (4 dimensions); use another index or the same embedding model");
        try (SolrEmbeddingStore reader = SolrEmbeddingStore.connectForReading(SolrCluster.urls(), name)) {
            assertThat(reader.settings()).isEqualTo(SETTINGS);
        }
        assertThatThrownBy(() -> SolrEmbeddingStore.connectForReading(SolrCluster.urls(), "no_such_collection"))
                .hasMessageStartingWith("no jllm collection no_such_collection on Solr ");
    }

    @Test
    void writesBecomeVisibleAtTheCommit() {
        writeCorpus();
        store.replaceSource("f.txt", "h-f", List.of(chunk("f.txt", 0, "Tidal power from the moon.", Map.of(), 0, 1, 1, 0)));
        assertThat(store.lexicalSearch("tidal", 5, null)).isEmpty();
        store.commit();
        assertThat(store.lexicalSearch("tidal", 5, null)).hasSize(1);
    }
}

package dev.jllm.rag.ingest;

/** Where an ingest reports how far it is. */
public interface Progress {
    Progress NONE = new Progress() {
        @Override
        public void start(long total) {}

        @Override
        public void advance(long done) {}

        @Override
        public void finish() {}
    };

    /** The ingest will go through {@code total} documents. */
    void start(long total);

    /** {@code done} documents are through, of the total. */
    void advance(long done);

    void finish();
}

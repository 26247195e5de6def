package dev.jllm.rag.embed;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.jllm.api.EmbeddingModel;
import dev.jllm.rag.chunk.Tokenization;
import dev.jllm.rag.retrieve.Vectors;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A BERT-family sentence encoder (ONNX graph + Hugging Face tokenizer.json) run with ONNX Runtime the way
 * sentence-transformers runs it: texts truncated to the model's sequence limit, encoded in padded batches of similar
 * length, pooled (attention-masked mean or the [CLS] vector) and scaled to unit length.
 *
 * <p>LangChain4j's own runner for the same files embeds one text at a time and averages 510-token windows of long
 * texts, which neither batches nor matches what the models were trained and benchmarked with; this class uses only
 * the model files its artifacts bundle.
 */
public final class OnnxBertEmbeddingModel implements EmbeddingModel, AutoCloseable {
    /** How token vectors become one text vector. */
    public enum Pooling { MEAN, CLS }

    /**
     * A model's files and conventions: classpath resources for the graph and tokenizer, pooling, the most tokens per
     * text (special tokens included), the instruction put before queries ("" for none), and how many texts go through
     * the graph at once.
     */
    public record Spec(String name, String modelResource, String tokenizerResource, Pooling pooling, int maxTokens,
                       String queryInstruction, int batchSize) {
        public Spec {
            Objects.requireNonNull(name);
            Objects.requireNonNull(modelResource);
            Objects.requireNonNull(tokenizerResource);
            Objects.requireNonNull(pooling);
            Objects.requireNonNull(queryInstruction);
            if (maxTokens < 3) throw new IllegalArgumentException("maxTokens must leave room for text, got " + maxTokens);
            if (batchSize < 1) throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
        }
    }

    private final Spec spec;
    private final OrtEnvironment environment;
    private final OrtSession session;
    private final boolean wantsTokenTypes;
    private final HuggingFaceTokenizer truncating;
    private final HuggingFaceTokenizer whole;
    private final int dimension;

    public OnnxBertEmbeddingModel(Spec spec) {
        this.spec = spec;
        try {
            environment = OrtEnvironment.getEnvironment();
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            options.setIntraOpNumThreads(Runtime.getRuntime().availableProcessors());
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            session = environment.createSession(resource(spec.modelResource()), options);
            wantsTokenTypes = session.getInputNames().contains("token_type_ids");
            truncating = tokenizer(Map.of("padding", "false", "truncation", "true", "maxLength", Integer.toString(spec.maxTokens())));
            whole = tokenizer(Map.of("padding", "false", "truncation", "false"));
            dimension = encodeBatch(List.of(truncating.encode("dimension probe"))).getFirst().length;
        } catch (OrtException e) {
            throw new IllegalStateException("cannot load embedding model " + spec.name() + ": " + e.getMessage(), e);
        }
    }

    private HuggingFaceTokenizer tokenizer(Map<String, String> options) {
        try (InputStream in = stream(spec.tokenizerResource())) {
            return HuggingFaceTokenizer.newInstance(in, options);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read tokenizer " + spec.tokenizerResource() + " of " + spec.name(), e);
        }
    }

    private static InputStream stream(String resource) {
        InputStream in = OnnxBertEmbeddingModel.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) throw new IllegalStateException("embedding model file " + resource + " is not on the class path");
        return in;
    }

    private static byte[] resource(String resource) {
        try (InputStream in = stream(resource)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    @Override
    public String name() {
        return spec.name();
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public float[] embedQuery(String query) {
        return embed(spec.queryInstruction() + query);
    }

    @Override
    public List<float[]> embedAll(List<String> texts) {
        Encoding[] encodings = new Encoding[texts.size()];
        for (int i = 0; i < encodings.length; i++) encodings[i] = truncating.encode(texts.get(i));
        // batches of similar length waste little work on padding
        Integer[] order = new Integer[encodings.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, Comparator.comparingInt(i -> encodings[i].getIds().length));
        float[][] out = new float[encodings.length][];
        for (int from = 0; from < order.length; from += spec.batchSize()) {
            List<Encoding> batch = new ArrayList<>();
            for (int j = from; j < Math.min(order.length, from + spec.batchSize()); j++) batch.add(encodings[order[j]]);
            List<float[]> vectors;
            try {
                vectors = encodeBatch(batch);
            } catch (OrtException e) {
                throw new IllegalStateException("embedding model " + spec.name() + " failed: " + e.getMessage(), e);
            }
            for (int j = 0; j < vectors.size(); j++) out[order[from + j]] = vectors.get(j);
        }
        return Arrays.asList(out);
    }

    private List<float[]> encodeBatch(List<Encoding> batch) throws OrtException {
        int rows = batch.size();
        int width = 0;
        for (Encoding e : batch) width = Math.max(width, e.getIds().length);
        long[] ids = new long[rows * width];
        long[] mask = new long[rows * width];
        for (int r = 0; r < rows; r++) {
            long[] tokenIds = batch.get(r).getIds();
            System.arraycopy(tokenIds, 0, ids, r * width, tokenIds.length);
            Arrays.fill(mask, r * width, r * width + tokenIds.length, 1L);
        }
        long[] shape = {rows, width};
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            inputs.put("input_ids", OnnxTensor.createTensor(environment, LongBuffer.wrap(ids), shape));
            inputs.put("attention_mask", OnnxTensor.createTensor(environment, LongBuffer.wrap(mask), shape));
            if (wantsTokenTypes) inputs.put("token_type_ids", OnnxTensor.createTensor(environment, LongBuffer.wrap(new long[rows * width]), shape));
            try (OrtSession.Result result = session.run(inputs)) {
                OnnxTensor hidden = (OnnxTensor) result.get(0);
                long[] hiddenShape = hidden.getInfo().getShape();
                int dim = (int) hiddenShape[2];
                FloatBuffer states = hidden.getFloatBuffer();
                List<float[]> vectors = new ArrayList<>(rows);
                for (int r = 0; r < rows; r++) {
                    int length = batch.get(r).getIds().length;
                    vectors.add(Vectors.unit(pool(states, r * width * dim, length, dim)));
                }
                return vectors;
            }
        } finally {
            for (OnnxTensor t : inputs.values()) t.close();
        }
    }

    /** Pools rows {@code 0..length} of one sequence's token states starting at {@code base}. */
    private float[] pool(FloatBuffer states, int base, int length, int dim) {
        float[] v = new float[dim];
        if (spec.pooling() == Pooling.CLS) {
            states.get(base, v);
            return v;
        }
        // sentence-transformers sums in float32, token by token, then divides by the token count
        for (int t = 0; t < length; t++) {
            int at = base + t * dim;
            for (int d = 0; d < dim; d++) v[d] += states.get(at + d);
        }
        for (int d = 0; d < dim; d++) v[d] /= length;
        return v;
    }

    /** The model's own tokens (no special tokens, no truncation), for measuring chunks in what the model reads. */
    public Tokenization tokenization() {
        return text -> {
            if (text.isEmpty()) return List.of();
            CharSpan[] spans = whole.encode(text, false, false).getCharTokenSpans();
            List<Tokenization.Span> out = new ArrayList<>(spans.length);
            for (CharSpan s : spans) if (s != null) out.add(new Tokenization.Span(s.getStart(), s.getEnd()));
            return out;
        };
    }

    /** How many tokens the model reads of {@code text}, special tokens included, before truncation. */
    public int tokenCount(String text) {
        return whole.encode(text).getIds().length;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
        truncating.close();
        whole.close();
    }
}

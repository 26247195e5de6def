package dev.jllm.engine.model;

import dev.jllm.engine.gguf.GgufFile;
import dev.jllm.engine.gguf.GgufReader;
import dev.jllm.engine.tokenizer.Tokenizer;
import java.nio.file.Path;

/** A loaded GGUF model: its file (kept mapped), hyper-parameters, weights and tokenizer. */
public final class Model implements AutoCloseable {
    private final GgufFile file;
    private final ModelConfig config;
    private final ModelWeights weights;
    private final Tokenizer tokenizer;

    private Model(GgufFile file, ModelConfig config, ModelWeights weights, Tokenizer tokenizer) {
        this.file = file;
        this.config = config;
        this.weights = weights;
        this.tokenizer = tokenizer;
    }

    public static Model load(Path path) {
        GgufFile f = GgufReader.open(path);
        try {
            ModelConfig c = ModelConfig.fromGguf(f);
            ModelWeights w = ModelWeights.load(f, c);
            Tokenizer t = Tokenizer.fromGguf(f);
            if (t.vocabSize() != c.vocabSize()) {
                throw new UnsupportedModelException(path + ": tokenizer has " + t.vocabSize() + " tokens but the model "
                        + c.vocabSize());
            }
            return new Model(f, c, w, t);
        } catch (RuntimeException e) {
            f.close();
            throw e;
        }
    }

    public GgufFile file() {
        return file;
    }

    public ModelConfig config() {
        return config;
    }

    public ModelWeights weights() {
        return weights;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /** The model's Jinja chat template (tokenizer.chat_template), or null when the file has none. */
    public String chatTemplate() {
        return file.getString("tokenizer.chat_template", null);
    }

    @Override
    public void close() {
        file.close();
    }
}

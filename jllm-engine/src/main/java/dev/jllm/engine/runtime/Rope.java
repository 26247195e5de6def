package dev.jllm.engine.runtime;

import dev.jllm.engine.model.Architecture.RopeType;
import dev.jllm.engine.model.ModelConfig;
import dev.jllm.engine.quant.LibmFloat;

/**
 * Rotary position embeddings, computed the way ggml's rope does (ggml_rope_cache_init): the angle of pair i at
 * position p is {@code p * theta_scale^i / freq_factor[i] * freq_scale} with {@code theta_scale = base^(-2/n_dims)},
 * the power built by repeated float multiplication, so that jllm lands on ggml's exact angles, and their cosines and
 * sines as glibc's cosf and sinf compute them ({@link LibmFloat}). The rotation is
 * ggml's rotate_pairs as the compiler contracts it: {@code x0*cos - x1*sin} and {@code x0*sin + x1*cos} each fuse
 * their first product into an FMA.
 */
final class Rope {
    private final RopeType type;
    private final int ropeDims;
    private final int headDim;
    private final float thetaScale;
    private final float freqScale;
    private final float[] freqFactors;

    Rope(ModelConfig c, float[] freqFactors) {
        this.type = c.architecture().ropeType;
        this.ropeDims = c.ropeDims();
        this.headDim = c.headDim();
        this.thetaScale = (float) Math.pow(c.ropeTheta(), -2.0f / ropeDims); // powf(freq_base, -2.0f/n_dims)
        this.freqScale = c.ropeFreqScale();
        this.freqFactors = freqFactors;
    }

    /** Fills cos/sin (length ropeDims/2) for position {@code pos}. */
    void angles(int pos, float[] cos, float[] sin) {
        float theta = pos;
        for (int i = 0; i < ropeDims / 2; i++) {
            float ff = freqFactors != null ? freqFactors[i] : 1f;
            float t = freqScale * (theta / ff);
            cos[i] = LibmFloat.cosf(t); // rope_yarn: cosf/sinf from glibc, which are not correctly rounded
            sin[i] = LibmFloat.sinf(t);
            theta *= thetaScale;
        }
    }

    /** Rotates {@code heads} consecutive heads of {@code x} starting at {@code offset}, in place. */
    void apply(float[] x, int offset, int heads, float[] cos, float[] sin) {
        int half = ropeDims / 2;
        for (int h = 0; h < heads; h++) {
            int base = offset + h * headDim;
            for (int i = 0; i < half; i++) {
                int a = type == RopeType.NORMAL ? base + 2 * i : base + i;
                int b = type == RopeType.NORMAL ? a + 1 : a + half;
                float x0 = x[a], x1 = x[b];
                x[a] = Math.fma(x0, cos[i], -(x1 * sin[i]));
                x[b] = Math.fma(x0, sin[i], x1 * cos[i]);
            }
        }
    }
}

package dev.jllm.engine.runtime;

/**
 * RMSNorm as ggml computes it (ggml_compute_forward_rms_norm_f32 then a multiply by the weight): the float squares
 * are accumulated in double, the mean is rounded to float, and the scale is {@code 1.0f/sqrtf(mean + eps)} in float.
 */
final class RmsNorm {
    private RmsNorm() {}

    /** out[outOff..+n] = x[xOff..+n] * scale * weight; out may alias x. */
    static void apply(float[] x, int xOff, float[] weight, float[] out, int outOff, int n, float eps) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            float xi = x[xOff + i];
            sum += xi * xi;
        }
        float mean = (float) (sum / n);
        float scale = 1f / (float) Math.sqrt(mean + eps);
        for (int i = 0; i < n; i++) out[outOff + i] = (x[xOff + i] * scale) * weight[i];
    }
}

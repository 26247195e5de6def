package dev.jllm.rag.retrieve;

/** Small vector arithmetic on embeddings. */
public final class Vectors {
    private Vectors() {}

    public static double dot(float[] a, float[] b) {
        if (a.length != b.length) throw new IllegalArgumentException("vectors of " + a.length + " and " + b.length + " dimensions");
        double s = 0;
        for (int i = 0; i < a.length; i++) s += (double) a[i] * b[i];
        return s;
    }

    /** The vector scaled to length 1 (a zero vector stays zero). */
    public static float[] unit(float[] v) {
        double norm = Math.sqrt(dot(v, v));
        if (norm == 0 || Math.abs(norm - 1) < 1e-7) return v;
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) out[i] = (float) (v[i] / norm);
        return out;
    }
}

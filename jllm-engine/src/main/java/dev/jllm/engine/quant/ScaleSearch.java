package dev.jllm.engine.quant;

import static dev.jllm.engine.quant.Blocks.nearestInt;

/**
 * ggml's searches for the scale (and minimum) of a group of values that the K-quant reference quantizers use:
 * {@code make_qx_quants}, {@code make_q3_quants} and {@code make_qkx2_quants} of ggml-quants.c, with the same float
 * operations in the same order so that they reach the same choices.
 */
final class ScaleSearch {
    static final float GROUP_MAX_EPS = 1e-15f;

    private ScaleSearch() {}

    /**
     * {@code make_qx_quants} with rmse_type 1 and no importance weights: symmetric quants in [-nmax, nmax) stored
     * as q + nmax into {@code L[lOffset ..]}, weighted by x², trying 18 scales around nmax / max. Returns the scale.
     */
    static float symmetric(int n, int nmax, float[] x, int xOffset, byte[] L, int lOffset) {
        float max = Blocks.largestMagnitude(x, xOffset, n);
        if (Math.abs(max) < GROUP_MAX_EPS) {
            for (int i = 0; i < n; ++i) L[lOffset + i] = 0;
            return 0.f;
        }
        float iscale = -nmax / max;
        float sumlx = 0;
        float suml2 = 0;
        for (int i = 0; i < n; ++i) {
            float xi = x[xOffset + i];
            int l = Math.max(-nmax, Math.min(nmax - 1, nearestInt(iscale * xi)));
            L[lOffset + i] = (byte) (l + nmax);
            float w = xi * xi;
            sumlx += w * xi * l;
            suml2 += w * l * l;
        }
        float scale = suml2 != 0 ? sumlx / suml2 : 0.0f;
        float best = scale * sumlx;
        for (int is = -9; is <= 9; ++is) {
            if (is == 0) continue;
            iscale = -(nmax + 0.1f * is) / max;
            sumlx = suml2 = 0;
            for (int i = 0; i < n; ++i) {
                float xi = x[xOffset + i];
                int l = Math.max(-nmax, Math.min(nmax - 1, nearestInt(iscale * xi)));
                float w = xi * xi;
                sumlx += w * xi * l;
                suml2 += w * l * l;
            }
            if (suml2 > 0 && sumlx * sumlx > best * suml2) {
                for (int i = 0; i < n; ++i) {
                    int l = nearestInt(iscale * x[xOffset + i]);
                    L[lOffset + i] = (byte) (nmax + Math.max(-nmax, Math.min(nmax - 1, l)));
                }
                scale = sumlx / suml2;
                best = scale * sumlx;
            }
        }
        return scale;
    }

    /**
     * {@code make_q3_quants} with do_rmse: symmetric quants in [-nmax, nmax) improved one value at a time (up to 5
     * passes) under x² weights; stores q + nmax. Returns the scale.
     */
    static float symmetricRefined(int n, int nmax, float[] x, int xOffset, byte[] L, int lOffset) {
        float max = Blocks.largestMagnitude(x, xOffset, n);
        if (Math.abs(max) < GROUP_MAX_EPS) {
            for (int i = 0; i < n; ++i) L[lOffset + i] = 0;
            return 0.f;
        }
        float iscale = -nmax / max;
        float sumlx = 0;
        float suml2 = 0;
        for (int i = 0; i < n; ++i) {
            float xi = x[xOffset + i];
            int l = Math.max(-nmax, Math.min(nmax - 1, nearestInt(iscale * xi)));
            L[lOffset + i] = (byte) l;
            float w = xi * xi;
            sumlx += w * xi * l;
            suml2 += w * l * l;
        }
        for (int itry = 0; itry < 5; ++itry) {
            int changed = 0;
            for (int i = 0; i < n; ++i) {
                float xi = x[xOffset + i];
                int li = L[lOffset + i];
                float w = xi * xi;
                float slx = sumlx - w * xi * li;
                if (slx > 0) {
                    float sl2 = suml2 - w * li * li;
                    int newL = Math.max(-nmax, Math.min(nmax - 1, nearestInt(xi * sl2 / slx)));
                    if (newL != li) {
                        slx += w * xi * newL;
                        sl2 += w * newL * newL;
                        if (sl2 > 0 && slx * slx * suml2 > sumlx * sumlx * sl2) {
                            L[lOffset + i] = (byte) newL;
                            sumlx = slx;
                            suml2 = sl2;
                            ++changed;
                        }
                    }
                }
            }
            if (changed == 0) break;
        }
        for (int i = 0; i < n; ++i) L[lOffset + i] += (byte) nmax;
        return suml2 > 0.0f ? sumlx / suml2 : 0.0f;
    }

    /**
     * {@code make_qkx2_quants}: quants in [0, nmax] for x ≈ scale * q - theMin, searching nstep + 1 scales from
     * (nmax + rmin) / (max - min) in steps of rdelta and refitting scale and min by weighted least squares; error
     * measured as absolute ({@code useMad}) or squared difference. Stores the quants, puts theMin into
     * {@code minOut[minIndex]} and returns the scale.
     */
    static float withMin(int n, int nmax, float[] x, int xOffset, float[] weights, byte[] L, int lOffset, float[] minOut,
            int minIndex, byte[] Laux, float rmin, float rdelta, int nstep, boolean useMad) {
        float min = x[xOffset];
        float max = x[xOffset];
        float sumW = weights[0];
        float sumX = sumW * x[xOffset];
        for (int i = 1; i < n; ++i) {
            float xi = x[xOffset + i];
            if (xi < min) min = xi;
            if (xi > max) max = xi;
            float w = weights[i];
            sumW += w;
            sumX += w * xi;
        }
        if (min > 0) min = 0;
        if (max == min) {
            for (int i = 0; i < n; ++i) L[lOffset + i] = 0;
            minOut[minIndex] = -min;
            return 0.f;
        }
        float iscale = nmax / (max - min);
        float scale = 1 / iscale;
        float bestError = 0;
        for (int i = 0; i < n; ++i) {
            int l = Math.max(0, Math.min(nmax, nearestInt(iscale * (x[xOffset + i] - min))));
            L[lOffset + i] = (byte) l;
            float diff = scale * l + min - x[xOffset + i];
            diff = useMad ? Math.abs(diff) : diff * diff;
            bestError += weights[i] * diff;
        }
        if (nstep < 1) {
            minOut[minIndex] = -min;
            return scale;
        }
        for (int is = 0; is <= nstep; ++is) {
            iscale = (rmin + rdelta * is + nmax) / (max - min);
            float sumL = 0;
            float sumL2 = 0;
            float sumXL = 0;
            for (int i = 0; i < n; ++i) {
                float xi = x[xOffset + i];
                int l = Math.max(0, Math.min(nmax, nearestInt(iscale * (xi - min))));
                Laux[i] = (byte) l;
                float w = weights[i];
                sumL += w * l;
                sumL2 += w * l * l;
                sumXL += w * l * xi;
            }
            float D = sumW * sumL2 - sumL * sumL;
            if (D > 0) {
                float thisScale = (sumW * sumXL - sumX * sumL) / D;
                float thisMin = (sumL2 * sumX - sumL * sumXL) / D;
                if (thisMin > 0) {
                    thisMin = 0;
                    thisScale = sumXL / sumL2;
                }
                float curError = 0;
                for (int i = 0; i < n; ++i) {
                    float diff = thisScale * Laux[i] + thisMin - x[xOffset + i];
                    diff = useMad ? Math.abs(diff) : diff * diff;
                    curError += weights[i] * diff;
                }
                if (curError < bestError) {
                    System.arraycopy(Laux, 0, L, lOffset, n);
                    bestError = curError;
                    scale = thisScale;
                    min = thisMin;
                }
            }
        }
        minOut[minIndex] = -min;
        return scale;
    }
}

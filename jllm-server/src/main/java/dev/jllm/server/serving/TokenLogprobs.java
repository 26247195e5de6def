package dev.jllm.server.serving;

/**
 * The log-probability of a sampled token under the model's distribution (log-softmax of the raw logits, before
 * penalties and temperature, as OpenAI and vLLM report it), and the most likely alternatives, most likely first.
 */
public record TokenLogprobs(float logprob, int[] topIds, float[] topLogprobs) {

    /** Computes them from the logits that the token was sampled from. */
    public static TokenLogprobs of(float[] logits, int token, int top) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : logits) max = Math.max(max, v);
        double sum = 0;
        for (float v : logits) sum += Math.exp(v - max);
        double logZ = max + Math.log(sum);
        int k = Math.min(Math.max(top, 0), logits.length);
        int[] ids = new int[k];
        float[] lps = new float[k];
        int filled = 0;
        // k is at most 20: insertion into a short sorted list (higher logit first, lower id on ties)
        for (int i = 0; i < logits.length && k > 0; i++) {
            if (filled == k && logits[i] <= logits[ids[k - 1]]) continue;
            int at = Math.min(filled, k - 1);
            while (at > 0 && logits[ids[at - 1]] < logits[i]) {
                ids[at] = ids[at - 1];
                at--;
            }
            ids[at] = i;
            if (filled < k) filled++;
        }
        for (int i = 0; i < k; i++) lps[i] = (float) (logits[ids[i]] - logZ);
        return new TokenLogprobs((float) (logits[token] - logZ), ids, lps);
    }
}

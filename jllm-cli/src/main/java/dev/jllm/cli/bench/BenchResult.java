package dev.jllm.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jllm.engine.runtime.VectorSupport;
import java.util.ArrayList;
import java.util.List;

/**
 * One point of a benchmark: prefill and decode speed (medians of the repetitions) for a thread count and prompt and
 * generation lengths, with the memory bandwidth measured by the same process with the same thread count.
 *
 * @param model the model file's name
 * @param type the weight type holding most of the bytes a decode step reads
 * @param nParallel sequences run at once (each with its own cache); the speeds are those of all of them together
 * @param nDepth tokens in each cache when each test started
 * @param bytesPerToken weight bytes one decode step reads ({@link DecodeTraffic})
 */
public record BenchResult(String model, String type, int threads, int nParallel, int nPrompt, int nGen, int nDepth, int repetitions, String kvType,
        double prefillTps, double decodeTps, double bandwidthGbps, long bytesPerToken, VectorSupport simd) {

    /**
     * How close decode runs to the memory roofline: the weight bytes it reads per second over the bandwidth. Near 1
     * decode is memory-bound as it should be; a model small enough to stay in the caches can exceed 1.
     */
    public double rooflineShare() {
        return decodeTps / nParallel * bytesPerToken / (bandwidthGbps * 1e9);
    }

    /**
     * The decode speed at which the weights would stream at exactly the measured bandwidth (a step of several sequences
     * reads them once for all).
     */
    public double rooflineTps() {
        return nParallel * bandwidthGbps * 1e9 / bytesPerToken;
    }

    /** The JSON object `jllm bench --json` prints (its keys are a stable contract). */
    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("model", model);
        o.put("type", type);
        o.put("threads", threads);
        o.put("n_parallel", nParallel);
        o.put("n_prompt", nPrompt);
        o.put("n_gen", nGen);
        o.put("n_depth", nDepth);
        o.put("repetitions", repetitions);
        o.put("kv_type", kvType);
        o.put("prefill_tps", prefillTps);
        o.put("decode_tps", decodeTps);
        o.put("bandwidth_gbps", bandwidthGbps);
        o.put("bytes_per_token", bytesPerToken);
        o.put("roofline_share", rooflineShare());
        ObjectNode s = o.putObject("simd");
        s.put("species_bits", simd.speciesBits());
        s.put("vector_kernels", simd.vectorKernels());
        s.put("compiled_to_simd", simd.compiledToSimd());
        simd.problems().forEach(s.putArray("problems")::add);
        return o;
    }

    /** Reads what {@link #toJson} wrote (a child process's result). */
    public static BenchResult fromJson(JsonNode o) {
        JsonNode s = require(o, "simd");
        List<String> problems = new ArrayList<>();
        require(s, "problems").forEach(p -> problems.add(p.asText()));
        VectorSupport simd = new VectorSupport(require(s, "species_bits").asInt(), require(s, "vector_kernels").asBoolean(),
                require(s, "compiled_to_simd").asBoolean(), problems);
        return new BenchResult(require(o, "model").asText(), require(o, "type").asText(), require(o, "threads").asInt(),
                require(o, "n_parallel").asInt(), require(o, "n_prompt").asInt(), require(o, "n_gen").asInt(), require(o, "n_depth").asInt(), require(o, "repetitions").asInt(),
                require(o, "kv_type").asText(), require(o, "prefill_tps").asDouble(), require(o, "decode_tps").asDouble(),
                require(o, "bandwidth_gbps").asDouble(), require(o, "bytes_per_token").asLong(), simd);
    }

    private static JsonNode require(JsonNode o, String key) {
        JsonNode v = o.get(key);
        if (v == null) throw new IllegalArgumentException("benchmark result without \"" + key + "\": " + o);
        return v;
    }
}

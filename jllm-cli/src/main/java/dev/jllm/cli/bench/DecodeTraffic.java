package dev.jllm.cli.bench;

import dev.jllm.engine.gguf.GgmlType;
import dev.jllm.engine.model.LayerWeights;
import dev.jllm.engine.model.ModelWeights;
import dev.jllm.engine.quant.WeightMatrix;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The weight bytes one decode step reads: every matrix a token is multiplied by (each layer's attention and
 * feed-forward projections, and the output head). The token embedding table is not among them, since a step reads
 * only one of its rows, unless it doubles as the output head.
 *
 * @param bytesPerToken the sum of those matrices' sizes
 * @param type the weight type holding most of those bytes (the "Q4_0" of a Q4_0 model whose output head is Q6_K)
 */
public record DecodeTraffic(long bytesPerToken, GgmlType type) {

    public static DecodeTraffic of(ModelWeights weights) {
        Map<GgmlType, Long> bytesByType = new EnumMap<>(GgmlType.class);
        Stream.concat(Stream.of(weights.layers()).flatMap(DecodeTraffic::matrices), Stream.of(weights.output()))
                .forEach(m -> bytesByType.merge(m.type(), bytes(m), Long::sum));
        long total = bytesByType.values().stream().mapToLong(Long::longValue).sum();
        GgmlType dominant = bytesByType.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        return new DecodeTraffic(total, dominant);
    }

    private static Stream<WeightMatrix> matrices(LayerWeights l) {
        return List.of(l.wq(), l.wk(), l.wv(), l.wo(), l.ffnGate(), l.ffnUp(), l.ffnDown()).stream();
    }

    private static long bytes(WeightMatrix m) {
        return m.type().bytesFor((long) m.rows() * m.cols());
    }
}

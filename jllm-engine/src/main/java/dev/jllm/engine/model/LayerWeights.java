package dev.jllm.engine.model;

import dev.jllm.engine.quant.WeightMatrix;

/**
 * The tensors of one transformer block. Optional parts are null: {@code qBias/kBias/vBias} (Qwen 2) and
 * {@code qNorm/kNorm} (Qwen 3).
 */
public record LayerWeights(
        float[] attnNorm,
        WeightMatrix wq,
        WeightMatrix wk,
        WeightMatrix wv,
        WeightMatrix wo,
        float[] qBias,
        float[] kBias,
        float[] vBias,
        float[] qNorm,
        float[] kNorm,
        float[] ffnNorm,
        WeightMatrix ffnGate,
        WeightMatrix ffnUp,
        WeightMatrix ffnDown) {}

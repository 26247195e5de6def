package dev.jllm.server.scheduler;

/**
 * Copy-on-write of a KV block: before the step runs, the keys and values of block {@code source} must be copied
 * into block {@code target}, which the writing sequence now owns instead of the shared source.
 */
public record BlockCopy(int source, int target) {}

package lambert.runtime;

import lambert.runtime.session.EngineOptions;

/**
 * How a model is loaded and run.
 *
 * @param engine ONNX Runtime threads, spinning and optimisation level
 * @param verifyHashes whether the bundle's file hashes are checked at load
 * @param tokenBudget the most tokens (rows x padded width) in one micro-batch
 * @param maxBatchRows the most texts in one micro-batch
 * @param parallelism how many micro-batches of one request run at once; 0 for automatic: one after another
 *     when batches hold many texts, one per processor when a model answers one text at a time
 * @param processors the processors that automatic threads and parallelism spread over; 0 for the JVM's count (a
 *     Lambda function gives its vCPU share instead, which the JVM does not see alike on Lambda and in an emulator)
 */
public record ModelOptions(EngineOptions engine, boolean verifyHashes, int tokenBudget, int maxBatchRows,
        int parallelism, int processors) {
    public ModelOptions {
        if (parallelism < 0) {
            throw new IllegalArgumentException("parallelism must be 0 (automatic) or more, found " + parallelism);
        }
        if (processors < 0) {
            throw new IllegalArgumentException("processors must be 0 (the JVM's count) or more, found " + processors);
        }
        if (engine == null) {
            throw new IllegalArgumentException("engine options must be given");
        }
        if (tokenBudget < 1 || maxBatchRows < 1) {
            throw new IllegalArgumentException("tokenBudget and maxBatchRows must be positive, found "
                    + tokenBudget + " and " + maxBatchRows);
        }
    }

    /** Options with the JVM's processor count. */
    public ModelOptions(EngineOptions engine, boolean verifyHashes, int tokenBudget, int maxBatchRows,
            int parallelism) {
        this(engine, verifyHashes, tokenBudget, maxBatchRows, parallelism, 0);
    }

    /**
     * Default engine options, hashes checked, micro-batches of at most 8 texts and 8192 tokens, automatic
     * parallelism and threads. Measured on 2 cores ({@code EngineSweep}): 8-text batches one after another, with
     * an intra-op thread per processor, give the best single-text latency for batch-invariant models; a model that
     * answers one text at a time does best with one text per processor at once, each on one thread (1.7x the
     * 256-text throughput of the same calls on two threads each; a long single text is slower on one thread).
     */
    public static ModelOptions defaults() {
        return new ModelOptions(EngineOptions.defaults(), true, 8192, 8, 0, 0);
    }

    /** The processors automatic settings spread over: {@link #processors()}, else the JVM's count. */
    public int effectiveProcessors() {
        return processors > 0 ? processors : Runtime.getRuntime().availableProcessors();
    }

    /** The micro-batches to run at once, resolving 0 (automatic) for batches of {@code rows} texts at most. */
    public int effectiveParallelism(int rows) {
        if (parallelism > 0) {
            return parallelism;
        }
        return rows == 1 ? effectiveProcessors() : 1;
    }

    /**
     * ONNX Runtime's intra-op threads for a model whose batches hold {@code rows} texts at most: the engine's
     * explicit count, else the processors shared among the micro-batches that run at once (at least one), so that
     * calls running side by side never ask for more threads than there are processors.
     */
    public int effectiveThreads(int rows) {
        if (engine.threads() > 0) {
            return engine.threads();
        }
        return Math.max(1, effectiveProcessors() / effectiveParallelism(rows));
    }

    /** A copy with other engine options. */
    public ModelOptions withEngine(EngineOptions options) {
        return new ModelOptions(options, verifyHashes, tokenBudget, maxBatchRows, parallelism, processors);
    }

    /** A copy with other micro-batch settings. */
    public ModelOptions withBatching(int budget, int rows, int parallel) {
        return new ModelOptions(engine, verifyHashes, budget, rows, parallel, processors);
    }

    /** A copy whose automatic threads and parallelism spread over {@code count} processors (0: the JVM's count). */
    public ModelOptions withProcessors(int count) {
        return new ModelOptions(engine, verifyHashes, tokenBudget, maxBatchRows, parallelism, count);
    }
}

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
 */
public record ModelOptions(EngineOptions engine, boolean verifyHashes, int tokenBudget, int maxBatchRows,
        int parallelism) {
    public ModelOptions {
        if (parallelism < 0) {
            throw new IllegalArgumentException("parallelism must be 0 (automatic) or more, found " + parallelism);
        }
        if (engine == null) {
            throw new IllegalArgumentException("engine options must be given");
        }
        if (tokenBudget < 1 || maxBatchRows < 1) {
            throw new IllegalArgumentException("tokenBudget and maxBatchRows must be positive, found "
                    + tokenBudget + " and " + maxBatchRows);
        }
    }

    /**
     * Default engine options, hashes checked, micro-batches of at most 8 texts and 8192 tokens, automatic
     * parallelism. Measured on 2 cores ({@code EngineSweep}, {@code PeerComparison}): 8-text batches one
     * after another give the best 256-text throughput for fp32; a quantised model, which answers one text
     * at a time, does better with one text per processor at once.
     */
    public static ModelOptions defaults() {
        return new ModelOptions(EngineOptions.defaults(), true, 8192, 8, 0);
    }

    /** The micro-batches to run at once, resolving 0 (automatic) for batches of {@code rows} texts at most. */
    public int effectiveParallelism(int rows) {
        if (parallelism > 0) {
            return parallelism;
        }
        return rows == 1 ? Runtime.getRuntime().availableProcessors() : 1;
    }

    /** A copy with other engine options. */
    public ModelOptions withEngine(EngineOptions options) {
        return new ModelOptions(options, verifyHashes, tokenBudget, maxBatchRows, parallelism);
    }

    /** A copy with other micro-batch settings. */
    public ModelOptions withBatching(int budget, int rows, int parallel) {
        return new ModelOptions(engine, verifyHashes, budget, rows, parallel);
    }
}

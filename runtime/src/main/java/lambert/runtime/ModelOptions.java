package lambert.runtime;

import lambert.runtime.session.EngineOptions;

/**
 * How a model is loaded and run.
 *
 * @param engine ONNX Runtime threads, spinning and optimisation level
 * @param verifyHashes whether the bundle's file hashes are checked at load
 * @param tokenBudget the most tokens (rows x padded width) in one micro-batch
 * @param maxBatchRows the most texts in one micro-batch
 */
public record ModelOptions(EngineOptions engine, boolean verifyHashes, int tokenBudget, int maxBatchRows) {
    public ModelOptions {
        if (engine == null) {
            throw new IllegalArgumentException("engine options must be given");
        }
        if (tokenBudget < 1 || maxBatchRows < 1) {
            throw new IllegalArgumentException("tokenBudget and maxBatchRows must be positive, found "
                    + tokenBudget + " and " + maxBatchRows);
        }
    }

    /** Default engine options, hashes checked, 8192-token micro-batches of at most 32 texts. */
    public static ModelOptions defaults() {
        return new ModelOptions(EngineOptions.defaults(), true, 8192, 32);
    }

    /** A copy with other engine options. */
    public ModelOptions withEngine(EngineOptions options) {
        return new ModelOptions(options, verifyHashes, tokenBudget, maxBatchRows);
    }
}

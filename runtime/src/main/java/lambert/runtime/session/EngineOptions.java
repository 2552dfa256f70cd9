package lambert.runtime.session;

/**
 * How ONNX Runtime sessions are created.
 *
 * @param threads intra-op threads; 0 means one per available processor
 * @param spinning whether idle worker threads spin (lower latency, CPU burnt between calls)
 * @param optimization the graph optimisation level
 */
public record EngineOptions(int threads, boolean spinning, Optimization optimization) {
    public EngineOptions {
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be 0 (one per processor) or more, found " + threads);
        }
        if (optimization == null) {
            throw new IllegalArgumentException("optimization must be given");
        }
    }

    /** One thread per processor, no spinning, automatic optimisation level. */
    public static EngineOptions defaults() {
        return new EngineOptions(0, false, Optimization.AUTO);
    }

    /** The thread count to use: {@link #threads()} or the number of available processors. */
    public int effectiveThreads() {
        return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }

    /** A copy with another thread count. */
    public EngineOptions withThreads(int count) {
        return new EngineOptions(count, spinning, optimization);
    }
}

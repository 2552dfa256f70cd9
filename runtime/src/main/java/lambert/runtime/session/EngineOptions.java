package lambert.runtime.session;

/**
 * How ONNX Runtime sessions are created.
 *
 * @param threads intra-op threads; 0 means one per available processor here, and for a model opened with
 *     {@code Model.open} the processors shared among its calls that run at once ({@code ModelOptions#effectiveThreads})
 * @param spinning whether idle worker threads spin (lower latency, CPU burnt between calls)
 * @param optimization the graph optimisation level
 * @param kernelWorkarounds whether sessions avoid the ONNX Runtime kernel paths known to answer wrong on this
 *     machine's CPU ({@link KernelWorkarounds}); off only to show that the fault is still there
 */
public record EngineOptions(int threads, boolean spinning, Optimization optimization, boolean kernelWorkarounds) {
    public EngineOptions {
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be 0 (automatic) or more, found " + threads);
        }
        if (optimization == null) {
            throw new IllegalArgumentException("optimization must be given");
        }
    }

    /** Options with the kernel workarounds on. */
    public EngineOptions(int threads, boolean spinning, Optimization optimization) {
        this(threads, spinning, optimization, true);
    }

    /** A copy with {@code count} intra-op threads. */
    public EngineOptions withThreads(int count) {
        return new EngineOptions(count, spinning, optimization, kernelWorkarounds);
    }

    /** A copy with the kernel workarounds on or off. */
    public EngineOptions withKernelWorkarounds(boolean on) {
        return new EngineOptions(threads, spinning, optimization, on);
    }

    /**
     * One thread per processor, spinning, automatic optimisation level. Spinning measured on 2 cores
     * (all-MiniLM-L6-v2, {@code EngineSweep}): warm single-text p50 2.0 ms instead of 2.6 ms (fp32) and
     * 0.71 instead of 0.99 ms (int8). With one thread (a Lambda function of 1 vCPU or less) it changes nothing.
     */
    public static EngineOptions defaults() {
        return new EngineOptions(0, true, Optimization.AUTO);
    }

    /** The thread count to use: {@link #threads()} or the number of available processors. */
    public int effectiveThreads() {
        return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }
}

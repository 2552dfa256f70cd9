package lambert.toolkit.tune;

/**
 * The figures of one memory size in a sweep.
 *
 * @param memoryMb the memory size
 * @param initMs the cold start's init duration, or -1 if the target gave none
 * @param p50Ms warm duration, median of the kept invocations (NaN if none ran)
 * @param p90Ms warm duration, 90th percentile of the kept invocations (NaN if none ran)
 * @param billedMeanMs mean billed duration of the kept invocations (each rounded up to 1 ms)
 * @param maxMemoryUsedMb the highest Max Memory Used reported, -1 if unknown
 * @param usdPerMillion cost per million warm invocations at the mean billed duration, request charge included
 * @param measured warm invocations measured
 * @param dropped of those, dropped as outliers (see {@link Sweep#OUTLIER_RULE})
 * @param failed invocations that answered with a function error or timed out
 * @param error why this size is not usable (init failed, over its memory, failures), or null
 */
public record SizeResult(int memoryMb, double initMs, double p50Ms, double p90Ms, double billedMeanMs,
        long maxMemoryUsedMb, double usdPerMillion, int measured, int dropped, int failed, String error) {

    /** A size whose environment never came up. */
    public static SizeResult failed(int memoryMb, String error) {
        return new SizeResult(memoryMb, -1, Double.NaN, Double.NaN, Double.NaN, -1, Double.NaN, 0, 0, 0, error);
    }

    /** Whether the size ran every invocation within its memory, so it can be chosen. */
    public boolean usable() {
        return error == null;
    }
}

package lambert.toolkit.emulator;

import java.util.Arrays;

/**
 * Percentiles of a set of timings.
 *
 * @param p50 median, in milliseconds
 * @param p90 90th percentile, in milliseconds
 * @param p99 99th percentile, in milliseconds
 * @param count number of samples
 */
public record Latency(double p50, double p90, double p99, int count) {
    /** Percentiles (nearest rank) of durations given in nanoseconds. */
    public static Latency ofNanos(long[] nanos) {
        if (nanos.length == 0) {
            throw new IllegalArgumentException("no samples");
        }
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return new Latency(rank(sorted, 0.50), rank(sorted, 0.90), rank(sorted, 0.99), sorted.length);
    }

    private static double rank(long[] sorted, double p) {
        int index = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(index, sorted.length - 1))] / 1e6;
    }
}

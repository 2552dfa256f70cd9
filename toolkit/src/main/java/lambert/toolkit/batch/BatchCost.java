package lambert.toolkit.batch;

import lambert.toolkit.cost.Prices;
import lambert.toolkit.packaging.CpuArch;

/**
 * What a run has cost so far, from the price table: the request charge for every request sent (retries and split
 * halves included) and the duration charge for the billed durations Lambda reported, or, where the target reports
 * none (a function URL), the request times seen from this side, which are longer than the billed ones.
 *
 * @param prices the price table
 * @param memoryMb the function's memory setting
 * @param architecture its CPU architecture
 */
public record BatchCost(Prices prices, int memoryMb, CpuArch architecture) {
    /** USD spent by the requests in {@code counts}. */
    public double spent(BatchRun.Counts counts) {
        long ms = counts.billedMs() > 0 ? counts.billedMs() : counts.requestMs();
        return counts.requests() * prices.requestPerMillion() / 1e6
                + Prices.gbSeconds(ms, memoryMb) * prices.of(architecture).durationGbSecond();
    }

    /** USD for {@code requests} requests billed {@code billedMs} each. */
    public double of(long requests, double billedMs) {
        return requests * prices.requestPerMillion() / 1e6
                + Prices.gbSeconds(requests * billedMs, memoryMb) * prices.of(architecture).durationGbSecond();
    }

    /**
     * A gate that stops the run before its cost would pass {@code maxUsd}: a request goes out only while the cost so
     * far, plus the requests under way and this one at the average cost per request so far, stays within it. Until
     * the first answer the average is unknown, so the first requests (at most the concurrency) go out.
     */
    public BatchRun.Gate limit(double maxUsd) {
        return (counts, next) -> {
            double spent = spent(counts);
            double perRequest = counts.requests() == 0 ? 0 : spent / counts.requests();
            double expected = spent + (counts.inFlight() + 1) * perRequest;
            if (expected > maxUsd) {
                return String.format(java.util.Locale.ROOT, "stopped before passing the cost limit of $%.4f: $%.4f "
                        + "spent, and the next request would bring it to about $%.4f", maxUsd, spent, expected);
            }
            return null;
        };
    }
}

package lambert.toolkit.emulator;

import java.util.List;
import lambert.toolkit.cost.Prices;

/**
 * Figures over a run of invocations, emulated or on AWS: duration percentiles, the p50 billed duration, the most
 * memory used, failures, and what a million invocations would cost at that duration on each architecture.
 *
 * @param latency duration percentiles
 * @param billedP50 the p50 duration rounded up to a whole millisecond, as Lambda bills it
 * @param maxMemoryMb the most memory any invocation used (-1 if none said)
 * @param failed invocations whose status was not {@code success}
 * @param x86PerMillion USD per million invocations on x86_64, requests included (the built-in prices)
 * @param armPerMillion USD per million invocations on arm64, requests included (the built-in prices)
 */
public record RunSummary(Latency latency, long billedP50, long maxMemoryMb, int failed, double x86PerMillion,
        double armPerMillion) {
    /** The figures of {@code reports}, priced at {@code memoryMb}. */
    public static RunSummary of(List<Report> reports, int memoryMb) {
        long[] nanos = reports.stream().mapToLong(r -> (long) (r.durationMs() * 1e6)).toArray();
        Latency latency = Latency.ofNanos(nanos);
        long billed = (long) Math.ceil(latency.p50());
        long memoryUsed = reports.stream().mapToLong(Report::maxMemoryUsedMb).max().orElse(-1);
        int failed = (int) reports.stream().filter(r -> !r.status().equals("success")).count();
        return new RunSummary(latency, billed, memoryUsed, failed, Prices.DEFAULT.perMillion(billed, memoryMb, false),
                Prices.DEFAULT.perMillion(billed, memoryMb, true));
    }
}

package lambert.toolkit.tune;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import lambert.toolkit.BadInputException;
import lambert.toolkit.cost.Prices;
import lambert.toolkit.emulator.FunctionExitedException;
import lambert.toolkit.emulator.InitFailedException;
import lambert.toolkit.emulator.Report;
import lambert.toolkit.packaging.CpuArch;

/**
 * The memory-size sweep behind {@code lambert tune}, on any {@link TuneTarget}. At each size: one
 * invocation for the cold start (its report gives the init duration), then {@code warmup} dropped
 * and {@code invocations} measured in the same environment. A size whose environment fails to start,
 * or whose function process ends, is recorded with its error and the sweep goes on.
 *
 * <p>Statistics are over the measured warm invocations that succeeded, less the outliers
 * ({@link #OUTLIER_RULE}). The cost per million uses the mean billed duration, not the median, since
 * at small sizes a few calls wait for CPU and those are billed too. A size is not usable when any
 * invocation failed or its Max Memory Used is over its memory size (Lambda would stop it).
 *
 * <pre>{@code
 * TuneResult r = new Sweep(target, Prices.DEFAULT, CpuArch.X86_64, 10, 100)
 *         .run(List.of(128, 512, 1769), event, (memoryMb, step) -> {});
 * r.cheapest();
 * }</pre>
 */
public final class Sweep {
    /** The outlier rule in a picocli description (which formats it: the percent sign doubled). */
    public static final String OUTLIER_RULE_HELP = "the slowest 1%% of each size's measured invocations (above its "
            + "p99; none under 100 invocations)";
    /** The outlier rule, as the output states it. */
    public static final String OUTLIER_RULE = OUTLIER_RULE_HELP.replace("%%", "%");

    /** Told what the sweep is doing, for progress on a terminal. */
    @FunctionalInterface
    public interface Progress {
        /** {@code step} is a short description ("cold start", "100 invocations"). */
        void at(int memoryMb, String step);
    }

    private final TuneTarget target;
    private final Prices prices;
    private final CpuArch architecture;
    private final int warmup;
    private final int invocations;

    /**
     * @param target where to run
     * @param prices the price table
     * @param architecture the architecture to price
     * @param warmup invocations dropped after the cold start at each size, 0 or more
     * @param invocations invocations measured at each size, at least 1
     */
    public Sweep(TuneTarget target, Prices prices, CpuArch architecture, int warmup, int invocations) {
        checkCounts(warmup, invocations);
        this.target = target;
        this.prices = prices;
        this.architecture = architecture;
        this.warmup = warmup;
        this.invocations = invocations;
    }

    /**
     * Refuses counts a sweep cannot use, before anything is started.
     *
     * @throws BadInputException naming the count
     */
    public static void checkCounts(int warmup, int invocations) {
        if (warmup < 0) {
            throw BadInputException.of("warmup must be 0 or more, found " + warmup, "warmup");
        }
        if (invocations < 1) {
            throw BadInputException.of("invocations must be at least 1, found " + invocations, "invocations");
        }
    }

    /** Runs every size in order and returns the results. Failures other than an init error stop the sweep. */
    public TuneResult run(List<Integer> memorySizes, byte[] event, Progress progress) throws Exception {
        List<SizeResult> results = new ArrayList<>();
        for (int memoryMb : memorySizes) {
            progress.at(memoryMb, "cold start");
            List<Report> cold;
            try {
                cold = target.run(memoryMb, 0, 1, event);
            } catch (InitFailedException e) {
                results.add(SizeResult.failed(memoryMb, "init error (" + e.errorType() + "): " + e.getMessage()));
                continue;
            } catch (FunctionExitedException e) {
                results.add(SizeResult.failed(memoryMb, e.getMessage()));
                continue;
            }
            progress.at(memoryMb, warmup + " warm-up and " + invocations + " measured invocations");
            List<Report> warm;
            try {
                warm = target.run(memoryMb, warmup, invocations, event);
            } catch (InitFailedException e) {
                results.add(SizeResult.failed(memoryMb, "init error after a restart (" + e.errorType() + "): "
                        + e.getMessage()));
                continue;
            } catch (FunctionExitedException e) {
                results.add(SizeResult.failed(memoryMb, e.getMessage()));
                continue;
            }
            results.add(summarise(memoryMb, cold, warm));
        }
        return new TuneResult(target.describe(), architecture, prices, warmup, invocations, results);
    }

    /** The figures of one size from its cold-start report(s) and its measured reports. */
    SizeResult summarise(int memoryMb, List<Report> cold, List<Report> measured) {
        double initMs = -1;
        List<Report> all = new ArrayList<>(cold);
        all.addAll(measured);
        for (Report r : all) {
            if (r.initDurationMs() >= 0 && initMs < 0) {
                initMs = r.initDurationMs();
            }
        }
        long maxMemory = all.stream().mapToLong(Report::maxMemoryUsedMb).max().orElse(-1);
        int failed = (int) all.stream().filter(r -> !r.status().equals("success")).count();
        // A measured report that carries an init duration is a cold start inside the measured set
        // (a target that started a new environment): its duration is not a warm one.
        double[] durations = measured.stream().filter(r -> r.status().equals("success") && r.initDurationMs() < 0)
                .mapToDouble(Report::durationMs).sorted().toArray();
        String error = null;
        if (failed > 0) {
            Report first = all.stream().filter(r -> !r.status().equals("success")).findFirst().orElseThrow();
            error = String.format(Locale.ROOT, "%d of %d invocations failed (first: %s)", failed, all.size(),
                    first.status());
        } else if (maxMemory > memoryMb) {
            error = String.format(Locale.ROOT, "Max Memory Used %d MB is over the %d MB memory size: Lambda would stop "
                    + "the function (Runtime.OutOfMemory)", maxMemory, memoryMb);
        }
        if (durations.length == 0) {
            return new SizeResult(memoryMb, initMs, Double.NaN, Double.NaN, Double.NaN, maxMemory, Double.NaN,
                    measured.size(), 0, failed, error == null ? "no warm invocation succeeded" : error);
        }
        int dropped = durations.length / 100;
        double[] kept = Arrays.copyOf(durations, durations.length - dropped);
        double billedMean = Arrays.stream(kept).map(d -> Math.max(1, Math.ceil(d))).average().orElseThrow();
        double usdPerMillion = prices.requestPerMillion()
                + 1e6 * Prices.gbSeconds(billedMean, memoryMb) * prices.of(architecture).durationGbSecond();
        return new SizeResult(memoryMb, initMs, rank(kept, 0.50), rank(kept, 0.90), billedMean, maxMemory,
                usdPerMillion, measured.size(), dropped, failed, error);
    }

    /** Nearest-rank percentile of sorted values. */
    static double rank(double[] sorted, double p) {
        int index = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(index, sorted.length - 1))];
    }
}

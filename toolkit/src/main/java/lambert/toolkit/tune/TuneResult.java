package lambert.toolkit.tune;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import lambert.toolkit.cost.Prices;
import lambert.toolkit.packaging.CpuArch;

/**
 * A whole sweep and the three choices drawn from its usable sizes:
 * <ul>
 *   <li><b>cheapest</b>: the lowest cost per million (ties: the lower p90);</li>
 *   <li><b>fastest</b>: the lowest p50 duration (ties: the cheaper);</li>
 *   <li><b>balanced</b>: the cheapest size whose p90 duration is at most {@link #BALANCED_P90_FACTOR}
 *       times the fastest p90: close to the best latency, without paying for the last few percent.</li>
 * </ul>
 *
 * @param target what ran the sweep ({@link TuneTarget#describe()})
 * @param architecture the architecture priced
 * @param prices the price table used
 * @param warmup warm-up invocations per size
 * @param invocations measured invocations per size
 * @param sizes one result per memory size, in the order swept
 */
public record TuneResult(String target, CpuArch architecture, Prices prices, int warmup, int invocations,
        List<SizeResult> sizes) {

    /** How much slower than the fastest p90 the balanced choice may be. */
    public static final double BALANCED_P90_FACTOR = 1.5;

    public TuneResult {
        sizes = List.copyOf(sizes);
    }

    /** The cheapest usable size. */
    public Optional<SizeResult> cheapest() {
        return usable().min(Comparator.comparingDouble(SizeResult::usdPerMillion)
                .thenComparingDouble(SizeResult::p90Ms));
    }

    /** The fastest usable size. */
    public Optional<SizeResult> fastest() {
        return usable().min(Comparator.comparingDouble(SizeResult::p50Ms)
                .thenComparingDouble(SizeResult::usdPerMillion));
    }

    /** The cheapest usable size whose p90 is at most {@link #BALANCED_P90_FACTOR} times the lowest p90. */
    public Optional<SizeResult> balanced() {
        double bestP90 = usable().mapToDouble(SizeResult::p90Ms).min().orElse(Double.NaN);
        return usable().filter(s -> s.p90Ms() <= BALANCED_P90_FACTOR * bestP90)
                .min(Comparator.comparingDouble(SizeResult::usdPerMillion).thenComparingDouble(SizeResult::p90Ms));
    }

    private java.util.stream.Stream<SizeResult> usable() {
        return sizes.stream().filter(SizeResult::usable);
    }
}

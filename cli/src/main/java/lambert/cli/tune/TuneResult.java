package lambert.cli.tune;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import lambert.cli.cost.Prices;
import lambert.cli.packaging.Architecture;

/**
 * A whole sweep and the three choices drawn from its usable sizes:
 * <ul>
 *   <li><b>cheapest</b>: the lowest cost per million (ties: the lower p90);</li>
 *   <li><b>fastest</b>: the lowest p50 duration (ties: the cheaper);</li>
 *   <li><b>balanced</b>: the lowest product of cost per million and p90 duration, so a size that is a
 *       little dearer but much faster wins, and one that is a little faster but much dearer does not.</li>
 * </ul>
 *
 * @param target what ran the sweep ({@link TuneTarget#describe()})
 * @param architecture the architecture priced
 * @param prices the price table used
 * @param warmup warm-up invocations per size
 * @param invocations measured invocations per size
 * @param sizes one result per memory size, in the order swept
 */
public record TuneResult(String target, Architecture architecture, Prices prices, int warmup, int invocations,
        List<SizeResult> sizes) {

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

    /** The usable size with the lowest cost per million x p90 duration. */
    public Optional<SizeResult> balanced() {
        return usable().min(Comparator.comparingDouble((SizeResult s) -> s.usdPerMillion() * s.p90Ms())
                .thenComparingDouble(SizeResult::usdPerMillion));
    }

    private java.util.stream.Stream<SizeResult> usable() {
        return sizes.stream().filter(SizeResult::usable);
    }
}

package lambert.toolkit.verify;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import lambert.runtime.bundle.Manifest;
import lambert.runtime.bundle.Task;

/**
 * What a candidate must achieve. Three profiles: {@code converted} (the same model in another form:
 * every output within 1e-4 of the reference), {@code quantised} (mean cosine at least 0.99 for
 * embeddings, label agreement at least 0.98 for classifiers and taggers) and {@code platform} (the same
 * model on another CPU or architecture: every text's cosine at least 0.99999 for fp32, 0.99 for a quantised
 * model, whose int8 kernels round differently per CPU). A null bound is not checked.
 *
 * @param name the profile's name, for reports
 * @param maxAbsDiff the largest absolute output difference allowed
 * @param minMeanCosine the lowest mean cosine allowed (embed)
 * @param minCosine the lowest per-text cosine allowed (embed)
 * @param minLabelAgreement the lowest label agreement allowed (classify, tag)
 */
public record Thresholds(String name, Double maxAbsDiff, Double minMeanCosine, Double minCosine,
        Double minLabelAgreement) {

    /** The same model, converted: outputs within 1e-4. */
    public static Thresholds converted() {
        return new Thresholds("converted", 1e-4, null, null, null);
    }

    /** A quantised model: mean cosine ≥ 0.99, label agreement ≥ 0.98. */
    public static Thresholds quantised() {
        return new Thresholds("quantised", null, 0.99, null, 0.98);
    }

    /**
     * The same model answering on another CPU or architecture: every text's cosine at least 0.99999 (fp32) or 0.99
     * (quantised: measured 0.994 between x86_64 and Neoverse N1 on the shipped int8 all-MiniLM-L6-v2, kernel
     * rounding), label agreement at least 0.99 or 0.98. The per-text minimum, not the mean: one wrong answer fails.
     */
    public static Thresholds platform(boolean quantised) {
        return quantised ? new Thresholds("platform (quantised)", null, null, 0.99, 0.98)
                : new Thresholds("platform (fp32)", null, null, 0.99999, 0.99);
    }

    /**
     * The profile named {@code profile} ({@code converted}, {@code quantised} or {@code quantized}, {@code platform});
     * null chooses: {@code quantised} when the candidate's quantisation differs from the reference's, else
     * {@code platform} when a side is a function package, else {@code converted}.
     *
     * @param reference the reference's manifest
     * @param candidate the candidate's manifest ({@code platform} is the quantised one when it is not batch-invariant)
     * @param packages whether either side is a function package
     * @throws lambert.toolkit.BadInputException naming the field {@code profile} if it is none of these
     */
    public static Thresholds forProfile(String profile, Manifest reference, Manifest candidate, boolean packages) {
        boolean quantised = !candidate.quantization().equals("none");
        if (profile == null) {
            return !reference.quantization().equals(candidate.quantization()) ? quantised()
                    : packages ? platform(quantised) : converted();
        }
        return switch (profile) {
            case "converted" -> converted();
            case "quantised", "quantized" -> quantised();
            case "platform" -> platform(quantised);
            default -> throw lambert.toolkit.BadInputException.of("profile must be converted, quantised or platform, "
                    + "found \"" + profile + "\"", "profile");
        };
    }

    /** A copy with explicit bounds where given (null keeps the profile's). */
    public Thresholds override(Double maxAbs, Double minMean, Double min, Double minAgreement) {
        return new Thresholds(name + (maxAbs != null || minMean != null || min != null || minAgreement != null
                ? " (with overrides)" : ""), maxAbs != null ? maxAbs : maxAbsDiff,
                minMean != null ? minMean : minMeanCosine, min != null ? min : minCosine,
                minAgreement != null ? minAgreement : minLabelAgreement);
    }

    /** One line per bound the report breaks; empty when it passes. */
    public List<String> failures(VerifyReport r) {
        List<String> out = new ArrayList<>();
        if (maxAbsDiff != null && r.maxAbsDiff() > maxAbsDiff) {
            out.add(String.format(Locale.ROOT, "max abs diff %.3g is over %.3g", r.maxAbsDiff(), maxAbsDiff));
        }
        if (r.task() == Task.EMBED) {
            if (minMeanCosine != null && r.meanCosine() < minMeanCosine) {
                out.add(String.format(Locale.ROOT, "mean cosine %.5f is under %.5f", r.meanCosine(), minMeanCosine));
            }
            if (minCosine != null && r.minCosine() < minCosine) {
                out.add(String.format(Locale.ROOT, "min cosine %.5f is under %.5f", r.minCosine(), minCosine));
            }
        } else if (minLabelAgreement != null && r.labelAgreement() < minLabelAgreement) {
            out.add(String.format(Locale.ROOT, "label agreement %.4f is under %.4f", r.labelAgreement(),
                    minLabelAgreement));
        }
        return out;
    }
}

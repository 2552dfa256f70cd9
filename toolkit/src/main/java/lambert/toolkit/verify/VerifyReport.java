package lambert.toolkit.verify;

import java.util.List;
import lambert.runtime.bundle.Task;

/**
 * How closely a candidate model answers like its reference on the same texts.
 *
 * @param task the task both models answer
 * @param texts how many texts were compared
 * @param maxAbsDiff the largest absolute difference of any output value (embedding component, label
 *     probability, token score) over all texts
 * @param meanAbsDiff the mean absolute difference of output values
 * @param meanCosine embed: mean cosine between the two embeddings of a text; NaN for other tasks
 * @param minCosine embed: the smallest such cosine; NaN for other tasks
 * @param labelAgreement classify: share of texts with the same top label; tag: share of tagged tokens
 *     with the same label and span; 1 for embed
 * @param worst the texts that differ most, worst first
 */
public record VerifyReport(Task task, int texts, double maxAbsDiff, double meanAbsDiff, double meanCosine,
        double minCosine, double labelAgreement, List<Worst> worst) {

    /**
     * A text that differs.
     *
     * @param index its position in the text set
     * @param text the text
     * @param measure the cosine (embed), the largest probability difference (classify) or the
     *     agreement (tag) for this text
     */
    public record Worst(int index, String text, double measure) {}

    public VerifyReport {
        worst = List.copyOf(worst);
    }
}

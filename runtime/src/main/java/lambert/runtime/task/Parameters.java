package lambert.runtime.task;

/**
 * Per-request options.
 *
 * @param topK classify: how many labels to return, best first; 0 for all
 * @param aggregation tag: how token labels become entities
 * @param truncation whether over-long texts are cut (and flagged) or refused
 */
public record Parameters(int topK, Aggregation aggregation, boolean truncation) {
    public Parameters {
        if (topK < 0) {
            throw new IllegalArgumentException("topK must be 0 (all) or more, found " + topK);
        }
    }

    /** All labels, simple aggregation, truncation on. */
    public static Parameters defaults() {
        return new Parameters(0, Aggregation.SIMPLE, true);
    }
}

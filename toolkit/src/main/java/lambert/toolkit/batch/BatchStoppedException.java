package lambert.toolkit.batch;

import lambert.toolkit.ToolkitException;

/**
 * A run stopped before the end of its input: the target kept failing (throttled past the retries, unreachable,
 * refusing access), the cost limit was reached, or the run was interrupted. What was finished is in the partial
 * files and the progress file, so the run can be resumed.
 */
public final class BatchStoppedException extends ToolkitException {
    private static final long serialVersionUID = 1L;

    private final transient BatchRun.Counts counts;
    private final boolean limit;

    /**
     * @param message why it stopped and how far it got
     * @param limit whether a limit the caller set (the cost) stopped it, rather than a failure
     */
    public BatchStoppedException(String message, BatchRun.Counts counts, boolean limit, Throwable cause) {
        super(message, cause);
        this.counts = counts;
        this.limit = limit;
    }

    /** Whether a limit the caller set (a {@link BatchRun.Gate}, such as the cost) stopped the run. */
    public boolean limit() {
        return limit;
    }

    /** How far the run got: lines finished in order and written. */
    public BatchRun.Counts counts() {
        return counts;
    }
}

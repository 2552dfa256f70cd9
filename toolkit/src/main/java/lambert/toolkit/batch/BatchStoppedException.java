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

    /** @param message why it stopped and how far it got */
    public BatchStoppedException(String message, BatchRun.Counts counts, Throwable cause) {
        super(message, cause);
        this.counts = counts;
    }

    /** How far the run got: lines finished in order and written. */
    public BatchRun.Counts counts() {
        return counts;
    }
}

package lambert.runtime.task;

/**
 * A call stopped before its deadline: less than the margin was left before the next micro-batch, so it was not
 * started and nothing is answered for the call.
 */
public final class DeadlineExceededException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DeadlineExceededException(int batchesDone, int batches, long remainingMillis, long marginMillis) {
        super("stopped before the function's timeout: " + remainingMillis + " ms were left, under the "
                + marginMillis + " ms margin (LAMBERT_DEADLINE_MARGIN_MS), "
                + (batches == 0 ? "before any work" : "after " + batchesDone + " of " + batches + " micro-batches")
                + "; send fewer texts per request or raise the function's timeout");
    }
}

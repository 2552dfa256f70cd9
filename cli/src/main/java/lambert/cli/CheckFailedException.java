package lambert.cli;

/** A check that ran and failed, such as a verify threshold or a size limit (exit code 1). */
public final class CheckFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CheckFailedException(String message) {
        super(message);
    }
}

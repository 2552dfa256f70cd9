package lambert.toolkit.emulator;

/** The function did not finish its INIT phase: it reported an init error, exited, or took over 10 s. */
public final class InitFailedException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String errorType;

    public InitFailedException(String errorType, String message) {
        super(message);
        this.errorType = errorType;
    }

    /** Lambda's error type for the failure (such as {@code Runtime.ExitError} or the handler's exception class). */
    public String errorType() {
        return errorType;
    }
}

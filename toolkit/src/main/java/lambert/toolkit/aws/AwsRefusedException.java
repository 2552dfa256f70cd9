package lambert.toolkit.aws;

/** AWS refused a call or could not be reached; the message is one line saying what to do (exit code 3). */
public final class AwsRefusedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public AwsRefusedException(String message) {
        super(message);
    }

    public AwsRefusedException(String message, Throwable cause) {
        super(message, cause);
    }
}

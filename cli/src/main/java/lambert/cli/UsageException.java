package lambert.cli;

/** Bad usage or bad input that the options alone could not catch (exit code 2). */
public final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }
}

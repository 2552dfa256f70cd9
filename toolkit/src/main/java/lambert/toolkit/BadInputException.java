package lambert.toolkit;

/** Input the toolkit cannot use: a malformed file, a value out of its range, a setting AWS would refuse. */
public final class BadInputException extends ToolkitException {
    private static final long serialVersionUID = 1L;

    /** @param message one line naming the field, file or limit, what was expected and what was found */
    public BadInputException(String message) {
        super(message);
    }

    /**
     * @param message one line naming the field, file or limit, what was expected and what was found
     * @param cause what went wrong underneath
     */
    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }
}

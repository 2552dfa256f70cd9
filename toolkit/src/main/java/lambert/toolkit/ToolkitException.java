package lambert.toolkit;

/**
 * A failure the toolkit's engines report with a message a person can act on: what was expected and what was
 * found, without command-line wording. The subclass says what kind: {@link BadInputException} (the input is
 * unusable), {@link CheckFailedException} (a check ran and failed); an environment problem (a missing file, a
 * refused service) is an {@link java.io.IOException} or an engine's own exception.
 */
public abstract class ToolkitException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message one line: what was expected and what was found */
    protected ToolkitException(String message) {
        super(message);
    }

    /**
     * @param message one line: what was expected and what was found
     * @param cause what went wrong underneath
     */
    protected ToolkitException(String message, Throwable cause) {
        super(message, cause);
    }
}

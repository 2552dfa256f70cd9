package lambert.toolkit;

/** A check that ran and failed, such as a verify threshold or a size limit. */
public final class CheckFailedException extends ToolkitException {
    private static final long serialVersionUID = 1L;

    /** @param message what was checked, the limit and what was found */
    public CheckFailedException(String message) {
        super(message);
    }
}

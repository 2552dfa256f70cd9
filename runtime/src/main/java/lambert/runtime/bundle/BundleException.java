package lambert.runtime.bundle;

/**
 * A model bundle that cannot be used: a missing or damaged file, a manifest field with the wrong
 * type, or a model whose inputs and outputs do not match its manifest. The message names the file
 * or field and says what was expected and what was found.
 */
public final class BundleException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BundleException(String message) {
        super(message);
    }

    public BundleException(String message, Throwable cause) {
        super(message, cause);
    }
}

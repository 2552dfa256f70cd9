package lambert.lambda;

/**
 * Thrown from the handler when the function itself failed on a direct invocation, so that Lambda
 * reports a function error (and retries an asynchronous invocation). Bad input is not reported
 * this way: it is answered with an error body, because retrying it cannot help.
 */
public final class ModelFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ModelFailedException(String message) {
        super(message);
    }
}

package lambert.runtime.task;

/** A call whose texts have more tokens in all (after truncation) than its budget allows; nothing was run. */
public final class TooManyTokensException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TooManyTokensException(int tokens, int maxTokens) {
        super("the texts have " + tokens + " tokens in all (after truncation); the limit is " + maxTokens
                + " tokens per request (LAMBERT_MAX_TOKENS, by default 256 per MB of the function's memory): "
                + "send fewer or shorter texts, or split the request");
    }
}

package lambert.runtime.json;

/** Input that is not well-formed JSON; the message says where (line and column) and why. */
public final class JsonException extends Exception {
    private static final long serialVersionUID = 1L;

    public JsonException(String message, Throwable cause) {
        super(message, cause);
    }
}

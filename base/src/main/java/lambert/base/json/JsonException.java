package lambert.base.json;

/**
 * Input that is not UTF-8 or not well-formed JSON. The message completes a sentence about the input and says
 * where (byte, or line and column) and why: "the request is " + message reads "the request is not valid JSON at
 * line 1, column 9: unexpected '1': expected ':' after a field name".
 */
public final class JsonException extends Exception {
    private static final long serialVersionUID = 1L;

    public JsonException(String message, Throwable cause) {
        super(message, cause);
    }
}

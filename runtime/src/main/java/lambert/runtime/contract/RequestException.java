package lambert.runtime.contract;

/**
 * A request that cannot be answered as sent. It carries the HTTP status it maps to, a type a
 * program can branch on, the field at fault (when there is one) and a message a person can act on.
 */
public final class RequestException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Bad input: malformed JSON, a wrong type, an empty text, an unknown field. */
    public static final String INVALID = "InvalidRequest";
    /** Over a size or count limit. */
    public static final String TOO_LARGE = "RequestTooLarge";
    /** The function's own fault. */
    public static final String INTERNAL = "InternalError";
    /** The request was stopped before the function's timeout (HTTP 504). */
    public static final String DEADLINE = "DeadlineExceeded";

    private final int status;
    private final String type;
    private final String field;

    public RequestException(int status, String type, String field, String message) {
        super(message);
        this.status = status;
        this.type = type;
        this.field = field;
    }

    /** A 400 InvalidRequest about {@code field} (may be null). */
    public static RequestException invalid(String field, String message) {
        return new RequestException(400, INVALID, field, message);
    }

    /** A 413 RequestTooLarge about {@code field} (may be null). */
    public static RequestException tooLarge(String field, String message) {
        return new RequestException(413, TOO_LARGE, field, message);
    }

    /** The HTTP status: 400, 413 or 500. */
    public int status() {
        return status;
    }

    /** {@link #INVALID}, {@link #TOO_LARGE}, {@link #DEADLINE} or {@link #INTERNAL}. */
    public String type() {
        return type;
    }

    /** The request field at fault, such as {@code texts[2]}, or null. */
    public String field() {
        return field;
    }
}

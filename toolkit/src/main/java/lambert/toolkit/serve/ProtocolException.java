package lambert.toolkit.serve;

import lambert.runtime.contract.RequestException;

/**
 * A request that cannot be read as HTTP/1.1 within the limits: answered with its status and the contract's JSON
 * error, then the connection is closed (what follows on it can no longer be framed).
 */
final class ProtocolException extends Exception {
    private static final long serialVersionUID = 1L;

    /** The error type of a request whose head or body did not arrive in time (HTTP 408). */
    static final String TIMEOUT = "RequestTimeout";

    private final int status;
    private final String type;

    private ProtocolException(int status, String type, String message) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
    }

    /** 400 InvalidRequest: the bytes are not an HTTP/1.1 request this server can frame. */
    static ProtocolException malformed(String message) {
        return new ProtocolException(400, RequestException.INVALID, message);
    }

    /** 413 (a body) or 431 (a head) RequestTooLarge. */
    static ProtocolException tooLarge(int status, String message) {
        return new ProtocolException(status, RequestException.TOO_LARGE, message);
    }

    /** 408 RequestTimeout. */
    static ProtocolException timeout(String message) {
        return new ProtocolException(408, TIMEOUT, message);
    }

    /** 501 or 505 InvalidRequest: well-formed, but asking for something this server does not do. */
    static ProtocolException unsupported(int status, String message) {
        return new ProtocolException(status, RequestException.INVALID, message);
    }

    int status() {
        return status;
    }

    String type() {
        return type;
    }
}

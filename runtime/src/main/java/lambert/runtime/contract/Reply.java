package lambert.runtime.contract;

import lambert.runtime.Predictions;

/**
 * The answer to one request body.
 *
 * @param status 200, or the HTTP status of the error (400, 413, 500)
 * @param body the JSON response or error body
 * @param errorType null on success, else the error type written in the body
 * @param predictions what was answered, with its costs; null on error
 */
public record Reply(int status, byte[] body, String errorType, Predictions predictions) {
    /** Whether the request was answered. */
    public boolean ok() {
        return status == 200;
    }
}

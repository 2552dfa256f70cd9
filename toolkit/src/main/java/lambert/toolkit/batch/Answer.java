package lambert.toolkit.batch;

/**
 * What a target made of one request.
 *
 * @param kind how the driver goes on
 * @param body the answer's body (the contract's JSON), or the error's
 * @param reason a person's words for anything but {@link Kind#OK}, or null
 * @param billedMs the billed duration Lambda reported, or -1 when the target does not say
 */
public record Answer(Kind kind, byte[] body, String reason, long billedMs) {
    /** How the driver goes on after an answer. */
    public enum Kind {
        /** Answered: the body holds the results. */
        OK,
        /** Throttled (429, TooManyRequestsException), unavailable (5xx from the service) or timed out: retried with backoff. */
        RETRY,
        /** The function failed on this request (a function error, HTTP 500): retried a bounded number of times. */
        FUNCTION_ERROR,
        /** The function refused the request (400, 413): split, then the texts it still refuses are rejected. */
        REFUSED,
        /** Nothing will work (no such function, no permission): the run stops, resumable. */
        FATAL
    }

    /** Answered with {@code body}. */
    public static Answer ok(byte[] body, long billedMs) {
        return new Answer(Kind.OK, body, null, billedMs);
    }

    /**
     * An HTTP answer as a function URL, API Gateway or {@code lambert serve} gives it: 200 answered; 429, 502, 503
     * and 504 retried (throttled, the function unreachable or timed out behind a gateway); 500 the function's
     * failure; 400 and 413 refusals; anything else (401, 403, 404) stops the run.
     */
    public static Answer ofHttp(int status, byte[] body, String from) {
        if (status == 200) {
            return ok(body, -1);
        }
        String reason = "HTTP " + status;
        switch (status) {
            case 429:
            case 502:
            case 503:
            case 504:
                return of(Kind.RETRY, body, reason);
            case 500:
                return of(Kind.FUNCTION_ERROR, body, reason);
            case 400:
            case 413:
                return of(Kind.REFUSED, body, reason);
            default:
                return of(Kind.FATAL, body, reason + " from " + from);
        }
    }

    private static final java.util.regex.Pattern BILLED = java.util.regex.Pattern.compile(
            "\\tBilled Duration: (\\d+) ms");

    /** The billed duration in the last REPORT line of {@code log}, or -1 when it has none. */
    static long billedMs(String log) {
        java.util.regex.Matcher m = BILLED.matcher(log);
        long billed = -1;
        while (m.find()) {
            billed = Long.parseLong(m.group(1));
        }
        return billed;
    }

    /** Not answered, for {@code reason}. */
    public static Answer of(Kind kind, byte[] body, String reason) {
        return new Answer(kind, body == null ? new byte[0] : body, reason, -1);
    }
}

package lambert.runtime.contract;

import java.util.function.LongSupplier;
import lambert.runtime.Budget;
import lambert.runtime.Model;
import lambert.runtime.Predictions;
import lambert.runtime.task.DeadlineExceededException;
import lambert.runtime.task.TextTooLongException;
import lambert.runtime.task.TooManyTokensException;

/**
 * The request/response contract over a loaded model: JSON bytes in, a {@link Reply} out. The same
 * code answers {@code lambert predict}, {@code lambert serve}, the emulator and the Lambda handler.
 * Never throws for a bad request: every failure becomes a typed error body.
 *
 * <pre>{@code
 * Service service = new Service(model, Limits.defaults());
 * Reply reply = service.handle("{\"text\": \"Hey, how are you?\"}".getBytes(UTF_8), "req-1");
 * }</pre>
 */
public final class Service {
    /** No micro-batch starts with less than this left before the caller's deadline, by default. */
    public static final long DEFAULT_DEADLINE_MARGIN_MS = 500;

    private final Model model;
    private final RequestParser parser;
    private final Limits limits;
    private final long deadlineMarginMillis;

    public Service(Model model, Limits limits) {
        this(model, limits, DEFAULT_DEADLINE_MARGIN_MS);
    }

    /**
     * @param deadlineMarginMillis with a deadline ({@link #handle(byte[], String, LongSupplier)}), no micro-batch
     *     starts with less than this left; the request is then answered 504 {@code DeadlineExceeded}
     */
    public Service(Model model, Limits limits, long deadlineMarginMillis) {
        this.model = model;
        this.parser = new RequestParser(limits);
        this.limits = limits;
        this.deadlineMarginMillis = deadlineMarginMillis;
    }

    /**
     * Answers one request body.
     *
     * @param requestId named in 500 errors so the log line can be found; may be null
     */
    public Reply handle(byte[] body, String requestId) {
        return handle(body, requestId, null);
    }

    /**
     * Answers one request body before a deadline.
     *
     * @param remainingMillis the time left (Lambda's {@code Context.getRemainingTimeInMillis}); null for none
     */
    public Reply handle(byte[] body, String requestId, LongSupplier remainingMillis) {
        Request request;
        try {
            request = parser.parse(body);
        } catch (RequestException e) {
            return error(e, requestId);
        }
        return answer(request, requestId, remainingMillis);
    }

    /**
     * Answers a request body already parsed from JSON (a direct Lambda invocation, whose event is the
     * request), after checking the size it had as bytes.
     */
    public Reply handle(Object tree, long bytes, String requestId) {
        return handle(tree, bytes, requestId, null);
    }

    /** Answers a request body already parsed from JSON, before a deadline (null for none). */
    public Reply handle(Object tree, long bytes, String requestId, LongSupplier remainingMillis) {
        Request request;
        try {
            parser.checkSize(bytes);
            request = parser.parse(tree);
        } catch (RequestException e) {
            return error(e, requestId);
        }
        return answer(request, requestId, remainingMillis);
    }

    /** The error reply for a request refused before it reached the parser (the caller's own checks). */
    public static Reply refuse(RequestException e, String requestId) {
        return error(e, requestId);
    }

    /** Answers an already parsed request. */
    public Reply answer(Request request, String requestId) {
        return answer(request, requestId, null);
    }

    /** Answers an already parsed request within the token limit and before a deadline (null for none). */
    public Reply answer(Request request, String requestId, LongSupplier remainingMillis) {
        Budget budget = new Budget(limits.maxTokens(), remainingMillis, deadlineMarginMillis);
        try {
            Predictions predictions = model.predict(request.texts(), request.parameters(), budget);
            return new Reply(200, ResponseWriter.write(model.manifest(), request, predictions), null, predictions);
        } catch (TextTooLongException e) {
            String field = request.single() ? null : "texts[" + e.index() + "]";
            return error(RequestException.tooLarge(field, e.getMessage()), requestId);
        } catch (TooManyTokensException e) {
            return error(RequestException.tooLarge(null, e.getMessage()), requestId);
        } catch (DeadlineExceededException e) {
            return error(new RequestException(504, RequestException.DEADLINE, null, e.getMessage()), requestId);
        } catch (RuntimeException e) {
            String message = "the model failed to answer: " + e.getMessage()
                    + (requestId == null ? "" : " (request id " + requestId + ")");
            return error(new RequestException(500, RequestException.INTERNAL, null, message), requestId);
        }
    }

    private static Reply error(RequestException e, String requestId) {
        byte[] body = ResponseWriter.error(e.type(), e.getMessage(), e.field(), e.status() >= 500 ? requestId : null);
        return new Reply(e.status(), body, e.type(), null);
    }

    /** The model this service answers with. */
    public Model model() {
        return model;
    }

    /** The request limits it holds requests to. */
    public Limits limits() {
        return limits;
    }
}

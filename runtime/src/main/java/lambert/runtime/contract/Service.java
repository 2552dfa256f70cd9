package lambert.runtime.contract;

import lambert.runtime.Model;
import lambert.runtime.Predictions;
import lambert.runtime.task.TextTooLongException;

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
    private final Model model;
    private final RequestParser parser;

    public Service(Model model, Limits limits) {
        this.model = model;
        this.parser = new RequestParser(limits);
    }

    /**
     * Answers one request body.
     *
     * @param requestId named in 500 errors so the log line can be found; may be null
     */
    public Reply handle(byte[] body, String requestId) {
        Request request;
        try {
            request = parser.parse(body);
        } catch (RequestException e) {
            return error(e, requestId);
        }
        return answer(request, requestId);
    }

    /**
     * Answers a request body already parsed from JSON (a direct Lambda invocation, whose event is the
     * request), after checking the size it had as bytes.
     */
    public Reply handle(Object tree, long bytes, String requestId) {
        Request request;
        try {
            parser.checkSize(bytes);
            request = parser.parse(tree);
        } catch (RequestException e) {
            return error(e, requestId);
        }
        return answer(request, requestId);
    }

    /** The error reply for a request refused before it reached the parser (the caller's own checks). */
    public static Reply refuse(RequestException e, String requestId) {
        return error(e, requestId);
    }

    /** Answers an already parsed request. */
    public Reply answer(Request request, String requestId) {
        try {
            Predictions predictions = model.predict(request.texts(), request.parameters());
            return new Reply(200, ResponseWriter.write(model.manifest(), request, predictions), null, predictions);
        } catch (TextTooLongException e) {
            String field = request.single() ? null : "texts[" + e.index() + "]";
            return error(RequestException.tooLarge(field, e.getMessage()), requestId);
        } catch (RuntimeException e) {
            String message = "the model failed to answer: " + e.getMessage()
                    + (requestId == null ? "" : " (request id " + requestId + ")");
            return error(new RequestException(500, RequestException.INTERNAL, null, message), requestId);
        }
    }

    private static Reply error(RequestException e, String requestId) {
        byte[] body = ResponseWriter.error(e.type(), e.getMessage(), e.field(), e.status() == 500 ? requestId : null);
        return new Reply(e.status(), body, e.type(), null);
    }

    /** The model this service answers with. */
    public Model model() {
        return model;
    }
}

package lambert.runtime.contract;

import java.util.function.LongSupplier;

/**
 * The contract over HTTP, whatever carries it (a Lambda HTTP event, {@code lambert serve}): POST answers the JSON
 * body, GET the model information, any other method 405 (to be sent with the header {@code Allow: }{@value #ALLOW}).
 * The model information is written once, when the routes are made.
 *
 * <pre>{@code
 * HttpRoutes routes = new HttpRoutes(new Service(model, Limits.defaults()));
 * Reply reply = routes.answer("POST", "{\"text\": \"Hey\"}".getBytes(UTF_8), "req-1", null);
 * }</pre>
 */
public final class HttpRoutes {
    /** The methods answered, as a 405's {@code Allow} header lists them. */
    public static final String ALLOW = "GET, POST";

    private final Service service;
    private final byte[] info;

    public HttpRoutes(Service service) {
        this.service = service;
        this.info = ResponseWriter.modelInfo(service.model().manifest(), service.limits());
    }

    /** The service that answers POST. */
    public Service service() {
        return service;
    }

    /**
     * Answers one HTTP request.
     *
     * @param body the request body (only POST's is read)
     * @param requestId named in 500 errors; may be null
     * @param remainingMillis the time left before the caller's deadline, or null for none
     * @return the reply; a 405 reply should carry the header {@code Allow: }{@value #ALLOW}
     */
    public Reply answer(String method, byte[] body, String requestId, LongSupplier remainingMillis) {
        switch (method) {
            case "POST":
                if (body.length == 0) {
                    return Service.refuse(RequestException.invalid("body", "the POST body is empty; send JSON such "
                            + "as {\"text\": \"...\"}"), requestId);
                }
                return service.handle(body, requestId, remainingMillis);
            case "GET":
                return new Reply(200, info, null, null);
            default:
                return Service.refuse(new RequestException(405, "MethodNotAllowed", null, "method " + method
                        + " is not allowed: POST a JSON request, or GET the model information"), requestId);
        }
    }
}

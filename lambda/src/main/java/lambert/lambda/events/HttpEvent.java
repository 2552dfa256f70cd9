package lambert.lambda.events;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP-style event: what came through API Gateway, a function URL or a load balancer.
 *
 * @param kind which service sent it
 * @param method the HTTP method, upper case
 * @param body the body as sent (base64 if {@code base64})
 * @param base64 whether the service base64-encoded the body
 * @param multiValueHeaders whether the response must use {@code multiValueHeaders} (REST API and ALB
 *     with multi-value headers on)
 */
public record HttpEvent(EventKind kind, String method, String body, boolean base64, boolean multiValueHeaders) {

    /**
     * Recognises an HTTP-style event in a parsed event, or returns null for a direct invocation.
     * Payload format 2.0 (HTTP API, function URL) carries {@code requestContext.http.method};
     * format 1.0 and ALB carry {@code httpMethod}, ALB with {@code requestContext.elb}.
     */
    public static HttpEvent of(Object event) {
        if (!(event instanceof Map)) {
            return null;
        }
        Map<?, ?> map = (Map<?, ?>) event;
        Object context = map.get("requestContext");
        Map<?, ?> requestContext = context instanceof Map ? (Map<?, ?>) context : Map.of();
        String method = null;
        EventKind kind = null;
        if (requestContext.get("http") instanceof Map) {
            method = string(((Map<?, ?>) requestContext.get("http")).get("method"));
            String domain = string(requestContext.get("domainName"));
            kind = domain != null && domain.contains(".lambda-url.") ? EventKind.FUNCTION_URL : EventKind.HTTP_API_V2;
        } else if (map.get("httpMethod") instanceof String) {
            method = (String) map.get("httpMethod");
            kind = requestContext.get("elb") instanceof Map ? EventKind.ALB : EventKind.API_GATEWAY_V1;
        }
        if (kind == null || method == null) {
            return null;
        }
        boolean multi = map.containsKey("multiValueHeaders") && kind == EventKind.ALB;
        return new HttpEvent(kind, method.toUpperCase(Locale.ROOT), string(map.get("body")),
                Boolean.TRUE.equals(map.get("isBase64Encoded")), multi);
    }

    /** The body's bytes, base64-decoded if needed; empty for no body. */
    public byte[] bodyBytes() {
        if (body == null) {
            return new byte[0];
        }
        return base64 ? Base64.getDecoder().decode(body) : body.getBytes(StandardCharsets.UTF_8);
    }

    private static String string(Object value) {
        return value instanceof String ? (String) value : null;
    }
}

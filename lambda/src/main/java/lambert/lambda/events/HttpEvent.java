package lambert.lambda.events;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import lambert.runtime.contract.RequestException;
import lambert.base.json.Json;
import lambert.runtime.tokenize.Texts;

/**
 * An HTTP-style event: what came through API Gateway, a function URL, a load balancer or VPC Lattice.
 *
 * <p>How each is recognised (anything else is a direct invocation):
 * <ul>
 *   <li>VPC Lattice V2: a top-level {@code method} with {@code "version": "2.0"} or a {@code requestContext} naming
 *       the Lattice service network, service or target group;</li>
 *   <li>VPC Lattice V1: a top-level {@code method} with {@code raw_path} or {@code is_base64_encoded};</li>
 *   <li>payload format 2.0 (HTTP API, function URL): {@code requestContext.http}, or {@code "version": "2.0"};</li>
 *   <li>payload format 1.0 (REST API) and ALB: {@code httpMethod}, ALB with {@code requestContext.elb}.</li>
 * </ul>
 * An event of one of these shapes whose method is missing or not a string is still that kind of event, answered
 * 400 in that kind's response shape ({@link #problem()}), not taken for a direct call.
 *
 * @param kind which service sent it
 * @param method the HTTP method, upper case; empty when {@link #problem()} is set
 * @param body the event's {@code body} as parsed (a string, base64 if {@code base64}; anything else is refused)
 * @param base64 whether the service base64-encoded the body
 * @param multiValueHeaders whether the response must use {@code multiValueHeaders} (ALB with multi-value headers on)
 * @param requestTimeMillis when API Gateway received the request ({@code requestContext.requestTimeEpoch} or
 *     {@code timeEpoch}, epoch milliseconds), or -1 when the event does not say or it is not an API Gateway event
 * @param problem why the event cannot be answered (its method is missing), or null
 */
public record HttpEvent(EventKind kind, String method, Object body, boolean base64, boolean multiValueHeaders,
        long requestTimeMillis, RequestException problem) {

    private static final boolean[] ALPHABET = new boolean[128];

    static {
        for (char c : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".toCharArray()) {
            ALPHABET[c] = true;
        }
    }

    /** Recognises an HTTP-style event in a parsed event, or returns null for a direct invocation. */
    public static HttpEvent of(Object event) {
        if (!(event instanceof Map<?, ?> map)) {
            return null;
        }
        Map<?, ?> context = map.get("requestContext") instanceof Map<?, ?> c ? c : Map.of();
        boolean version2 = "2.0".equals(map.get("version"));
        boolean http2 = context.get("http") instanceof Map;
        if (map.containsKey("method") && !http2) {
            if (version2 || context.containsKey("serviceNetworkArn") || context.containsKey("serviceArn")
                    || context.containsKey("targetGroupArn")) {
                return event(EventKind.LATTICE_V2, map.get("method"), map, -1, null);
            }
            if (map.containsKey("raw_path") || map.containsKey("is_base64_encoded")) {
                return event(EventKind.LATTICE_V1, map.get("method"), map, -1, null);
            }
        }
        if (http2 || version2) {
            String domain = context.get("domainName") instanceof String s ? s : "";
            EventKind kind = domain.contains(".lambda-url.") ? EventKind.FUNCTION_URL : EventKind.HTTP_API_V2;
            Object method = http2 ? ((Map<?, ?>) context.get("http")).get("method") : null;
            String missing = http2 ? null : "the event has \"version\": \"2.0\" (payload format 2.0, as API Gateway "
                    + "HTTP APIs and function URLs send) but no \"requestContext.http\" with the HTTP method";
            return event(kind, method, map, millis(context.get("timeEpoch")), missing);
        }
        if (map.containsKey("httpMethod")) {
            EventKind kind = context.get("elb") instanceof Map ? EventKind.ALB : EventKind.API_GATEWAY_V1;
            long time = kind == EventKind.API_GATEWAY_V1 ? millis(context.get("requestTimeEpoch")) : -1;
            return event(kind, map.get("httpMethod"), map, time, null);
        }
        return null;
    }

    private static HttpEvent event(EventKind kind, Object method, Map<?, ?> map, long time, String missing) {
        boolean multi = kind == EventKind.ALB && map.containsKey("multiValueHeaders");
        boolean base64 = Boolean.TRUE.equals(map.get(base64Field(kind)));
        if (kind.gatewayTimeoutMillis() == 0) {
            time = -1;
        }
        if (method instanceof String m && !m.isEmpty()) {
            return new HttpEvent(kind, m.toUpperCase(Locale.ROOT), map.get("body"), base64, multi, time, null);
        }
        String message = missing != null ? missing : kind.description() + " carries its HTTP method in \""
                + kind.methodField() + "\", a string; found " + (method instanceof String ? "an empty string"
                : Json.typeName(method));
        return new HttpEvent(kind, "", map.get("body"), base64, multi, time,
                RequestException.invalid(kind.methodField(), message));
    }

    /**
     * The body's bytes, base64-decoded if the event says so; empty for no body.
     *
     * @throws RequestException (400 naming {@code body}) for a body that is not a string, or not valid base64
     */
    public byte[] bodyBytes() {
        if (body == null) {
            return new byte[0];
        }
        if (!(body instanceof String text)) {
            throw RequestException.invalid("body", "the event's \"body\" must be a string (the request JSON as "
                    + "text, or its base64 with \"" + base64Field(kind) + "\": true), found " + Json.typeName(body));
        }
        if (!base64) {
            // The event's own bytes were strict UTF-8, but a \ud800 escape in it makes a lone surrogate here, which
            // getBytes would silently turn into '?'.
            int bad = Texts.firstUnpairedSurrogate(text);
            if (bad >= 0) {
                throw RequestException.invalid("body", String.format("the event's \"body\" has an unpaired UTF-16 "
                        + "surrogate \\u%04x at index %d (escaped in the event); it is not valid Unicode",
                        (int) text.charAt(bad), bad));
            }
            return text.getBytes(StandardCharsets.UTF_8);
        }
        try {
            return decodeBase64(text);
        } catch (IllegalArgumentException e) {
            throw RequestException.invalid("body", "the body is marked base64 (\"" + base64Field(kind)
                    + "\": true) but is not valid base64: " + e.getMessage());
        }
    }

    /**
     * Decodes standard base64 (RFC 4648, the alphabet API Gateway, function URLs, ALB and VPC Lattice use), padded
     * or not.
     *
     * @throws IllegalArgumentException saying which character is wrong and at which index of the text
     */
    static byte[] decodeBase64(String text) {
        int padding = -1;
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            if (c == '=') {
                padding = padding < 0 ? i : padding;
            } else if (c >= 128 || !ALPHABET[c]) {
                throw new IllegalArgumentException(describe(c) + " at index " + i + " is not a base64 character "
                        + "(A-Z, a-z, 0-9, + and /, with = padding at the end)");
            } else if (padding >= 0) {
                throw new IllegalArgumentException(describe(c) + " at index " + i + " comes after the padding \"=\" "
                        + "at index " + padding + ", which may only end the text");
            }
            i += Character.charCount(c);
        }
        int data = padding < 0 ? text.length() : padding;
        if (padding >= 0 && (text.length() - padding > 2 || text.length() % 4 != 0)) {
            throw new IllegalArgumentException("the padding \"=\" from index " + padding + " does not end a group "
                    + "of 4 characters (" + text.length() + " characters in all)");
        }
        if (data % 4 == 1) {
            throw new IllegalArgumentException("it ends with a lone character at index " + (data - 1) + ", after its "
                    + "last group of 4 (" + data + " characters of data): is the body cut short?");
        }
        return Base64.getDecoder().decode(text);
    }

    /** The field that says the body is base64: {@code is_base64_encoded} in VPC Lattice V1, else camel case. */
    private static String base64Field(EventKind kind) {
        return kind == EventKind.LATTICE_V1 ? "is_base64_encoded" : "isBase64Encoded";
    }

    /**
     * A character for a message: {@code '!' (U+0021)}, {@code 'é' (U+00E9 LATIN SMALL LETTER E WITH ACUTE)}, or
     * without quotes one that would not show: {@code U+000A LINE FEED (LF)}.
     */
    private static String describe(int c) {
        String code = String.format(Locale.ROOT, "U+%04X", c);
        String name = c < 0x7f && c > 0x20 ? null : Character.getName(c);
        int type = Character.getType(c);
        boolean shows = Character.isDefined(c) && !Character.isISOControl(c) && !Character.isWhitespace(c)
                && !Character.isSpaceChar(c) && type != Character.FORMAT && type != Character.SURROGATE
                && type != Character.PRIVATE_USE;
        String named = name == null ? code : code + " " + name;
        return shows ? "'" + new String(Character.toChars(c)) + "' (" + named + ")" : named;
    }

    /** Epoch milliseconds from a parsed number, or -1. */
    private static long millis(Object value) {
        return value instanceof Long l && l > 0 ? l : -1;
    }
}

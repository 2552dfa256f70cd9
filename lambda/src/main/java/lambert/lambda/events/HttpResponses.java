package lambert.lambda.events;

import lambert.base.json.JsonWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import lambert.base.json.Json;

/**
 * Responses in the shape each HTTP-style service expects: {@code statusCode}, {@code headers} (or ALB's
 * {@code multiValueHeaders}), {@code body}, {@code isBase64Encoded}; ALB also wants {@code statusDescription}. API
 * Gateway, function URLs and VPC Lattice (V1 and V2 alike: "the response ... must include the Base64 encoding
 * status, status code, and headers") take the same object.
 */
public final class HttpResponses {
    private static final Map<Integer, String> REASONS = Map.of(200, "OK", 400, "Bad Request", 405,
            "Method Not Allowed", 413, "Payload Too Large", 500, "Internal Server Error", 504, "Gateway Timeout");

    private HttpResponses() {}

    /**
     * The response event for {@code event}'s service.
     *
     * @param status the HTTP status
     * @param body a JSON body
     * @param headers extra headers (such as {@code Allow})
     */
    public static byte[] write(HttpEvent event, int status, byte[] body, Map<String, String> headers) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 200);
        try (JsonWriter g = JsonWriter.to(out)) {
            g.writeStartObject();
            g.writeNumberField("statusCode", status);
            if (event.kind() == EventKind.ALB) {
                g.writeStringField("statusDescription", status + " " + REASONS.getOrDefault(status, ""));
            }
            g.writeObjectFieldStart(event.multiValueHeaders() ? "multiValueHeaders" : "headers");
            writeHeader(g, "content-type", "application/json", event.multiValueHeaders());
            for (Map.Entry<String, String> h : headers.entrySet()) {
                writeHeader(g, h.getKey(), h.getValue(), event.multiValueHeaders());
            }
            g.writeEndObject();
            g.writeStringField("body", new String(body, StandardCharsets.UTF_8));
            g.writeBooleanField("isBase64Encoded", false);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void writeHeader(JsonWriter g, String name, String value, boolean multi) throws IOException {
        if (multi) {
            g.writeArrayFieldStart(name);
            g.writeString(value);
            g.writeEndArray();
        } else {
            g.writeStringField(name, value);
        }
    }
}

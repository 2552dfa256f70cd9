package lambert.toolkit.emulator;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import lambert.runtime.contract.Reply;
import lambert.runtime.contract.ResponseWriter;
import lambert.base.json.Json;
import lambert.base.json.JsonException;

/**
 * An emulated function behind HTTP, as a Lambda function URL puts one: each request becomes a payload
 * format 2.0 event (the body base64-encoded), and the function's {@code {statusCode, headers, body}} answer
 * becomes the reply. One environment answers one request at a time, as one Lambda execution environment does;
 * a function error is a 502 and a timeout a 504, as function URLs answer them; an emulator that cannot run at all
 * is a 502 naming why.
 *
 * <pre>{@code
 * try (FunctionUrl url = new FunctionUrl(emulator)) {
 *     Reply reply = url.answer("POST", "{\"text\": \"hi\"}".getBytes(UTF_8), "req-1");
 * }
 * }</pre>
 */
public final class FunctionUrl implements AutoCloseable {
    private final Emulator emulator;

    /** @param emulator the function's emulator, started or not; closed with this */
    public FunctionUrl(Emulator emulator) {
        this.emulator = emulator;
    }

    /** Starts the function's environment now (its cold start), rather than on the first request. */
    public synchronized void start() throws IOException, InitFailedException {
        emulator.start();
    }

    /** Answers one HTTP request through the function. */
    public synchronized Reply answer(String method, byte[] body, String requestId) {
        Report report;
        try {
            report = emulator.invoke(event(method, body, requestId));
        } catch (InitFailedException e) {
            return error(502, "InitError", "the function failed to initialise (" + e.errorType() + "): " + e.getMessage(),
                    requestId);
        } catch (IOException e) {
            return error(502, "FunctionUnavailable", "the emulated function could not be reached: " + e.getMessage(),
                    requestId);
        }
        if (report.status().equals("timeout")) {
            return error(504, "Timeout", "the function timed out", requestId);
        }
        if (!report.status().equals("success")) {
            return new Reply(502, report.response(), "FunctionError", null);
        }
        try {
            if (Json.parse(report.response()) instanceof Map<?, ?> response
                    && response.get("statusCode") instanceof Number status && response.get("body") instanceof String b) {
                byte[] bytes = Boolean.TRUE.equals(response.get("isBase64Encoded")) ? Base64.getDecoder().decode(b)
                        : b.getBytes(StandardCharsets.UTF_8);
                return new Reply(status.intValue(), bytes, status.intValue() == 200 ? null : "FunctionAnswer", null);
            }
        } catch (JsonException | IllegalArgumentException e) {
            // answered below
        }
        return error(502, "InvalidResponse", "the function's answer is not {statusCode, body}", requestId);
    }

    private static Reply error(int status, String type, String message, String requestId) {
        return new Reply(status, ResponseWriter.error(type, message, null, requestId), type, null);
    }

    private static byte[] event(String method, byte[] body, String requestId) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = Json.generator(out)) {
            g.writeStartObject();
            g.writeStringField("version", "2.0");
            g.writeStringField("routeKey", "$default");
            g.writeStringField("rawPath", "/");
            g.writeStringField("rawQueryString", "");
            g.writeObjectFieldStart("headers");
            g.writeStringField("content-type", "application/json");
            g.writeEndObject();
            g.writeObjectFieldStart("requestContext");
            g.writeStringField("domainName", "lambert-local.lambda-url.us-east-1.on.aws");
            g.writeStringField("requestId", requestId);
            g.writeStringField("stage", "$default");
            g.writeObjectFieldStart("http");
            g.writeStringField("method", method);
            g.writeStringField("path", "/");
            g.writeStringField("protocol", "HTTP/1.1");
            g.writeStringField("sourceIp", "127.0.0.1");
            g.writeEndObject();
            g.writeEndObject();
            g.writeStringField("body", Base64.getEncoder().encodeToString(body));
            g.writeBooleanField("isBase64Encoded", true);
            g.writeEndObject();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return out.toByteArray();
    }

    @Override
    public void close() {
        emulator.close();
    }
}

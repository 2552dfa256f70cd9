package lambert.lambda;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import lambert.lambda.events.EventKind;
import lambert.runtime.Predictions;
import lambert.runtime.contract.Reply;
import lambert.base.json.Json;

/**
 * One JSON object per invocation on standard output (which Lambda sends to CloudWatch Logs), with
 * the fields Logs Insights queries want: request id, event kind, status, texts, tokens, truncated
 * count, micro-batches, tokenize / inference / total milliseconds, and the error type on failure.
 */
final class InvocationLog {
    private final PrintStream out;
    private final Settings.LogLevel level;

    InvocationLog(PrintStream out, Settings.LogLevel level) {
        this.out = out;
        this.level = level;
    }

    void write(String requestId, EventKind kind, Reply reply, int texts, long totalNanos) {
        if (level == Settings.LogLevel.OFF || (level == Settings.LogLevel.WARN && reply.ok())) {
            return;
        }
        StringWriter line = new StringWriter(256);
        try (JsonGenerator g = Json.generator(line)) {
            g.writeStartObject();
            g.writeStringField("level", reply.ok() ? "INFO" : reply.status() >= 500 ? "ERROR" : "WARN");
            g.writeStringField("requestId", requestId);
            g.writeStringField("event", kind.id());
            g.writeNumberField("status", reply.status());
            g.writeNumberField("texts", texts);
            Predictions p = reply.predictions();
            if (p != null) {
                g.writeNumberField("tokens", p.tokens());
                g.writeNumberField("truncated", p.truncated());
                g.writeNumberField("batches", p.batches());
                g.writeNumberField("tokenizeMs", round(p.tokenizeNanos()));
                g.writeNumberField("inferenceMs", round(p.inferenceNanos()));
            } else {
                g.writeStringField("errorType", reply.errorType());
            }
            g.writeNumberField("totalMs", round(totalNanos));
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.println(line);
    }

    private static double round(long nanos) {
        return Math.round(nanos / 1e4) / 100.0;
    }
}

package lambert.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import lambert.base.json.JsonWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;
import lambert.base.json.Json;
import lambert.lambda.events.EventKind;
import lambert.runtime.Predictions;
import lambert.runtime.contract.Reply;

/**
 * One JSON object per invocation on standard output (which Lambda sends to CloudWatch Logs), in the key names of
 * Powertools for AWS Lambda's structured logs ({@code timestamp} ISO-8601 UTC, {@code level}, {@code message},
 * {@code service}, {@code cold_start}, {@code function_name}, {@code function_memory_size}, {@code function_arn},
 * {@code function_request_id}, {@code xray_trace_id}), followed by lambert's own fields for Logs Insights: request id,
 * event kind, status, texts, tokens, truncated count, micro-batches, tokenize / inference / total milliseconds, and
 * the error type on failure.
 *
 * <p>With {@code LAMBERT_METRICS=emf} the line is also a CloudWatch embedded metric format (EMF) document: an
 * {@code _aws} block declares {@code texts}, {@code tokens}, {@code inferenceMs}, {@code totalMs} and
 * {@code coldStarts} (1 on a cold start, else 0) as metrics in the namespace {@code LAMBERT_METRICS_NAMESPACE}
 * (default {@code lambert}) with the dimension {@code function_name}, so CloudWatch makes metrics of them without a
 * metric filter. Off by default; with metrics on, every invocation's line is written unless the level is
 * {@code OFF} (a metric must not vanish because its invocation went well).
 */
final class InvocationLog {
    /** The system property the Java runtime interface client sets to the invocation's X-Ray trace header. */
    static final String TRACE_PROPERTY = "com.amazonaws.xray.traceHeader";

    private final PrintStream out;
    private final Settings.LogLevel level;
    private final boolean emf;
    private final String namespace;
    private final String service;
    private final String functionName;
    private final int memoryMb;
    private final String traceAtInit;
    /** Lambda runs one invocation at a time per environment; a plain flag (no atomic class at the cold start). */
    private volatile boolean first = true;

    /**
     * @param env the process environment: {@code LAMBERT_METRICS} ({@code off} or {@code emf}),
     *     {@code LAMBERT_METRICS_NAMESPACE}, {@code POWERTOOLS_SERVICE_NAME}, and Lambda's
     *     {@code AWS_LAMBDA_FUNCTION_NAME}, {@code AWS_LAMBDA_FUNCTION_MEMORY_SIZE} and {@code _X_AMZN_TRACE_ID}
     *     (used when the invocation's context does not say)
     * @throws IllegalArgumentException naming the variable, for a value it cannot use
     */
    InvocationLog(PrintStream out, Settings.LogLevel level, Map<String, String> env) {
        this.out = out;
        this.level = level;
        String metrics = env.getOrDefault("LAMBERT_METRICS", "off").trim().toLowerCase(Locale.ROOT);
        if (!metrics.equals("off") && !metrics.equals("emf") && !metrics.isEmpty()) {
            throw new IllegalArgumentException("LAMBERT_METRICS must be off or emf, found \""
                    + env.get("LAMBERT_METRICS") + "\"");
        }
        this.emf = metrics.equals("emf");
        this.namespace = nonBlank(env.get("LAMBERT_METRICS_NAMESPACE"), "lambert");
        if (namespace.length() > 1024) {
            throw new IllegalArgumentException("LAMBERT_METRICS_NAMESPACE must be at most 1024 characters, found "
                    + namespace.length());
        }
        this.service = nonBlank(env.get("POWERTOOLS_SERVICE_NAME"), "lambert");
        this.functionName = env.get("AWS_LAMBDA_FUNCTION_NAME");
        int memory;
        try {
            memory = Integer.parseInt(env.getOrDefault("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "0").trim());
        } catch (NumberFormatException e) {
            memory = 0;
        }
        this.memoryMb = memory;
        this.traceAtInit = env.get("_X_AMZN_TRACE_ID");
    }

    /**
     * Writes the line of one invocation.
     *
     * @param context Lambda's context, or null (tests, serve)
     * @param restored whether this is the first invocation after a SnapStart restore (a cold start too)
     */
    void write(Context context, EventKind kind, Reply reply, int texts, long totalNanos, boolean restored) {
        boolean cold = first || restored;
        first = false;
        if (level == Settings.LogLevel.OFF || (level == Settings.LogLevel.WARN && reply.ok() && !emf)) {
            return;
        }
        long now = System.currentTimeMillis();
        String requestId = context == null ? null : context.getAwsRequestId();
        String name = context != null && context.getFunctionName() != null ? context.getFunctionName() : functionName;
        int memory = context != null && context.getMemoryLimitInMB() > 0 ? context.getMemoryLimitInMB() : memoryMb;
        String trace = traceRoot(context);
        Predictions p = reply.predictions();
        StringWriter line = new StringWriter(512);
        try (JsonWriter g = JsonWriter.to(line)) {
            g.writeStartObject();
            g.writeStringField("timestamp", isoUtc(now));
            g.writeStringField("level", reply.ok() ? "INFO" : reply.status() >= 500 ? "ERROR" : "WARN");
            g.writeStringField("message", reply.ok() ? "answered " + texts + (texts == 1 ? " text" : " texts")
                    : "refused: " + reply.errorType());
            g.writeStringField("service", service);
            g.writeBooleanField("cold_start", cold);
            if (name != null) {
                g.writeStringField("function_name", name);
            }
            if (memory > 0) {
                g.writeNumberField("function_memory_size", memory);
            }
            if (context != null && context.getInvokedFunctionArn() != null) {
                g.writeStringField("function_arn", context.getInvokedFunctionArn());
            }
            if (requestId != null) {
                g.writeStringField("function_request_id", requestId);
            }
            if (trace != null) {
                g.writeStringField("xray_trace_id", trace);
            }
            g.writeStringField("requestId", requestId);
            g.writeStringField("event", kind.id());
            g.writeNumberField("status", reply.status());
            g.writeNumberField("texts", texts);
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
            if (emf) {
                g.writeNumberField("coldStarts", cold ? 1 : 0);
                writeMetrics(g, now, name != null, p != null);
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.println(line);
    }

    /** The {@code _aws} block: each metric a member of the line above, each dimension a string member. */
    private void writeMetrics(JsonWriter g, long now, boolean named, boolean answered) throws IOException {
        g.writeObjectFieldStart("_aws");
        g.writeNumberField("Timestamp", now);
        g.writeArrayFieldStart("CloudWatchMetrics");
        g.writeStartObject();
        g.writeStringField("Namespace", namespace);
        g.writeArrayFieldStart("Dimensions");
        g.writeStartArray();
        g.writeString(named ? "function_name" : "service");
        g.writeEndArray();
        g.writeEndArray();
        g.writeArrayFieldStart("Metrics");
        metric(g, "texts", "Count");
        if (answered) {
            metric(g, "tokens", "Count");
            metric(g, "inferenceMs", "Milliseconds");
        }
        metric(g, "totalMs", "Milliseconds");
        metric(g, "coldStarts", "Count");
        g.writeEndArray();
        g.writeEndObject();
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void metric(JsonWriter g, String name, String unit) throws IOException {
        g.writeStartObject();
        g.writeStringField("Name", name);
        g.writeStringField("Unit", unit);
        g.writeEndObject();
    }

    /**
     * The trace id ({@code Root=} of the X-Ray trace header) from the context, else the runtime interface client's
     * system property, else {@code _X_AMZN_TRACE_ID}; null when none says.
     */
    private String traceRoot(Context context) {
        String header = context == null ? null : context.getXrayTraceId();
        if (header == null) {
            header = System.getProperty(TRACE_PROPERTY);
        }
        if (header == null) {
            header = traceAtInit;
        }
        return traceRoot(header);
    }

    /** {@code Root=1-5759e988-bd862e3fe1be46a994272793;Parent=...;Sampled=1} to its root; a bare id as it is. */
    static String traceRoot(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        for (String part : header.split(";")) {
            String field = part.trim();
            if (field.startsWith("Root=")) {
                return field.substring(5);
            }
        }
        return header.contains("=") ? null : header.trim();
    }

    /**
     * {@code epochMillis} as ISO-8601 UTC with milliseconds, {@code 2026-11-30T17:05:08.123Z}, computed here:
     * {@code Instant.toString()} would load {@code java.time.format}'s classes into the cold start.
     */
    static String isoUtc(long epochMillis) {
        long days = Math.floorDiv(epochMillis, 86_400_000L);
        long millisOfDay = Math.floorMod(epochMillis, 86_400_000L);
        // Howard Hinnant's civil_from_days: the proleptic Gregorian date of a day count since 1970-01-01.
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long doe = z - era * 146_097;
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        long day = doy - (153 * mp + 2) / 5 + 1;
        long month = mp < 10 ? mp + 3 : mp - 9;
        long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
        StringBuilder s = new StringBuilder(24);
        pad(s, year, 4).append('-');
        pad(s, month, 2).append('-');
        pad(s, day, 2).append('T');
        pad(s, millisOfDay / 3_600_000, 2).append(':');
        pad(s, millisOfDay / 60_000 % 60, 2).append(':');
        pad(s, millisOfDay / 1000 % 60, 2).append('.');
        pad(s, millisOfDay % 1000, 3).append('Z');
        return s.toString();
    }

    private static StringBuilder pad(StringBuilder s, long value, int width) {
        String digits = Long.toString(value);
        for (int i = digits.length(); i < width; i++) {
            s.append('0');
        }
        return s.append(digits);
    }

    private static String nonBlank(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    private static double round(long nanos) {
        return Math.round(nanos / 1e4) / 100.0;
    }
}

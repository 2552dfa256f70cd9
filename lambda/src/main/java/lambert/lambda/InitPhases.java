package lambert.lambda;

import lambert.base.json.JsonWriter;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import lambert.base.json.Json;
import lambert.base.json.JsonException;
import lambert.runtime.LoadTimings;

/**
 * Where the function's INIT phase went, as the function saw it, in milliseconds: one log line at the end of the
 * handler's constructor ({@code {"level":"INFO","phase":"init",...}}), which {@code lambert emulate} reads back with
 * {@link #fromLogLine}. Sequential parts: {@code processToHandlerMs} (the runtime's process start, which is the JVM's
 * start, to the handler's constructor: JVM start-up, the runtime interface client, loading the handler class),
 * {@code nativesMs} (native libraries), {@code modelMs} (the model load), {@code warmUpMs} (the request path run
 * once, {@code LAMBERT_WARM_UP}) and the rest of the constructor; the model load's own parts ({@link LoadTimings}):
 * the ONNX Runtime session, and alongside it on helper threads the tokenizer and the checksums, then the probe that
 * checks the outputs.
 *
 * <p>The process start comes from the kernel ({@code /proc/self/stat} against {@code /proc/uptime}, both in 10 ms
 * ticks since boot) and is rounded so that {@code processToHandlerMs} never exceeds the true time (it may fall up to
 * 20 ms short). {@code RuntimeMXBean.getStartTime()} would be exact to the millisecond but loads
 * {@code java.management} (50 to 100 ms of INIT on a busy 2-core machine), and {@code ProcessHandle}'s start instant
 * is built on the boot time in whole seconds.
 *
 * @param processToHandlerMs process start to the handler's constructor; -1 if the kernel's figures cannot be read
 * @param nativesMs loading the package's native libraries
 * @param modelMs the whole model load, wall clock
 * @param sessionMs creating the ONNX Runtime session
 * @param tokenizerMs loading the tokenizer (alongside the session)
 * @param checksumsMs checking the files' hashes (alongside the session)
 * @param probeMs the probe run that checks tokenizer and output sizes
 * @param warmUpMs the request path run once before the first request ({@code LAMBERT_WARM_UP}); 0 without it
 * @param handlerMs the whole constructor
 */
public record InitPhases(double processToHandlerMs, double nativesMs, double modelMs, double sessionMs,
        double tokenizerMs, double checksumsMs, double probeMs, double warmUpMs, double handlerMs) {

    /** The {@code phase} field's value on the init line. */
    static final String PHASE = "init";
    /** The record's components in order, as the log line names them (no reflection on the INIT path). */
    static final java.util.List<String> NAMES = java.util.List.of("processToHandlerMs", "nativesMs", "modelMs",
            "sessionMs", "tokenizerMs", "checksumsMs", "probeMs", "warmUpMs", "handlerMs");
    /** The kernel's clock ticks per second in {@code /proc} (USER_HZ, 100 on every Linux Lambda runs). */
    private static final long TICKS_PER_SECOND = 100;

    /** The phases from the handler's own clock readings and the model's load timings. */
    static InitPhases of(double processToHandlerMs, long nativesNanos, LoadTimings model, long warmUpNanos,
            long handlerNanos) {
        return new InitPhases(processToHandlerMs, nativesNanos / 1e6, model.totalMs(), model.sessionMs(),
                model.tokenizerMs(), model.hashMs(), model.probeMs(), warmUpNanos / 1e6, handlerNanos / 1e6);
    }

    /**
     * How long ago this process started, in ms, at most the true time (10 ms resolution); -1 if {@code /proc} cannot
     * be read.
     */
    static double processAgeMs() {
        return processAgeMs(Path.of("/proc/self/stat"), Path.of("/proc/uptime"));
    }

    static double processAgeMs(Path stat, Path uptime) {
        try {
            String s = Files.readString(stat);
            // the command name (field 2) may hold spaces and parentheses: count fields after the last ')'
            String[] after = s.substring(s.lastIndexOf(')') + 2).trim().split(" ");
            long startTicks = Long.parseLong(after[19]); // field 22, starttime
            String up = Files.readString(uptime).trim().split("\\s+")[0];
            long uptimeTicks = Math.round(Double.parseDouble(up) * TICKS_PER_SECOND);
            // both are floors of the true values: the true age is above (up - start - 1) ticks
            long ticks = Math.max(0, uptimeTicks - startTicks - 1);
            return ticks * 1000.0 / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The log line: one JSON object. */
    String logLine() {
        StringWriter line = new StringWriter(256);
        try (JsonWriter g = JsonWriter.to(line)) {
            g.writeStartObject();
            g.writeStringField("level", "INFO");
            g.writeStringField("phase", PHASE);
            for (Map.Entry<String, Double> e : fields().entrySet()) {
                g.writeNumberField(e.getKey(), Math.round(e.getValue() * 100) / 100.0);
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return line.toString();
    }

    /** The figures by their log names (the components' names), in the line's order. */
    public Map<String, Double> fields() {
        double[] values = {processToHandlerMs, nativesMs, modelMs, sessionMs, tokenizerMs, checksumsMs, probeMs,
            warmUpMs, handlerMs};
        Map<String, Double> fields = new java.util.LinkedHashMap<>();
        for (int i = 0; i < NAMES.size(); i++) {
            fields.put(NAMES.get(i), values[i]);
        }
        return fields;
    }

    /** The phases on {@code line} if it is the handler's init line; empty for any other line. */
    public static Optional<InitPhases> fromLogLine(String line) {
        if (!line.startsWith("{") || !line.contains("\"phase\":\"" + PHASE + "\"")) {
            return Optional.empty();
        }
        try {
            if (!(Json.parse(line.getBytes(java.nio.charset.StandardCharsets.UTF_8)) instanceof Map<?, ?> map)) {
                return Optional.empty();
            }
            double[] v = new double[NAMES.size()];
            for (int i = 0; i < v.length; i++) {
                if (!(map.get(NAMES.get(i)) instanceof Number n)) {
                    return Optional.empty();
                }
                v[i] = n.doubleValue();
            }
            return Optional.of(new InitPhases(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8]));
        } catch (JsonException e) {
            return Optional.empty();
        }
    }
}

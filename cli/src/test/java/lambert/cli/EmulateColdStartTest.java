package lambert.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import lambert.base.json.Json;
import lambert.lambda.InitPhases;
import lambert.runtime.testing.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code lambert emulate}'s cold-start phases: the real default package in the emulator, through AWS's runtime
 * interface client, reports where its INIT went, and the figures are consistent with Lambda's own Init Duration
 * however fast the machine: every phase present and non-negative, the sequential ones summing to no more than the
 * Init Duration, the parts of a phase no more than the phase. No timing thresholds.
 */
class EmulateColdStartTest {
    @TempDir
    Path dir;

    @Test
    @SuppressWarnings("unchecked")
    void emulateJson_initPhasesAreConsistentWithTheInitDuration() throws Exception {
        Path zip = dir.resolve("function.zip");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertThat(run(out, err, "package", "--model", TestModels.minilmInt8().toString(), "--out", zip.toString()))
                .as(err.toString()).isZero();
        out.getBuffer().setLength(0);
        assertThat(run(out, err, "emulate", "--package", zip.toString(), "--text", "Hey, how are you?", "--json"))
                .as(err.toString()).isZero();
        Map<String, Object> json = (Map<String, Object>) Json.parse(out.toString().getBytes(StandardCharsets.UTF_8));
        Map<String, Object> p = (Map<String, Object>) json.get("init_phases");
        assertThat(p).as(out.toString()).isNotNull().containsKeys("process_to_handler_ms", "natives_ms", "model_ms",
                "session_ms", "tokenizer_ms", "checksums_ms", "probe_ms", "warm_up_ms", "handler_ms", "other_ms",
                "first_request_handler_ms");
        for (Map.Entry<String, Object> e : p.entrySet()) {
            assertThat(((Number) e.getValue()).doubleValue()).as(e.getKey()).isGreaterThanOrEqualTo(0);
        }
        double init = num(json, "init_duration_ms");
        assertThat(num(p, "process_to_handler_ms") + num(p, "handler_ms")).as("the function's sequential phases")
                .isLessThanOrEqualTo(init);
        assertThat(num(p, "natives_ms") + num(p, "model_ms") + num(p, "warm_up_ms"))
                .isLessThanOrEqualTo(num(p, "handler_ms"));
        assertThat(num(p, "warm_up_ms")).as("the request path is warmed up by default").isGreaterThan(0);
        assertThat(num(p, "session_ms") + num(p, "probe_ms")).isLessThanOrEqualTo(num(p, "model_ms"));
        assertThat(num(p, "tokenizer_ms")).isLessThanOrEqualTo(num(p, "model_ms"));
        assertThat(num(p, "checksums_ms")).isLessThanOrEqualTo(num(p, "model_ms"));
        assertThat(num(p, "first_request_handler_ms")).isLessThanOrEqualTo(num(json, "first_duration_ms"));
    }

    @Test
    void coldStartLines_sayEachPhaseAndWhatIsLeftOutsideTheFunction() {
        var coldStart = new EmulateCommand.ColdStart(new InitPhases(150, 5, 200, 177, 95, 36, 7, 0, 210), 377, 66.4,
                20.0);
        assertThat(coldStart.lines()).containsExactly(
                "  Init Duration 377 ms = process start to handler 150 ms, native libraries 5 ms, model 200 ms (ONNX "
                        + "Runtime session 177 ms; alongside it: tokenizer 95 ms, checksums 36 ms; probe 7 ms), rest of "
                        + "the handler 5 ms, outside the function (before its process, after its handler) 17 ms",
                "            first request Duration 66 ms, of which the handler 20 ms and the runtime around it 46 ms");
        var warmedUp = new EmulateCommand.ColdStart(new InitPhases(150, 5, 200, 177, 95, 36, 7, 30, 240), 407, 36.4,
                5.0);
        assertThat(warmedUp.lines().get(0)).as("the warm-up is its own part, not in the rest of the handler")
                .endsWith("probe 7 ms), request path warm-up 30 ms, rest of the handler 5 ms, outside the function "
                        + "(before its process, after its handler) 17 ms");
        assertThat(new EmulateCommand.ColdStart(null, 377, 66.4, null).lines()).as("a function that logs no phases")
                .isEmpty();
    }

    @Test
    void handlerMs_isTheTotalOfTheLineWithTheRequestId() {
        List<String> lines = List.of("START RequestId: abc Version: $LATEST",
                "{\"level\":\"INFO\",\"requestId\":\"other\",\"totalMs\":1.5}",
                "{\"level\":\"INFO\",\"requestId\":\"abc\",\"event\":\"direct\",\"totalMs\":19.25}");
        assertThat(EmulateCommand.handlerMs(new java.util.ArrayList<>(lines), "abc")).isEqualTo(19.25);
        assertThat(EmulateCommand.handlerMs(new java.util.ArrayList<>(lines), "zzz")).isNull();
    }

    /** The function's line travels apart from its answer and may reach the emulator after the REPORT line. */
    @Test
    void awaitHandlerMs_findsALineThatArrivesAfterTheAnswer() throws Exception {
        List<String> lines = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        lines.add("REPORT RequestId: abc\tDuration: 3.10 ms");
        Thread late = new Thread(() -> {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            lines.add("{\"level\":\"INFO\",\"requestId\":\"abc\",\"totalMs\":2.75}");
        });
        late.start();
        assertThat(EmulateCommand.awaitHandlerMs(lines, "abc", 60_000)).isEqualTo(2.75);
        late.join();
        assertThat(EmulateCommand.awaitHandlerMs(lines, "zzz", 20)).as("no line: null once the wait is over").isNull();
    }

    private static double num(Map<String, Object> map, String key) {
        return ((Number) map.get(key)).doubleValue();
    }

    private static int run(StringWriter out, StringWriter err, String... args) {
        CommandLine cli = Lambert.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }
}

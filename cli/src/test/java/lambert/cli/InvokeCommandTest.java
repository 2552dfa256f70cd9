package lambert.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import lambert.base.json.Json;
import lambert.toolkit.aws.FakeAws;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code lambert invoke} against {@link FakeAws}: the log tail, the REPORT figures, function errors. */
class InvokeCommandTest {
    @TempDir
    Path dir;

    FakeAws aws;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void deployed() throws Exception {
        aws = FakeAws.start();
        DeployCommandTest.useFakeCredentials();
        DeployCommand.settings = DeployCommandTest.FAST;
        Path zip = DeployCommandTest.functionZip(dir.resolve("function.zip"), 1000, 1);
        assertThat(run("deploy", "--package", zip.toString(), "--function", "my-fn", "--memory", "512",
                "--role", "arn:aws:iam::123456789012:role/mine")).isEqualTo(0);
        aws.clearCalls();
        out.getBuffer().setLength(0);
    }

    @AfterEach
    void stop() {
        aws.close();
        DeployCommand.settings = lambert.toolkit.aws.DeploySettings.AWS;
        DeployCommandTest.clearFakeCredentials();
    }

    @Test
    void invoke_printsTheLogTailTheAnswerAndTheReportFigures() {
        assertThat(run("invoke", "--function", "my-fn:live", "--text", "Hey, how are you?")).as(err.toString())
                .isEqualTo(0);

        FakeAws.Call call = aws.calls().get(0);
        assertThat(call.operation()).isEqualTo("Invoke");
        assertThat(call.query()).containsEntry("Qualifier", "live");
        assertThat(call.header("X-Amz-Log-Type")).isEqualTo("Tail");
        assertThat(call.header("X-Amz-Invocation-Type")).isEqualTo("RequestResponse");
        assertThat(new String(call.body(), StandardCharsets.UTF_8)).isEqualTo("{\"text\":\"Hey, how are you?\"}");
        assertThat(aws.problems()).isEmpty();
        String text = out.toString();
        assertThat(text).containsSubsequence("START RequestId: ", "Version: 1", "END RequestId: ",
                "REPORT RequestId: ", "Init Duration: 369.10 ms", "response  {\"ok\":true}",
                "function  my-fn:live, version 1, 512 MB", "cost      per million invocations at 512 MB");
    }

    @Test
    void invoke_timesGivesTheEmulatorsSummary() throws Exception {
        assertThat(run("invoke", "--function", "my-fn:live", "--text", "hi", "--times", "5", "--json"))
                .isEqualTo(0);
        Map<?, ?> json = (Map<?, ?>) Json.parse(out.toString().trim().getBytes(StandardCharsets.UTF_8));
        assertThat(json.get("invocations")).isEqualTo(5L);
        assertThat(json.get("failed")).isEqualTo(0L);
        assertThat(json.get("init_duration_ms")).isEqualTo(369.1);
        assertThat(json.get("first_duration_ms")).isEqualTo(80.25);
        assertThat(json.get("duration_p50_ms")).isEqualTo(3.5);
        assertThat(json.get("max_memory_used_mb")).isEqualTo(130L);
        assertThat(json.get("memory_size_mb")).isEqualTo(512L);
        assertThat((List<?>) json.get("reports")).hasSize(5);

        out.getBuffer().setLength(0);
        assertThat(run("invoke", "--function", "my-fn:live", "--text", "hi", "--times", "5")).isEqualTo(0);
        assertThat(out.toString()).contains("summary   5 invocations, 0 failed; duration p50 3.50 ms, p90 3.50 ms, "
                + "p99 3.50 ms; max memory used 130 MB");
    }

    @Test
    void invoke_functionErrorIsShownAndExitsOne() throws Exception {
        aws.onInvoke(c -> new FakeAws.InvokeAnswer(("{\"errorMessage\":\"ONNX Runtime failed\",\"errorType\":"
                + "\"lambert.lambda.ModelFailedException\"}").getBytes(StandardCharsets.UTF_8), "Unhandled",
                List.of("START RequestId: e1 Version: 1", "END RequestId: e1", "REPORT RequestId: e1\tDuration: "
                        + "12.00 ms\tBilled Duration: 12 ms\tMemory Size: 512 MB\tMax Memory Used: 140 MB\t")));
        Path event = Files.writeString(dir.resolve("event.json"), "{\"texts\":[\"a\",\"b\"]}");

        assertThat(run("invoke", "--function", "my-fn", "--event", event.toString(), "--times", "3"))
                .isEqualTo(ExitCodes.CHECK_FAILED);

        assertThat(aws.calls()).hasSize(1);
        assertThat(aws.calls().get(0).query()).doesNotContainKey("Qualifier");
        assertThat(out.toString()).contains("error     X-Amz-Function-Error: Unhandled (invocation 1 of 3",
                "ModelFailedException");
        assertThat(err.toString()).contains("lambert: the function failed (X-Amz-Function-Error: Unhandled)");
    }

    @Test
    void invoke_missingFunctionIsOneLineExitThree() {
        assertThat(run("invoke", "--function", "nope:live", "--text", "hi")).isEqualTo(ExitCodes.ENVIRONMENT);
        assertThat(err.toString().trim()).startsWith("lambert: lambda:InvokeFunction on function nope:live refused "
                + "(ResourceNotFoundException").contains("check the name and --region").doesNotContain("\n");
    }

    private int run(String... args) {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--endpoint-url";
        all[args.length + 1] = aws.endpoint().toString();
        CommandLine cli = Lambert.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(all);
    }
}

package lambert.toolkit.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import lambert.base.json.Json;
import lambert.toolkit.aws.AwsClients;
import lambert.toolkit.aws.AwsOptions;
import lambert.toolkit.aws.FakeAws;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LambdaTarget} through the real AWS SDK against {@link FakeAws}, which checks what the SDK sends (the
 * operation, SigV4, {@code X-Amz-Log-Type: Tail}): the model information from a GET event, throttling
 * ({@code TooManyRequestsException}) retried, function errors and bad input narrowed to their texts and rejected,
 * billed durations summed, and the default concurrency from GetAccountSettings.
 */
class LambdaTargetTest {
    @TempDir
    Path dir;

    private FakeAws fake;
    private AwsClients aws;

    @BeforeEach
    void start() throws Exception {
        fake = FakeAws.start();
        System.setProperty("aws.accessKeyId", FakeAws.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", FakeAws.SECRET_KEY);
        aws = AwsClients.create(AwsOptions.of(FakeAws.REGION, null, fake.endpoint()));
        fake.existingFunction("embedder", 1769);
        fake.onInvoke(LambdaTargetTest::answer);
    }

    @AfterEach
    void stop() {
        aws.close();
        fake.close();
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
    }

    private static FakeAws.InvokeAnswer answer(FakeAws.Call call) {
        Map<String, Object> event = call.json();
        String id = UUID.randomUUID().toString();
        List<String> log = List.of("START RequestId: " + id + " Version: 1", "END RequestId: " + id,
                "REPORT RequestId: " + id + "\tDuration: 4.20 ms\tBilled Duration: 5 ms\tMemory Size: 1769 MB\t"
                        + "Max Memory Used: 130 MB\t");
        if (event.containsKey("requestContext")) {
            String info = "{\"model\":\"fake\",\"task\":\"embed\",\"max_length\":128,\"output_size\":4,\"labels\":[],"
                    + "\"quantization\":\"none\",\"max_texts\":5,\"max_input_bytes\":1048576,\"max_tokens\":452864,"
                    + "\"lambert_version\":\"test\"}";
            return new FakeAws.InvokeAnswer(("{\"statusCode\":200,\"headers\":{},\"body\":" + Json.quote(info) + "}")
                    .getBytes(StandardCharsets.UTF_8), null, log);
        }
        List<?> texts = (List<?>) event.get("texts");
        for (Object t : texts) {
            if (((String) t).contains("POISON")) {
                return new FakeAws.InvokeAnswer(("{\"errorType\":\"lambert.lambda.ModelFailedException\","
                        + "\"errorMessage\":\"inference failed\"}").getBytes(StandardCharsets.UTF_8), "Unhandled", log);
            }
            if (((String) t).contains("REFUSE")) {
                return new FakeAws.InvokeAnswer(("{\"errorType\":\"InvalidRequest\",\"errorMessage\":\"refused\"}")
                        .getBytes(StandardCharsets.UTF_8), null, log);
            }
        }
        StringBuilder b = new StringBuilder("{\"task\":\"embed\",\"results\":[");
        for (int i = 0; i < texts.size(); i++) {
            ByteBuffer v = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
            v.asFloatBuffer().put(FakeFunction.vector((String) texts.get(i)));
            b.append(i == 0 ? "" : ",").append("{\"embedding\":\"").append(Base64.getEncoder().encodeToString(v.array()))
                    .append("\",\"tokens\":3,\"truncated\":false}");
        }
        return new FakeAws.InvokeAnswer(b.append("],\"truncated\":[]}").toString().getBytes(StandardCharsets.UTF_8),
                null, log);
    }

    @Test
    void run_throughTheSdk_retriesThrottlingRejectsFailuresAndSumsBilledDurations() throws Exception {
        List<String> texts = new ArrayList<>();
        for (int i = 1; i <= 40; i++) {
            texts.add(i == 7 ? "a POISON text" : i == 23 ? "REFUSE me" : "text " + i);
        }
        Path in = dir.resolve("in.txt");
        Files.write(in, texts);
        LambdaTarget target = new LambdaTarget(aws.lambda(), "embedder", "live");
        FunctionInfo info = target.info();
        assertThat(info.maxTexts()).isEqualTo(5);
        // the SDK makes 4 attempts itself; 8 throttles over 2 threads make the driver retry at least once
        fake.fail("Invoke", 8, 429, "TooManyRequestsException", "Rate Exceeded.");
        BatchRun.Counts c = BatchRun.run(target, info, InputSpec.lines(in), new BatchRun.Files(dir.resolve("out.jsonl"),
                null, null), new BatchRun.Options(2, 0, 0, 1, new Backoff(Duration.ofMillis(1), Duration.ofMillis(5), 20),
                false, false), TokenCounter.estimate(), x -> {}, null);
        assertThat(c.done()).isEqualTo(38);
        assertThat(c.rejected()).isEqualTo(2);
        assertThat(fake.problems()).isEmpty();
        List<FakeAws.Call> invokes = fake.calls().stream().filter(x -> x.operation().equals("Invoke")).toList();
        assertThat(invokes).allSatisfy(x -> {
            assertThat(x.query()).containsEntry("Qualifier", "live");
            assertThat(x.header("X-Amz-Invocation-Type")).isEqualTo("RequestResponse");
        });
        assertThat(c.throttled()).isPositive();
        long answered = invokes.size() - 1 - 8; // the GET event and the eight throttled
        assertThat(c.billedMs()).isEqualTo(5 * answered);
        List<Map<?, ?>> rejects = BatchRunTest.jsonl(dir.resolve("out.rejects.jsonl"));
        assertThat(rejects.get(0).get("reason")).isEqualTo("the function failed: lambert.lambda.ModelFailedException: "
                + "inference failed (2 attempts)");
        assertThat(rejects.get(1).get("reason")).isEqualTo("the function refused it: InvalidRequest: refused");
        List<Map<?, ?>> out = BatchRunTest.jsonl(dir.resolve("out.jsonl"));
        assertThat(out.get(6).get("id")).isEqualTo("8");
    }

    @Test
    void defaultConcurrency_isTheAccountsUnreservedConcurrencyElse100() {
        fake.unreservedConcurrency(900);
        assertThat(new LambdaTarget(aws.lambda(), "embedder", null).defaultConcurrency()).isEqualTo(900);
        fake.unreservedConcurrency(-1);
        assertThat(new LambdaTarget(aws.lambda(), "embedder", null).defaultConcurrency())
                .isEqualTo(LambdaTarget.FALLBACK_CONCURRENCY);
        assertThat(fake.operations()).contains("lambda:GetAccountSettings");
    }
}

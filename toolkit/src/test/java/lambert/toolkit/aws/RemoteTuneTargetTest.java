package lambert.toolkit.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import lambert.toolkit.emulator.Report;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The remote tune target against {@link FakeAws}: a version per size, and the original memory put back. */
class RemoteTuneTargetTest {
    static final DeploySettings FAST = new DeploySettings(50L * 1024 * 1024, 16L * 1024 * 1024, Duration.ofMillis(1),
            Duration.ofMinutes(10), d -> { });
    static final byte[] EVENT = "{\"text\":\"Hey, how are you?\"}".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    FakeAws fake;
    AwsClients aws;
    final List<String> progress = new ArrayList<>();

    @BeforeEach
    void deployed() throws Exception {
        fake = FakeAws.start();
        System.setProperty("aws.accessKeyId", FakeAws.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", FakeAws.SECRET_KEY);
        aws = AwsClients.create(AwsOptions.of(FakeAws.REGION, null, fake.endpoint()));
        Path zip = Files.write(dir.resolve("function.zip"), new byte[] {'P', 'K', 5, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            0, 0, 0, 0, 0, 0, 0, 0});
        byte[] sha = FakeAws.sha256(Files.readAllBytes(zip));
        DeploySpec spec = new DeploySpec(zip, "tuned", "java21", "lambert.lambda.Handler::handleRequest", "arm64",
                1769, 30, Map.of(), 512, "arn:aws:iam::123456789012:role/mine", "live", false, null,
                DeploySpec.UrlAuth.UNCHANGED, null, java.util.HexFormat.of().formatHex(sha),
                Base64.getEncoder().encodeToString(sha), Files.size(zip));
        new Deployer(aws, spec, FAST, false, line -> { }).run();
        fake.clearCalls();
    }

    @AfterEach
    void stop() {
        aws.close();
        fake.close();
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
    }

    @Test
    void run_eachSizeIsAFreshVersionWithAColdStartThenMemoryIsRestored() {
        try (RemoteTuneTarget target = new RemoteTuneTarget(aws.lambda(), "tuned", FAST, progress::add)) {
            List<Report> at512 = target.run(512, 0, 3, EVENT);
            List<Report> at1024 = target.run(1024, 1, 2, EVENT);

            assertThat(at512).extracting(Report::memorySizeMb).containsOnly(512);
            assertThat(at512.get(0).initDurationMs()).isEqualTo(369.10);
            assertThat(at512.subList(1, 3)).allMatch(r -> r.initDurationMs() < 0);
            assertThat(at1024).hasSize(2).extracting(Report::memorySizeMb).containsOnly(1024);
            assertThat(fake.function("tuned").get("MemorySize")).isEqualTo(1024L);
            assertThat(target.originalMemoryMb()).isEqualTo(1769);
            List<FakeAws.Call> invokes = fake.calls().stream().filter(c -> c.operation().equals("Invoke")).toList();
            assertThat(invokes).hasSize(6).extracting(c -> c.query().get("Qualifier"))
                    .allMatch(q -> q.startsWith("lambert-tune-"));
            assertThat(fake.operations()).containsSubsequence("lambda:PublishVersion", "lambda:CreateAlias",
                    "lambda:Invoke", "lambda:UpdateFunctionConfiguration", "lambda:PublishVersion",
                    "lambda:UpdateAlias", "lambda:Invoke");
        }
        assertThat(fake.function("tuned").get("MemorySize")).isEqualTo(1769L);
        assertThat(fake.versions("tuned")).extracting(v -> v.get("Version")).containsExactly("1");
        assertThat(fake.aliases("tuned")).containsExactly(Map.entry("live", "1"));
        assertThat(fake.problems()).isEmpty();
    }

    @Test
    void run_functionErrorIsAFailedReportAndTheSweepGoesOn() {
        AtomicInteger calls = new AtomicInteger();
        fake.onInvoke(c -> calls.incrementAndGet() == 1
                ? new FakeAws.InvokeAnswer(("{\"errorType\":\"Runtime.OutOfMemory\",\"errorMessage\":\"Runtime exited "
                        + "with error: signal: killed\"}").getBytes(StandardCharsets.UTF_8), "Unhandled", List.of(
                                "REPORT RequestId: r1\tDuration: 9.00 ms\tBilled Duration: 9 ms\tMemory Size: 128 MB\t"
                                        + "Max Memory Used: 128 MB\tStatus: error"))
                : new FakeAws.InvokeAnswer("{}".getBytes(StandardCharsets.UTF_8), null, List.of("REPORT RequestId: r"
                        + calls.get() + "\tDuration: 5.00 ms\tBilled Duration: 5 ms\tMemory Size: 512 MB\tMax Memory "
                        + "Used: 99 MB\t")));
        try (RemoteTuneTarget target = new RemoteTuneTarget(aws.lambda(), "tuned", FAST, progress::add)) {
            assertThat(target.run(128, 0, 1, EVENT)).extracting(Report::status).containsExactly("error");
            assertThat(target.run(512, 0, 2, EVENT)).extracting(Report::status).containsOnly("success");
        }
        assertThat(progress).anyMatch(p -> p.contains("128 MB: function error (Unhandled)"));
        assertThat(fake.function("tuned").get("MemorySize")).isEqualTo(1769L);
    }

    @Test
    void run_sameSizeAgainReusesTheWarmVersion() {
        try (RemoteTuneTarget target = new RemoteTuneTarget(aws.lambda(), "tuned", FAST, progress::add)) {
            List<Report> cold = target.run(512, 0, 1, EVENT);
            List<Report> warm = target.run(512, 2, 3, EVENT);
            assertThat(cold.get(0).initDurationMs()).isPositive();
            assertThat(warm).hasSize(3).allMatch(r -> r.initDurationMs() < 0);
            assertThat(fake.operations().stream().filter(o -> o.equals("lambda:PublishVersion")).count()).isEqualTo(1);
        }
    }

    @Test
    void close_afterAnAwsFailureMidSweepRestoresTheOriginalMemory() {
        RemoteTuneTarget target = new RemoteTuneTarget(aws.lambda(), "tuned", FAST, progress::add);
        assertThat(target.run(512, 0, 2, EVENT)).hasSize(2);
        fake.fail("PublishVersion", 1, 403, "AccessDeniedException", "User is not authorized to perform: "
                + "lambda:PublishVersion");
        assertThatThrownBy(() -> target.run(256, 0, 2, EVENT)).isInstanceOf(AwsRefusedException.class)
                .hasMessageContaining("lambda:PublishVersion").hasMessageContaining("grant lambda:PublishVersion");
        assertThat(fake.function("tuned").get("MemorySize")).isEqualTo(256L);

        target.close();
        target.close();

        assertThat(fake.function("tuned").get("MemorySize")).isEqualTo(1769L);
        FakeAws.Call last = fake.calls().stream().filter(c -> c.operation().equals("UpdateFunctionConfiguration"))
                .reduce((a, b) -> b).orElseThrow();
        assertThat(last.json()).containsEntry("MemorySize", 1769L).containsOnlyKeys("MemorySize");
        assertThat(fake.versions("tuned")).extracting(v -> v.get("Version")).containsExactly("1");
        assertThat(fake.aliases("tuned")).containsOnlyKeys("live");
        assertThat(progress).contains("restoring tuned to 1769 MB");
        assertThatThrownBy(() -> target.run(512, 0, 1, EVENT)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void close_whenAwsRefusesTheRestoreSaysHowToDoItByHand() {
        RemoteTuneTarget target = new RemoteTuneTarget(aws.lambda(), "tuned", FAST, progress::add);
        target.run(512, 0, 1, EVENT);
        fake.fail("UpdateFunctionConfiguration", 1, 403, "AccessDeniedException", "not authorized");
        assertThatThrownBy(target::close).isInstanceOf(AwsRefusedException.class)
                .hasMessageContaining("could not restore function tuned to its original 1769 MB")
                .hasMessageContaining("aws lambda update-function-configuration --function-name tuned --memory-size "
                        + "1769");
    }

    @Test
    void close_beforeAnyRunChangesNothing() {
        new RemoteTuneTarget(aws.lambda(), "tuned", FAST, progress::add).close();
        assertThat(fake.calls()).isEmpty();
    }
}

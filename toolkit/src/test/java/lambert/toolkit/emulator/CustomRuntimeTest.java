package lambert.toolkit.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import lambert.base.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Custom-runtime packages in the emulator, as {@code provided.al2023} runs them: a zip with an executable
 * {@code bootstrap} at its root, here a shell script that execs this machine's {@code java} on {@link BootstrapLoop},
 * a Runtime API loop written from AWS's page with {@code java.base} only. The loop reports, from inside, the folder it
 * runs in, its cgroup's CPU quota and its environment; the expected values come from AWS's documentation (the
 * variables table, one vCPU at 1,769 MB), not from lambert. The same variables are checked in a Java-runtime package
 * ({@link ProbeHandler} behind AWS's runtime interface client).
 */
class CustomRuntimeTest {
    private static final byte[] EVENT = "{\"text\": \"hi\", \"n\": 1}".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    @Test
    void invoke_bootstrapAnswersEachEventWithLambdasLines() throws Exception {
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        try (Emulator emulator = emulator(zip("loop.zip", 0755), 512, Map.of(), lines)) {
            List<Report> reports = new ArrayList<>();
            reports.add(emulator.invoke(EVENT));
            reports.addAll(emulator.invokeMany(EVENT, 2));
            for (Report report : reports) {
                assertThat(report.status()).isEqualTo("success");
                assertThat(map(answer(report).get("event"))).containsEntry("text", "hi");
                assertThat(lines).contains("START RequestId: " + report.requestId() + " Version: $LATEST",
                        "END RequestId: " + report.requestId());
            }
            assertThat(reports.get(0).initDurationMs()).as("a cold start reports its INIT").isPositive();
            assertThat(reports.get(1).initDurationMs()).isEqualTo(-1);
            assertThat(lines.stream().filter(l -> l.startsWith("REPORT RequestId: "))).hasSize(3);
            assertThat(lines.stream().filter(l -> l.contains("Init Duration:"))).hasSize(1);
            assertThat(reports.get(0).maxMemoryUsedMb()).as("the JVM the bootstrap became").isPositive();
            assertThat(emulator.initPhases()).as("only lambert's handler logs its INIT phases").isEmpty();
        }
    }

    @Test
    void start_bootstrapSeesLambdasVariablesAndRunsInTheTaskRoot() throws Exception {
        try (Emulator emulator = emulator(zip("loop.zip", 0755), 512, Map.of("MY_SETTING", "x"), new ArrayList<>())) {
            Map<String, Object> answer = answer(emulator.invoke(EVENT));
            Map<String, Object> env = map(answer.get("env"));
            String taskRoot = (String) env.get("LAMBDA_TASK_ROOT");
            if ("root".equals(System.getProperty("user.name"))) {
                // bound at Lambda's path in a private mount namespace, invisible to this process
                assertThat(taskRoot).isEqualTo("/var/task");
                assertThat(Path.of("/var/task").resolve("bootstrap")).doesNotExist();
            } else {
                assertThat(Path.of(taskRoot, "bootstrap")).as("LAMBDA_TASK_ROOT holds the package").isRegularFile();
            }
            assertThat(answer.get("cwd")).as("bootstrap runs from the task root").isEqualTo(taskRoot);
            assertThat(env.get("AWS_LAMBDA_RUNTIME_API")).asString().matches("127\\.0\\.0\\.1:\\d+");
            assertThat(env).containsEntry("_HANDLER", "loop.handler")
                    .containsEntry("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512")
                    .containsEntry("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
                    .containsEntry("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand")
                    .containsEntry("TZ", ":UTC")
                    .containsEntry("LANG", "en_US.UTF-8")
                    .containsEntry("PATH", "/usr/local/bin:/usr/bin/:/bin:/opt/bin")
                    .as("OS-only runtimes have no AWS_EXECUTION_ENV").doesNotContainKey("AWS_EXECUTION_ENV");
            assertThat(env.get("AWS_REGION")).isEqualTo(env.get("AWS_DEFAULT_REGION")).isNotNull();
            assertThat(env.get("AWS_LAMBDA_LOG_GROUP_NAME")).isEqualTo("/aws/lambda/" + env.get(
                    "AWS_LAMBDA_FUNCTION_NAME"));
            assertThat(env.get("AWS_LAMBDA_LOG_STREAM_NAME")).asString().isNotBlank();
            assertThat(((String) env.get("LD_LIBRARY_PATH")).split(":")).as("AWS's order").containsExactly("/lib64",
                    "/usr/lib64", (String) env.get("LAMBDA_RUNTIME_DIR"), env.get("LAMBDA_RUNTIME_DIR") + "/lib",
                    taskRoot, taskRoot + "/lib", "/opt/lib");
            long deadline = Long.parseLong((String) answer.get("deadline"));
            assertThat(deadline).as("Lambda-Runtime-Deadline-Ms is Unix ms in the future at delivery")
                    .isGreaterThan(System.currentTimeMillis() - 60_000);
        }
    }

    @Test
    void start_javaRuntimeSeesTheSameVariablesAndItsExecutionEnv() throws Exception {
        try (Emulator emulator = new Emulator(ProbeHandler.zip(dir), ProbeHandler.HANDLER, Map.of(), 512, 30,
                line -> { }, RuntimeJars.locate())) {
            Map<String, Object> env = map(answer(emulator.invoke(EVENT)).get("env"));
            assertThat(env.keySet()).as("every documented variable").containsExactlyInAnyOrderElementsOf(
                    BootstrapLoop.VARIABLES);
            // no function.json and no bootstrap: lambert's default runtime, java21
            assertThat(env).containsEntry("AWS_EXECUTION_ENV", "AWS_Lambda_java21")
                    .containsEntry("_HANDLER", ProbeHandler.HANDLER)
                    .containsEntry("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512");
        }
    }

    @Test
    void start_bootstrapGetsTheCpuQuotaOfLambdasInitThenTheMemorysShare() throws Exception {
        assumeTrue(CpuQuota.whyNotLimited().isEmpty(), () -> "needs a cgroup CPU quota: "
                + CpuQuota.whyNotLimited().orElseThrow());
        // 512 MB: 100,000 us x 512 / 1769 = 28,942.9 us per 100 ms period; INIT on demand: one full vCPU
        try (Emulator emulator = emulator(zip("loop.zip", 0755), 512, Map.of(), new ArrayList<>())) {
            Map<String, Object> answer = answer(emulator.invoke(EVENT));
            assertThat(answer.get("init")).isEqualTo("100000/100000");
            assertThat(answer.get("invoke")).isEqualTo("28943/100000");
        }
    }

    @Test
    void start_initErrorOfTheBootstrapIsLambdasInitError() throws Exception {
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        try (Emulator emulator = emulator(zip("loop.zip", 0755), 512, Map.of("LOOP_INIT_ERROR", "no model here"),
                lines)) {
            assertThatThrownBy(emulator::start).isInstanceOf(InitFailedException.class)
                    .hasMessageContaining("no model here")
                    .extracting(e -> ((InitFailedException) e).errorType()).isEqualTo("Loop.InitError");
            assertThat(lines).anyMatch(l -> l.startsWith("INIT_REPORT ") && l.contains("Status: error")
                    && l.contains("Error Type: Loop.InitError"));
        }
    }

    @Test
    void start_bootstrapNotExecutableIsRefusedByName() throws Exception {
        try (Emulator emulator = emulator(zip("not-executable.zip", 0644), 512, Map.of(), new ArrayList<>())) {
            assertThatThrownBy(emulator::start).isInstanceOf(InitFailedException.class)
                    .hasMessageContaining("bootstrap at the package's root is not executable")
                    .hasMessageContaining("rw-r--r--").hasMessageContaining("chmod 755")
                    .extracting(e -> ((InitFailedException) e).errorType()).isEqualTo("Runtime.InvalidEntrypoint");
        }
    }

    @Test
    void start_providedRuntimeWithoutBootstrapIsRefusedByName() throws Exception {
        Path zip = dir.resolve("no-bootstrap.zip");
        Files.copy(ProbeHandler.zip(dir), zip);
        Files.writeString(dir.resolve("no-bootstrap.function.json"), "{\"runtime\": \"provided.al2023\"}");
        try (Emulator emulator = emulator(zip, 512, Map.of(), new ArrayList<>())) {
            assertThatThrownBy(emulator::start).isInstanceOf(InitFailedException.class)
                    .hasMessageContaining("has no bootstrap at its root").hasMessageContaining("provided.al2023")
                    .extracting(e -> ((InitFailedException) e).errorType()).isEqualTo("Runtime.InvalidEntrypoint");
        }
    }

    @Test
    void start_javaRuntimeInFunctionJsonIgnoresABootstrap() throws Exception {
        Path zip = zip("java-with-bootstrap.zip", 0755);
        Files.writeString(dir.resolve("java-with-bootstrap.function.json"), "{\"runtime\": \"java21\"}");
        // Lambda's Java runtime starts its own client, whatever the zip holds: ProbeHandler is in the zip too
        try (Emulator emulator = new Emulator(zip, ProbeHandler.HANDLER, Map.of(), 512, 30, line -> { },
                RuntimeJars.locate())) {
            Map<String, Object> env = map(answer(emulator.invoke(EVENT)).get("env"));
            assertThat(env).containsEntry("AWS_EXECUTION_ENV", "AWS_Lambda_java21");
        }
    }

    private Emulator emulator(Path zip, int memoryMb, Map<String, String> env, List<String> lines) {
        return new Emulator(zip, "loop.handler", env, memoryMb, 30, lines::add, RuntimeJars.locate());
    }

    private Path zip(String name, int mode) throws IOException {
        return CustomRuntimePackages.loop(dir.resolve(name), mode);
    }

    private static Map<String, Object> answer(Report report) throws Exception {
        assertThat(report.status()).as(new String(report.response(), StandardCharsets.UTF_8)).isEqualTo("success");
        return map(Json.parse(report.response()));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object json) {
        return (Map<String, Object>) json;
    }
}

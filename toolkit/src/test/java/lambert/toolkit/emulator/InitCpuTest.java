package lambert.toolkit.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import lambert.base.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The INIT phase as AWS runs it, checked from inside the function: {@link ProbeHandler} reads its cgroup's CPU
 * quota from the kernel during INIT and during each invocation. On demand, INIT runs on at least one full vCPU and
 * the quota drops to memory/1769 vCPU when the function first asks for an event; with provisioned concurrency INIT
 * already runs at the memory's share. The expected quotas are worked out here from AWS's rule (one vCPU at 1,769 MB,
 * a 100 ms CFS period), not taken from lambert. INIT's time limit: 10 s on demand, 130 s with provisioned
 * concurrency. Nothing here depends on how fast the machine is.
 */
class InitCpuTest {
    private static final byte[] EVENT = "{}".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    @Test
    void start_onDemandInitRunsOnAFullVcpuThenInvocationsOnTheMemorysShare() throws Exception {
        assumeCgroup();
        // 128 MB: 100,000 us x 128 / 1769 = 7,235.7 us of CPU per 100 ms period, 0.072 vCPU
        try (Emulator emulator = emulator(128, InitializationType.ON_DEMAND, Map.of())) {
            Map<?, ?> first = answer(emulator.invoke(EVENT));
            assertThat(first.get("init")).as("quota during INIT").isEqualTo("100000/100000");
            assertThat(first.get("invoke")).as("quota during the first invocation").isEqualTo("7236/100000");
            assertThat(first.get("type")).isEqualTo("on-demand");
            // a hundred nice-0 processes' weight (1024 each): the function gets its quota first on a busy machine
            assertThat(first.get("shares")).isEqualTo("102400");
            Map<?, ?> second = answer(emulator.invoke(EVENT));
            assertThat(second.get("invoke")).as("quota during the second invocation").isEqualTo("7236/100000");
            assertThat(emulator.cpuNote()).contains("INIT 1.00 vCPU", "invocations 0.07 vCPU",
                    "cgroup quota 7236/100000 us");
        }
    }

    @Test
    void start_onDemandAboveOneVcpuKeepsTheLargerShareInInit() throws Exception {
        assumeCgroup();
        // 3008 MB: 100,000 us x 3008 / 1769 = 170,039.6 us per period, 1.70 vCPU, more than the burst's one
        try (Emulator emulator = emulator(3008, InitializationType.ON_DEMAND, Map.of())) {
            Map<?, ?> answer = answer(emulator.invoke(EVENT));
            assertThat(answer.get("init")).isEqualTo("170040/100000");
            assertThat(answer.get("invoke")).isEqualTo("170040/100000");
        }
    }

    @Test
    void start_provisionedConcurrencyInitRunsOnTheMemorysShare() throws Exception {
        assumeCgroup();
        try (Emulator emulator = emulator(128, InitializationType.PROVISIONED_CONCURRENCY, Map.of())) {
            Map<?, ?> answer = answer(emulator.invoke(EVENT));
            assertThat(answer.get("init")).as("quota during INIT: no burst").isEqualTo("7236/100000");
            assertThat(answer.get("invoke")).isEqualTo("7236/100000");
            assertThat(answer.get("type")).isEqualTo("provisioned-concurrency");
            assertThat(emulator.cpuNote()).contains("INIT 0.07 vCPU (provisioned concurrency: no burst)");
        }
    }

    @Test
    void start_afterATimeoutTheNewEnvironmentGetsTheBurstAgain() throws Exception {
        assumeCgroup();
        try (Emulator emulator = emulator(128, InitializationType.ON_DEMAND, Map.of())) {
            assertThat(answer(emulator.invoke(EVENT)).get("invoke")).isEqualTo("7236/100000");
            emulator.start();   // a new environment, as after a timeout
            Map<?, ?> answer = answer(emulator.invoke(EVENT));
            assertThat(answer.get("init")).isEqualTo("100000/100000");
            assertThat(answer.get("invoke")).isEqualTo("7236/100000");
        }
    }

    @Test
    void start_onDemandInitOverTenSecondsTimesOut() throws Exception {
        // INIT sleeps 11 s: over the limit however fast or busy the machine is
        try (Emulator emulator = emulator(1769, InitializationType.ON_DEMAND, Map.of("PROBE_INIT_SLEEP_MS", "11000"))) {
            assertThatThrownBy(emulator::start).isInstanceOf(InitFailedException.class)
                    .hasMessageContaining("10 s limit for on-demand functions")
                    .extracting(e -> ((InitFailedException) e).errorType()).isEqualTo("Sandbox.Timedout");
        }
    }

    @Test
    void start_provisionedConcurrencyInitMayRunPastTenSeconds() throws Exception {
        try (Emulator emulator = emulator(1769, InitializationType.PROVISIONED_CONCURRENCY,
                Map.of("PROBE_INIT_SLEEP_MS", "11000"))) {
            Report report = emulator.invoke(EVENT);
            assertThat(report.status()).isEqualTo("success");
            assertThat(report.initDurationMs()).as("INIT slept 11 s").isGreaterThanOrEqualTo(11_000);
        }
    }

    @Test
    void initializationType_limitsAndSharesFollowAws() {
        assertThat(InitializationType.ON_DEMAND.initLimitMs(900)).isEqualTo(10_000);
        assertThat(InitializationType.PROVISIONED_CONCURRENCY.initLimitMs(30)).isEqualTo(130_000);
        assertThat(InitializationType.PROVISIONED_CONCURRENCY.initLimitMs(900)).isEqualTo(900_000);
        assertThat(InitializationType.ON_DEMAND.initVcpu(128)).isEqualTo(1.0);
        assertThat(InitializationType.ON_DEMAND.initVcpu(3538)).isEqualTo(2.0);
        assertThat(InitializationType.PROVISIONED_CONCURRENCY.initVcpu(3538)).isEqualTo(2.0);
        assertThat(InitializationType.PROVISIONED_CONCURRENCY.initVcpu(1769 / 2)).isEqualTo(0.5, org.assertj.core.api
                .Assertions.within(0.001));
    }

    private Emulator emulator(int memoryMb, InitializationType type, Map<String, String> env) throws IOException {
        return new Emulator(ProbeHandler.zip(dir), ProbeHandler.HANDLER, env, memoryMb, 30, line -> { },
                RuntimeJars.locate(), type, Emulation.host());
    }

    private static void assumeCgroup() {
        assumeTrue(CpuQuota.whyNotLimited().isEmpty(), () -> "needs a cgroup CPU quota: " + CpuQuota.whyNotLimited()
                .orElseThrow());
    }

    private static Map<?, ?> answer(Report report) throws Exception {
        assertThat(report.status()).as(new String(report.response(), StandardCharsets.UTF_8)).isEqualTo("success");
        return (Map<?, ?>) Json.parse(report.response());
    }
}

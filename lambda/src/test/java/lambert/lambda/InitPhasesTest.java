package lambert.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import lambert.runtime.LoadTimings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The handler's INIT phases: the process's age worked out from the kernel's files as proc(5) documents them (field 22
 * of {@code /proc/PID/stat}, {@code starttime}, in clock ticks since boot; the first figure of {@code /proc/uptime},
 * seconds since boot), checked against hand-worked files and against the JVM's own start time; and the log line read
 * back.
 */
class InitPhasesTest {
    @TempDir
    Path dir;

    @Test
    void processAgeMs_isTheUptimeLessTheStartTimeLessOneTick() throws Exception {
        // a command name with a space and a ')' in it: fields are counted after the last ')'
        Path stat = Files.writeString(dir.resolve("stat"), "4242 (java) (x) S 1 4242 4242 0 -1 4194560 9000 0 0 0 "
                + "50 7 0 0 20 0 19 0 12345 3000000000 30000 18446744073709551615 1 1 0 0 0 0 0 4096 17408 0 0 0 17 "
                + "1 0 0 0 0 0\n");
        Path uptime = Files.writeString(dir.resolve("uptime"), "130.00 250.31\n");
        // 130.00 s = 13,000 ticks; started at tick 12,345; both floors, so at least 13,000 - 12,345 - 1 = 654 ticks
        assertThat(InitPhases.processAgeMs(stat, uptime)).isEqualTo(6540.0);
    }

    @Test
    void processAgeMs_unreadableFilesGiveMinusOne() {
        assertThat(InitPhases.processAgeMs(dir.resolve("none"), dir.resolve("nothing"))).isEqualTo(-1);
    }

    @Test
    void processAgeMs_ofThisProcessIsNoLessThanTheJvmsAgeLessTwoTicks() {
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        double age = InitPhases.processAgeMs();
        long jvmAge = System.currentTimeMillis() - jvmStart;
        // the process starts before its JVM; the kernel's figure may fall up to two 10 ms ticks short, never over
        assertThat(age).isGreaterThanOrEqualTo(jvmAge - 20 - 1);
        assertThat(age).as("the JVM starts within a minute of its process, however busy the machine")
                .isLessThan(jvmAge + 60_000);
    }

    @Test
    void fromLogLine_readsBackTheLineAndIgnoresOthers() {
        InitPhases phases = InitPhases.of(412.25, 5_250_000, new LoadTimings(177.5, 95.25, 36.0, 7.125, 190.0),
                210_000_000);
        String line = phases.logLine();
        assertThat(line).startsWith("{\"level\":\"INFO\",\"phase\":\"init\",\"processToHandlerMs\":412.25,");
        assertThat(InitPhases.fromLogLine(line)).contains(new InitPhases(412.25, 5.25, 190.0, 177.5, 95.25, 36.0, 7.13,
                210.0));
        assertThat(InitPhases.fromLogLine("{\"level\":\"INFO\",\"requestId\":\"x\",\"event\":\"direct\",\"status\":200}"))
                .isEmpty();
        assertThat(InitPhases.fromLogLine("START RequestId: x Version: $LATEST")).isEmpty();
        assertThat(InitPhases.fromLogLine("{\"phase\":\"init\", broken")).isEmpty();
    }

    @Test
    void names_areTheRecordsComponentsInOrder() {
        assertThat(InitPhases.NAMES).containsExactly(java.util.Arrays.stream(InitPhases.class.getRecordComponents())
                .map(java.lang.reflect.RecordComponent::getName).toArray(String[]::new));
    }
}

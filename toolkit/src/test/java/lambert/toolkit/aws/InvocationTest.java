package lambert.toolkit.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import lambert.toolkit.emulator.Report;
import org.junit.jupiter.api.Test;

/** REPORT lines as Lambda writes them, read back into the emulator's {@link Report}. */
class InvocationTest {
    @Test
    void parseReport_coldStartLineGivesEveryFigure() {
        Report r = Invocation.parseReport(List.of("START RequestId: 8f5a Version: 3", "END RequestId: 8f5a",
                "REPORT RequestId: 8f5a-11\tDuration: 76.11 ms\tBilled Duration: 453 ms\tMemory Size: 1769 MB\t"
                        + "Max Memory Used: 128 MB\tInit Duration: 376.83 ms\t"), new byte[] {'{', '}'}, null);
        assertThat(r).isEqualTo(new Report("8f5a-11", 76.11, 453, 1769, 128, 376.83, "success", r.response()));
        assertThat(r.line()).isEqualTo("REPORT RequestId: 8f5a-11\tDuration: 76.11 ms\tBilled Duration: 453 ms\t"
                + "Memory Size: 1769 MB\tMax Memory Used: 128 MB\tInit Duration: 376.83 ms");
    }

    @Test
    void parseReport_warmLineHasNoInitAndSnapStartRestoreCountsAsIt() {
        Report warm = Invocation.parseReport(List.of("REPORT RequestId: a\tDuration: 2.93 ms\tBilled Duration: 3 ms\t"
                + "Memory Size: 512 MB\tMax Memory Used: 136 MB\t"), new byte[0], null);
        assertThat(warm.initDurationMs()).isEqualTo(-1);
        assertThat(warm.durationMs()).isEqualTo(2.93);
        Report restored = Invocation.parseReport(List.of("REPORT RequestId: b\tDuration: 20.10 ms\tBilled Duration: "
                + "21 ms\tMemory Size: 512 MB\tMax Memory Used: 150 MB\tRestore Duration: 210.55 ms\tBilled Restore "
                + "Duration: 101 ms\t"), new byte[0], null);
        assertThat(restored.initDurationMs()).isEqualTo(210.55);
        assertThat(restored.billedMs()).isEqualTo(21);
    }

    @Test
    void parseReport_statusAndFunctionErrors() {
        Report timeout = Invocation.parseReport(List.of("REPORT RequestId: c\tDuration: 3000.00 ms\tBilled Duration: "
                + "3000 ms\tMemory Size: 128 MB\tMax Memory Used: 90 MB\tStatus: timeout"), new byte[0], "Unhandled");
        assertThat(timeout.status()).isEqualTo("timeout");
        Report error = Invocation.parseReport(List.of("REPORT RequestId: d\tDuration: 1.00 ms\tBilled Duration: 1 ms\t"
                + "Memory Size: 128 MB\tMax Memory Used: 90 MB\t"), new byte[0], "Unhandled");
        assertThat(error.status()).isEqualTo("error");
    }

    @Test
    void parseReport_noReportLineSaysWhy() {
        assertThatThrownBy(() -> Invocation.parseReport(List.of("a log line"), new byte[0], null))
                .isInstanceOf(AwsRefusedException.class).hasMessageContaining("no REPORT line");
    }
}

package lambert.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The processors the function's automatic threads spread over come from its memory, as AWS allocates vCPUs. */
class SettingsTest {
    @Test
    void vcpus_onePer1769MbBegunAsAwsDocumentsIt() {
        assertThat(Settings.vcpus(128)).isEqualTo(1);
        assertThat(Settings.vcpus(1769)).isEqualTo(1);
        assertThat(Settings.vcpus(1770)).isEqualTo(2);
        assertThat(Settings.vcpus(3008)).isEqualTo(2);
        assertThat(Settings.vcpus(3538)).isEqualTo(2);
        assertThat(Settings.vcpus(3539)).isEqualTo(3);
        assertThat(Settings.vcpus(10240)).isEqualTo(6);
        assertThat(Settings.vcpus(0)).isZero();
    }

    @Test
    void from_memorySizeSetsTheProcessorsNotTheJvmsCount() {
        Settings small = Settings.from(Map.of("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512"));
        Settings large = Settings.from(Map.of("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "3008"));
        Settings unknown = Settings.from(Map.of());

        assertThat(small.model().processors()).isEqualTo(1);
        assertThat(small.model().effectiveThreads(8)).isEqualTo(1);
        assertThat(large.model().processors()).isEqualTo(2);
        assertThat(large.model().effectiveThreads(8)).isEqualTo(2);
        assertThat(large.model().effectiveThreads(1)).isEqualTo(1);
        assertThat(large.model().effectiveParallelism(1)).isEqualTo(2);
        assertThat(unknown.model().processors()).isZero();
    }

    @Test
    void from_explicitThreadsWinOverTheMemory() {
        Settings settings = Settings.from(Map.of("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512", "LAMBERT_THREADS", "3"));

        assertThat(settings.model().effectiveThreads(8)).isEqualTo(3);
        assertThat(settings.model().effectiveThreads(1)).isEqualTo(3);
    }
}

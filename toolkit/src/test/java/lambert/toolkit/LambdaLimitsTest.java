package lambert.toolkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Lambda's limits as AWS documents them (docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html). */
class LambdaLimitsTest {
    @Test
    void memory_is128To10240Mb() {
        assertThat(LambdaLimits.MEMORY_MB.check(128)).isEqualTo(128);
        assertThat(LambdaLimits.MEMORY_MB.check(10240)).isEqualTo(10240);
        assertThat(LambdaLimits.MEMORY_MB.contains(127)).isFalse();
        assertThat(LambdaLimits.MEMORY_MB.contains(10241)).isFalse();
    }

    @Test
    void timeout_is1To900Seconds() {
        assertThat(LambdaLimits.TIMEOUT_SECONDS.contains(0)).isFalse();
        assertThat(LambdaLimits.TIMEOUT_SECONDS.contains(900)).isTrue();
        assertThat(LambdaLimits.TIMEOUT_SECONDS.contains(901)).isFalse();
    }

    @Test
    void ephemeralStorage_is512To10240Mb() {
        assertThat(LambdaLimits.EPHEMERAL_STORAGE_MB.contains(511)).isFalse();
        assertThat(LambdaLimits.EPHEMERAL_STORAGE_MB.contains(512)).isTrue();
        assertThat(LambdaLimits.EPHEMERAL_STORAGE_MB.contains(10240)).isTrue();
        assertThat(LambdaLimits.EPHEMERAL_STORAGE_MB.contains(10241)).isFalse();
    }

    @Test
    void check_outOfRangeNamesTheFieldTheRangeAndTheValueWithoutOptionSyntax() {
        assertThatThrownBy(() -> LambdaLimits.MEMORY_MB.check(99, "Lambda's range"))
                .isInstanceOfSatisfying(BadInputException.class, e -> {
                    assertThat(e).hasMessage("memory must be between 128 and 10240 MB (Lambda's range), found 99");
                    assertThat(e.fields()).containsExactly("memory");
                });
        assertThatThrownBy(() -> LambdaLimits.TIMEOUT_SECONDS.check(901))
                .hasMessage("timeout must be between 1 and 900 seconds, found 901");
    }
}

package lambert.toolkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;

/** One line per failure, each field said as the front end names its settings. */
class ProblemsTest {
    @Test
    void oneLine_fieldsBecomeTheFrontEndsSettingNamesOnce() {
        BadInputException e = BadInputException.of("memory must be between 128 and 10240 MB (memory is per "
                + "function), found 64", "memory");
        assertThat(Problems.oneLine(e, f -> "<" + f + ">")).isEqualTo("<memory> must be between 128 and 10240 MB "
                + "(memory is per function), found 64");
        assertThat(Problems.oneLine(e, f -> "--" + f)).startsWith("--memory must be");
    }

    @Test
    void oneLine_missingFileIsNamedThroughAnUncheckedWrapper() {
        assertThat(Problems.oneLine(new UncheckedIOException(new NoSuchFileException("/x/function.zip")), f -> f))
                .isEqualTo("file not found: /x/function.zip");
    }

    @Test
    void oneLine_exceptionWithoutMessageIsItsName() {
        assertThat(Problems.oneLine(new IllegalStateException(), f -> f)).isEqualTo("IllegalStateException");
    }
}

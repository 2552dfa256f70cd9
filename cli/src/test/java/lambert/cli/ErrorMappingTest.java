package lambert.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import lambert.toolkit.BadInputException;
import lambert.toolkit.CheckFailedException;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The toolkit's exceptions as the command line says them: the option names, the documented exit codes. */
class ErrorMappingTest {
    @Test
    void describe_badInputSaysEachFieldAsItsOptionOnce() {
        BadInputException e = BadInputException.of("snapstart and provisioned cannot go together: AWS Lambda does not "
                + "allow provisioned concurrency on a function with SnapStart", "snapstart", "provisioned");
        assertThat(Lambert.describe(e)).isEqualTo("--snapstart and --provisioned cannot go together: AWS Lambda does "
                + "not allow provisioned concurrency on a function with SnapStart");
    }

    @Test
    void describe_fieldInsideAnotherWordIsLeftAlone() {
        BadInputException e = BadInputException.of("the init-ms must be at most 10000, found 20000 (cold-init-ms is "
                + "not it)", "init-ms");
        assertThat(Lambert.describe(e)).isEqualTo("the --init-ms must be at most 10000, found 20000 (cold-init-ms is "
                + "not it)");
    }

    @Test
    void describe_badInputWithoutFieldsIsTheMessage() {
        assertThat(Lambert.describe(new BadInputException("prices.json: expected a JSON object, found array")))
                .isEqualTo("prices.json: expected a JSON object, found array");
    }

    @Test
    void exitCode_badInputIsTwoAndAFailedCheckOne() {
        assertThat(Lambert.exitCode(new BadInputException("x"))).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(Lambert.exitCode(new CheckFailedException("x"))).isEqualTo(ExitCodes.CHECK_FAILED);
    }

    @Test
    void cost_memoryOutOfRangeIsOneLineNamingTheOptionWithExitTwo() {
        CommandLine cli = Lambert.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        cli.setOut(new PrintWriter(new StringWriter(), true));
        assertThat(cli.execute("cost", "--memory", "99", "--duration-ms", "10")).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(err.toString().strip())
                .isEqualTo("lambert: --memory must be between 128 and 10240 MB (Lambda's range), found 99");
    }
}

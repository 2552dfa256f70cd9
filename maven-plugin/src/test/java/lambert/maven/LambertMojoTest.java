package lambert.maven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.NoSuchFileException;
import lambert.toolkit.BadInputException;
import lambert.toolkit.CheckFailedException;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.Test;

/** lambert's failures as Maven's: which exception, and the one line with the pom's parameter names. */
class LambertMojoTest {
    /** A goal whose work throws what the test gives it. */
    private static LambertMojo throwing(Exception e) {
        return new LambertMojo() {
            @Override
            boolean skip() {
                return false;
            }

            @Override
            void run() throws Exception {
                throw e;
            }
        };
    }

    @Test
    void execute_badInputIsAnExecutionErrorNamingTheParameterAsThePomDoes() {
        assertThatThrownBy(() -> throwing(BadInputException.of("ephemeral-storage must be between 512 and 10240 MB, "
                + "found 64", "ephemeral-storage")).execute()).isExactlyInstanceOf(MojoExecutionException.class)
                .hasMessage("lambert: <ephemeralStorage> must be between 512 and 10240 MB, found 64");
        assertThatThrownBy(() -> throwing(BadInputException.of("snapstart and provisioned cannot go together",
                "snapstart", "provisioned")).execute()).hasMessage("lambert: <snapStart> and <provisioned> cannot go "
                        + "together");
    }

    @Test
    void execute_failedCheckFailsTheBuild() {
        assertThatThrownBy(() -> throwing(new CheckFailedException("over the limit")).execute())
                .isExactlyInstanceOf(MojoFailureException.class).hasMessage("lambert: over the limit");
    }

    @Test
    void execute_missingFileIsNamed() {
        assertThatThrownBy(() -> throwing(new NoSuchFileException("/p/function.zip")).execute())
                .isExactlyInstanceOf(MojoExecutionException.class).hasMessage("lambert: file not found: /p/function.zip");
    }

    @Test
    void execute_lambertSkipSkipsTheWork() throws Exception {
        LambertMojo mojo = throwing(new IllegalStateException("ran"));
        mojo.skipAll = true;
        mojo.execute();
    }

    @Test
    void parameterName_isCamelCase() {
        assertThat(LambertMojo.parameterName("memory")).isEqualTo("memory");
        assertThat(LambertMojo.parameterName("ephemeral-storage")).isEqualTo("ephemeralStorage");
        assertThat(LambertMojo.parameterName("init-ms")).isEqualTo("initMs");
    }
}

package lambert.maven;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.apache.maven.plugin.MojoExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lambert:emulate}'s configuration errors; the goal invoking a real package is the sample project's
 * integration test (src/it), which runs it inside Maven as a user's build does.
 */
class EmulateMojoTest {
    @TempDir
    Path dir;

    @Test
    void emulate_missingZipIsNamed() {
        EmulateMojo mojo = new EmulateMojo();
        mojo.zip = dir.resolve("target/lambert/function.zip").toFile();
        mojo.text = "hi";
        assertThatThrownBy(mojo::execute).isExactlyInstanceOf(MojoExecutionException.class)
                .hasMessage("lambert: file not found: " + mojo.zip);
    }

    @Test
    void emulate_needsExactlyOneOfTextAndEvent() {
        EmulateMojo mojo = new EmulateMojo();
        mojo.zip = dir.resolve("function.zip").toFile();
        assertThatThrownBy(mojo::execute).hasMessage("lambert: give exactly one of <text> and <event>, found neither");
        mojo.text = "hi";
        mojo.event = dir.resolve("event.json").toFile();
        assertThatThrownBy(mojo::execute).hasMessage("lambert: give exactly one of <text> and <event>, found both");
    }
}

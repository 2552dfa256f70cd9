package lambert.maven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import lambert.toolkit.packaging.FunctionConfig;
import org.apache.maven.plugin.MojoExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lambert:template}: the pom's settings over {@code function.json}'s. */
class TemplateMojoTest {
    @TempDir
    Path dir;

    private TemplateMojo mojo() throws Exception {
        Path zip = Files.write(Files.createDirectories(dir.resolve("target/lambert")).resolve("function.zip"),
                new byte[] {'P', 'K', 5, 6});
        Files.write(zip.resolveSibling("function.json"), new FunctionConfig(FunctionConfig.HANDLER, "java21",
                "x86_64", 1769, 30, Map.of(), "ab", "q83vEjRWeJA=", 4, 4, "all-MiniLM-L6-v2-int8", "0.1.0",
                List.of()).toJson());
        TemplateMojo mojo = new TemplateMojo();
        mojo.zip = zip.toFile();
        mojo.out = zip.resolveSibling("template.yaml").toFile();
        mojo.alias = "live";
        return mojo;
    }

    @Test
    void template_writesFunctionJsonsSettingsWithThePomsOverThem() throws Exception {
        TemplateMojo mojo = mojo();
        mojo.function = "embed";
        mojo.memory = 1024;
        mojo.snapStart = true;
        mojo.execute();
        String yaml = Files.readString(mojo.out.toPath());
        assertThat(yaml).contains("FunctionName: \"embed\"").contains("MemorySize: 1024").contains("Timeout: 30")
                .contains("CodeUri: \"function.zip\"").contains("ApplyOn: \"PublishedVersions\"");
    }

    @Test
    void template_snapStartWithProvisionedNamesBothParameters() throws Exception {
        TemplateMojo mojo = mojo();
        mojo.snapStart = true;
        mojo.provisioned = 2;
        assertThatThrownBy(mojo::execute).isExactlyInstanceOf(MojoExecutionException.class)
                .hasMessageStartingWith("lambert: <snapStart> and <provisioned> cannot go together");
        assertThat(mojo.out).doesNotExist();
    }
}

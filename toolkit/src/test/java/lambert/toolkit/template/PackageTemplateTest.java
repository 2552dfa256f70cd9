package lambert.toolkit.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import lambert.toolkit.BadInputException;
import lambert.toolkit.packaging.FunctionConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A package's template from its {@code function.json} with a caller's settings over it (cli and Maven plugin). */
class PackageTemplateTest {
    @TempDir
    Path dir;

    private Path zip;

    @BeforeEach
    void fakePackage() throws Exception {
        zip = Files.write(Files.createDirectories(dir.resolve("build")).resolve("function.zip"),
                new byte[] {'P', 'K', 5, 6});
    }

    private void config(int memory) throws Exception {
        Files.write(dir.resolve("build/function.json"), new FunctionConfig(FunctionConfig.HANDLER, "java21",
                "arm64", memory, 30, Map.of(), "ab", "q83vEjRWeJA=", 4, 4, "all-MiniLM-L6-v2-int8", "0.1.0", List.of())
                .toJson());
    }

    @Test
    void of_functionJsonGivesTheSettingsTheOptionsOverride() throws Exception {
        config(1024);
        SamTemplate fromConfig = PackageTemplate.of(zip, dir.resolve("template.yaml"), TemplateOptions.defaults());
        assertThat(fromConfig.memoryMb()).isEqualTo(1024);
        assertThat(fromConfig.timeoutSeconds()).isEqualTo(30);
        assertThat(fromConfig.architecture()).isEqualTo("arm64");
        assertThat(fromConfig.codeUri()).isEqualTo("build/function.zip");
        assertThat(fromConfig.logicalId()).isEqualTo("LambertFunction");

        SamTemplate overridden = PackageTemplate.of(zip, dir.resolve("deploy/template.yaml"), new TemplateOptions(
                "embed-api", 512, 60, null, 1024, false, 2, "live", true));
        assertThat(overridden.memoryMb()).isEqualTo(512);
        assertThat(overridden.timeoutSeconds()).isEqualTo(60);
        assertThat(overridden.ephemeralStorageMb()).isEqualTo(1024);
        assertThat(overridden.codeUri()).isEqualTo("../build/function.zip");
        assertThat(overridden.functionName()).isEqualTo("embed-api");
        assertThat(overridden.provisioned()).isEqualTo(2);
        assertThat(overridden.url()).isTrue();
    }

    @Test
    void of_missingFunctionJsonOrZipIsNamed() throws Exception {
        assertThatThrownBy(() -> PackageTemplate.of(zip, dir.resolve("t.yaml"), TemplateOptions.defaults()))
                .isInstanceOf(BadInputException.class).hasMessageContaining("function.json, which is missing");
        assertThatThrownBy(() -> PackageTemplate.of(dir.resolve("none.zip"), dir.resolve("t.yaml"),
                TemplateOptions.defaults())).isInstanceOf(NoSuchFileException.class).hasMessageContaining("none.zip");
    }

    @Test
    void of_memoryOutsideLambdasRangeNamesTheField() throws Exception {
        config(1024);
        assertThatThrownBy(() -> PackageTemplate.of(zip, dir.resolve("t.yaml"), new TemplateOptions(null, 64, null,
                null, null, false, 0, "live", false))).isInstanceOfSatisfying(BadInputException.class,
                        e -> assertThat(e.fields()).containsExactly("memory"));
    }

    @Test
    void write_replacesTheFileAndLeavesNoTempFile() throws Exception {
        config(1024);
        Path out = dir.resolve("out/template.yaml");
        Files.createDirectories(out.getParent());
        Files.writeString(out, "old");
        PackageTemplate.write(PackageTemplate.of(zip, out, TemplateOptions.defaults()), out);
        assertThat(Files.readString(out)).contains("AWS::Serverless::Function").contains("MemorySize: 1024");
        try (var files = Files.list(out.getParent())) {
            assertThat(files).containsExactly(out);
        }
    }

    @Test
    void stackName_isTheFunctionElseTheModel() throws Exception {
        config(1024);
        assertThat(PackageTemplate.stackName(zip, "embed")).isEqualTo("embed");
        assertThat(PackageTemplate.stackName(zip, null)).isEqualTo("lambert-all-minilm-l6-v2-int8");
    }
}

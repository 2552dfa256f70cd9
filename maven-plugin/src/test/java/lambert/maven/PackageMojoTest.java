package lambert.maven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipFile;
import org.apache.maven.model.Model;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.project.MavenProject;
import org.apache.maven.project.MavenProjectHelper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lambert:package}'s configuration to the packager, on the real int8 all-MiniLM-L6-v2. */
class PackageMojoTest {
    @TempDir
    Path dir;

    /** What the goal attached: type, classifier, file. */
    private final List<String> attached = new ArrayList<>();

    private PackageMojo mojo() {
        PackageMojo mojo = new PackageMojo();
        mojo.arch = "x86_64";
        mojo.runtime = "java21";
        mojo.out = dir.resolve("target/lambert/function.zip").toFile();
        mojo.attach = true;
        mojo.classifier = "lambda";
        Model model = new Model();
        model.setArtifactId("embed-function");
        model.setVersion("1.0.0");
        mojo.project = new MavenProject(model);
        mojo.projectHelper = new MavenProjectHelper() {
            @Override
            public void attachArtifact(MavenProject project, File artifactFile, String classifier) {
                attached.add("?:" + classifier + ":" + artifactFile);
            }

            @Override
            public void attachArtifact(MavenProject project, String type, File artifactFile) {
                attached.add(type + ":-:" + artifactFile);
            }

            @Override
            public void attachArtifact(MavenProject project, String type, String classifier, File artifactFile) {
                attached.add(type + ":" + classifier + ":" + artifactFile);
            }

            @Override
            public void addResource(MavenProject project, String dir, List<String> includes, List<String> excludes) {}

            @Override
            public void addTestResource(MavenProject project, String dir, List<String> includes,
                    List<String> excludes) {}
        };
        return mojo;
    }

    @Test
    void package_builtInModelWritesTheZipAndItsConfigAndAttachesIt() throws Exception {
        PackageMojo mojo = mojo();
        mojo.model = "minilm-int8";
        mojo.execute();
        Path zip = mojo.out.toPath();
        try (ZipFile z = new ZipFile(zip.toFile())) {
            assertThat(z.stream().map(e -> e.getName())).contains("model/lambert.json")
                    .anyMatch(n -> n.matches("lib/lambert-lambda-.*\\.jar"))
                    .noneMatch(n -> n.matches("lib/lambert-(toolkit|maven-plugin|cli|onnx)-.*"));
        }
        assertThat(Files.readString(zip.resolveSibling("function.json"))).contains("\"architecture\"")
                .contains("\"x86_64\"").contains("\"java21\"");
        assertThat(attached).containsExactly("zip:lambda:" + zip);
    }

    @Test
    void package_preOptimizeFalseShipsTheBundlesModelFileAsItIs() throws Exception {
        PackageMojo mojo = mojo();
        mojo.bundle = lambert.runtime.testing.TestModels.minilmInt8().toFile();
        mojo.preOptimize = false;
        mojo.execute();
        try (ZipFile z = new ZipFile(mojo.out)) {
            assertThat(new String(z.getInputStream(z.getEntry("model/lambert.json")).readAllBytes(),
                    java.nio.charset.StandardCharsets.UTF_8)).contains("\"optimization\" : \"none\"");
            assertThat(z.getInputStream(z.getEntry("model/model.onnx")).readAllBytes())
                    .isEqualTo(Files.readAllBytes(mojo.bundle.toPath().resolve("model.onnx")));
        }
    }

    @Test
    void package_neitherModelNorBundleIsRefusedNamingBoth() {
        assertThatThrownBy(() -> mojo().execute()).isInstanceOf(MojoExecutionException.class)
                .hasMessage("lambert: give exactly one of <model> (a built-in model such as minilm-int8) and <bundle> "
                        + "(a bundle folder), found neither");
        PackageMojo both = mojo();
        both.model = "minilm";
        both.bundle = dir.toFile();
        assertThatThrownBy(both::execute).hasMessageEndingWith("found both");
    }

    @Test
    void package_unknownArchitectureOrOldRuntimeNamesTheParameterAndWritesNothing() {
        PackageMojo arch = mojo();
        arch.model = "minilm-int8";
        arch.arch = "sparc";
        assertThatThrownBy(arch::execute).isInstanceOf(MojoExecutionException.class).hasMessageStartingWith(
                "lambert: <arch>: ").hasMessageContaining("sparc");
        PackageMojo runtime = mojo();
        runtime.model = "minilm-int8";
        runtime.runtime = "java11";
        assertThatThrownBy(runtime::execute).isInstanceOf(MojoExecutionException.class).hasMessageStartingWith(
                "lambert: <runtime> ").hasMessageContaining("java11");
        assertThat(dir.resolve("target")).doesNotExist();
        assertThat(attached).isEmpty();
    }

    @Test
    void package_missingBundleFolderIsNamed() {
        PackageMojo mojo = mojo();
        mojo.bundle = dir.resolve("no-such-bundle").toFile();
        assertThatThrownBy(mojo::execute).isInstanceOf(MojoExecutionException.class)
                .hasMessageStartingWith("lambert: ").hasMessageContaining("no-such-bundle");
    }

    @Test
    void package_skipOrLambertSkipWritesNothing() throws Exception {
        PackageMojo skip = mojo();
        skip.model = "minilm-int8";
        skip.skip = true;
        skip.execute();
        PackageMojo all = mojo();
        all.model = "minilm-int8";
        all.skipAll = true;
        all.execute();
        assertThat(dir.resolve("target")).doesNotExist();
        assertThat(attached).isEmpty();
    }
}

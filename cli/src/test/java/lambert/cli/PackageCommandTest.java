package lambert.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import lambert.base.json.Json;
import lambert.runtime.testing.TestModels;
import lambert.toolkit.packaging.Readelf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code lambert package --runtime}: a runtime whose OS cannot load the native libraries is refused
 * before anything is written; what each library needs, read back with binutils' {@code readelf}, is
 * what the package records. {@code --no-pre-optimize} ships the bundle's own model bytes, and the report says how
 * the model ships either way.
 */
class PackageCommandTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void package_amazonLinux2RuntimeIsRefusedBeforeAnythingIsWritten() throws Exception {
        Path zip = dir.resolve("build/function.zip");
        assertThat(run("package", "--model", TestModels.minilmInt8().toString(), "--runtime", "java17", "--out",
                zip.toString())).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(err.toString().trim()).doesNotContain("\n").startsWith("lambert: --runtime java17 runs on Amazon "
                + "Linux 2 (glibc 2.26").contains("native/libonnxruntime.so needs GLIBC_2.27",
                        "runtimes that work: java21, java25, java17.al2023")
                .doesNotContain("libtokenizers.so"); // MiniLM's tokenizer is the pure-Java one's: not packaged
        assertThat(dir.resolve("build")).doesNotExist();

        err.getBuffer().setLength(0);
        assertThat(run("package", "--model", TestModels.minilmInt8().toString(), "--runtime", "provided.al2023",
                "--arch", "arm64", "--out", zip.toString())).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(err.toString().trim()).doesNotContain("\n")
                .startsWith("lambert: --runtime provided.al2023 packages are x86_64 only");
        assertThat(dir.resolve("build")).doesNotExist();
    }

    @Test
    void package_saysHowTheModelShipsAndNoPreOptimizeShipsTheBundlesFile() throws Exception {
        Path zip = dir.resolve("function.zip");
        assertThat(run("package", "--model", TestModels.minilmInt8().toString(), "--no-pre-optimize", "--json",
                "--out", zip.toString())).as(err.toString()).isZero();
        Map<?, ?> report = (Map<?, ?>) Json.parse(out.toString().trim().getBytes(StandardCharsets.UTF_8));
        assertThat((String) report.get("model_optimization")).startsWith("none (pre-optimisation turned off");
        try (ZipFile z = new ZipFile(zip.toFile()); InputStream in = z.getInputStream(z.getEntry("model/model.onnx"))) {
            assertThat(in.readAllBytes()).isEqualTo(Files.readAllBytes(TestModels.minilmInt8().resolve("model.onnx")));
        }
        assertThat(run("package", "--model", TestModels.minilmInt8().toString(), "--out", zip.toString()))
                .as(err.toString()).isZero();
        assertThat(out.toString()).contains("  model     optimisation extended (saved optimised by ONNX Runtime");
    }

    @Test
    void package_recordsWhatEachNativeLibraryNeedsAsReadelfReadsIt() throws Exception {
        Path zip = dir.resolve("function.zip");
        assertThat(run("package", "--model", TestModels.minilmInt8().toString(), "--runtime", "java17.al2023",
                "--json", "--out", zip.toString())).as(err.toString()).isZero();
        Map<?, ?> report = (Map<?, ?>) Json.parse(out.toString().trim().getBytes(StandardCharsets.UTF_8));
        Map<?, ?> config = (Map<?, ?>) Json.parse(Files.readAllBytes(dir.resolve("function.json")));
        assertThat(config.get("runtime")).isEqualTo("java17.al2023");
        assertThat(report.get("runtime")).isEqualTo("java17.al2023");
        assertThat(config.get("compatible_runtimes")).isEqualTo(List.of("java21", "java25", "java17.al2023"));
        assertThat(report.get("compatible_runtimes")).isEqualTo(config.get("compatible_runtimes"));
        assertThat(report.get("native_libraries")).isEqualTo(config.get("native_libraries"));

        assumeTrue(Readelf.onPath("readelf"), "binutils' readelf is not installed: nothing independent to compare with");
        List<Map<String, String>> expected = new ArrayList<>();
        try (ZipFile z = new ZipFile(zip.toFile())) {
            List<String> libs = Collections.list(z.entries()).stream().map(ZipEntry::getName)
                    .filter(n -> n.startsWith("native/") && n.endsWith(".so")).sorted().toList();
            assertThat(libs).containsExactly("native/libonnxruntime.so", "native/libonnxruntime4j_jni.so");
            for (String lib : libs) {
                Path file = dir.resolve(lib.substring("native/".length()));
                try (InputStream in = z.getInputStream(z.getEntry(lib))) {
                    Files.copy(in, file);
                }
                Map<String, String> entry = new LinkedHashMap<>();
                entry.put("file", lib);
                String glibc = newest(file, "GLIBC_");
                String glibcxx = newest(file, "GLIBCXX_");
                if (glibc != null) {
                    entry.put("glibc", glibc);
                }
                if (glibcxx != null) {
                    entry.put("glibcxx", glibcxx);
                }
                expected.add(entry);
            }
        }
        assertThat(config.get("native_libraries")).isEqualTo(expected);
    }

    /**
     * The newest {@code PREFIX} version among the file's version needs, per {@code readelf -V} and
     * GNU {@code sort -V} (version order), both independent of lambert's reader and comparison.
     */
    private static String newest(Path lib, String prefix) throws Exception {
        List<String> versions = Readelf.needs(lib).stream().map(n -> n.version())
                .filter(v -> v.matches(prefix + "[0-9][0-9.]*")).map(v -> v.substring(prefix.length())).toList();
        if (versions.isEmpty()) {
            return null;
        }
        List<String> sorted = Readelf.exec(String.join("\n", versions) + "\n", "sort", "-V").lines().toList();
        return sorted.get(sorted.size() - 1);
    }

    private int run(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        CommandLine cli = Lambert.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }
}

package lambert.toolkit.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import lambert.base.io.Trees;
import lambert.base.json.Json;
import lambert.runtime.Model;
import lambert.runtime.ModelOptions;
import lambert.runtime.testing.TestModels;
import lambert.runtime.bundle.ModelBundle;
import lambert.runtime.task.Embedding;
import lambert.runtime.task.Parameters;
import lambert.toolkit.packaging.CpuArch;
import lambert.toolkit.packaging.FunctionConfig;
import lambert.toolkit.packaging.PackageReport;
import lambert.toolkit.packaging.Packager;
import lambert.toolkit.packaging.UnsupportedRuntimeException;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code lambert package --runtime provided.al2023} with the real int8 MiniLM: the zip's layout and modes, the
 * {@code bootstrap}'s class path against the zip's own jars, the JDK image run as a program, and the function run by
 * the emulator through lambert's Runtime API loop, answering as the model does in this JVM.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CustomRuntimePackageTest {
    private Path dir;
    private PackageReport report;

    @BeforeAll
    void packageIt() throws Exception {
        dir = Files.createTempDirectory("lambert-custom-runtime-test");
        report = Packager.build(ModelBundle.open(TestModels.minilmInt8()), CpuArch.X86_64, "provided.al2023",
                dir.resolve("function.zip"));
    }

    @AfterAll
    void clean() {
        Trees.delete(dir);
    }

    @Test
    @SuppressWarnings("unchecked")
    void package_providedAl2023_bootstrapJdkImageJarsNativesAndModel() throws Exception {
        try (org.apache.commons.compress.archivers.zip.ZipFile zip =
                org.apache.commons.compress.archivers.zip.ZipFile.builder().setFile(report.zip().toFile()).get()) {
            Map<String, Integer> modes = new java.util.TreeMap<>();
            for (ZipArchiveEntry e : Collections.list(zip.getEntries())) {
                modes.put(e.getName(), e.getUnixMode() & 0777);
            }
            assertThat(modes).containsEntry("bootstrap", 0755).containsEntry("jre/bin/java", 0755)
                    .containsEntry("jre/lib/jspawnhelper", 0755).containsEntry("jre/lib/modules", 0644)
                    .containsEntry("jre/lib/server/libjvm.so", 0644).containsEntry("model/model.onnx", 0644)
                    .containsKeys("native/libonnxruntime.so", "native/libonnxruntime4j_jni.so", "jre/release");
            assertThat(modes.keySet()).doesNotContain("jre/bin/keytool", "jre/lib/jexec", "jre/lib/jrt-fs.jar")
                    .noneMatch(n -> n.startsWith("jre/include/") || n.startsWith("jre/man/") || n.startsWith("jre/jmods/"))
                    .noneMatch(n -> n.startsWith("lib/aws-lambda-java-runtime-interface"));
            assertThat(modes.keySet().stream().filter(n -> n.startsWith("lib/lambert-")).map(n -> n.replaceAll("-\\d.*", "")))
                    .containsExactlyInAnyOrder("lib/lambert-base", "lib/lambert-runtime", "lib/lambert-lambda");
        }
        Map<?, ?> config = (Map<?, ?>) Json.parse(Files.readAllBytes(report.config()));
        assertThat(config.get("runtime")).isEqualTo("provided.al2023");
        assertThat(config.get("architecture")).isEqualTo("x86_64");
        assertThat(config.get("handler")).isEqualTo(FunctionConfig.HANDLER);
        assertThat((Map<?, ?>) config.get("environment")).as("the JVM options are in the bootstrap").isEmpty();
        assertThat((List<Object>) config.get("compatible_runtimes")).containsExactly("provided.al2023");
        assertThat(report.unzippedBytes()).isLessThan(PackageReport.UNZIPPED_LIMIT);
    }

    @Test
    void package_bootstrap_classPathIsExactlyTheZipsJarsUnderTheTaskRoot() throws Exception {
        try (ZipFile zip = new ZipFile(report.zip().toFile())) {
            String bootstrap = new String(zip.getInputStream(zip.getEntry("bootstrap")).readAllBytes(),
                    StandardCharsets.UTF_8);
            assertThat(bootstrap).startsWith("#!/bin/sh\n").contains("exec \"$root/jre/bin/java\" ")
                    .contains("root=${LAMBDA_TASK_ROOT:-/var/task}").endsWith(" lambert.lambda.runtime.RuntimeLoop\n");
            Matcher cp = Pattern.compile("-cp \"([^\"]+)\"").matcher(bootstrap);
            assertThat(cp.find()).isTrue();
            List<String> onPath = List.of(cp.group(1).split(":"));
            List<String> jars = Collections.list(zip.entries()).stream().map(ZipEntry::getName)
                    .filter(n -> n.startsWith("lib/") && n.endsWith(".jar")).map(n -> "$root/" + n).sorted().toList();
            assertThat(onPath).containsExactlyElementsOf(jars);
            try (ZipFile lambda = EmulatorTest.jarInside(zip, "lib/lambert-lambda-")) {
                assertThat(lambda.getEntry("lambert/lambda/runtime/RuntimeLoop.class")).isNotNull();
            }
        }
    }

    @Test
    void package_jdkImage_runsWithOnlyTheLinkedModules() throws Exception {
        Path unzipped = dir.resolve("unzipped");
        Unzip.into(report.zip(), unzipped);
        Process p = new ProcessBuilder(unzipped.resolve("jre/bin/java").toString(), "--list-modules")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        assertThat(out.lines().map(l -> l.replaceAll("@.*", ""))).containsExactly("java.base", "java.logging");
    }

    @Test
    void package_providedAl2023_isByteIdenticalWhenBuiltTwice() throws Exception {
        PackageReport again = Packager.build(ModelBundle.open(TestModels.minilmInt8()), CpuArch.X86_64,
                "provided.al2023", dir.resolve("again/function.zip"));
        assertThat(again.sha256()).isEqualTo(report.sha256());
        try (var files = Files.list(dir.resolve("again"))) {
            assertThat(files.map(p -> p.getFileName().toString())).as("no staging folder left behind")
                    .containsExactlyInAnyOrder("function.zip", "function.json");
        }
    }

    @Test
    void package_providedAl2023ForArm64_refusedNamingWhy() {
        assertThatThrownBy(() -> Packager.build(ModelBundle.open(TestModels.minilmInt8()), CpuArch.ARM64,
                "provided.al2023", dir.resolve("arm/function.zip")))
                .isInstanceOf(UnsupportedRuntimeException.class)
                .hasMessageStartingWith("provided.al2023 packages are x86_64 only")
                .hasMessageContaining("no aarch64 JDK 25");
        assertThat(dir.resolve("arm/function.zip")).doesNotExist();
    }

    @Test
    void package_providedAl2_refusedForItsGlibc() {
        assertThatThrownBy(() -> Packager.build(ModelBundle.open(TestModels.minilmInt8()), CpuArch.X86_64,
                "provided.al2", dir.resolve("al2/function.zip")))
                .isInstanceOf(UnsupportedRuntimeException.class)
                .hasMessageStartingWith("provided.al2 runs on Amazon Linux 2")
                .hasMessageContaining("runtimes that work: provided.al2023");
    }

    @Test
    void emulate_customRuntime_answersAsTheModelInThisJvm() throws Exception {
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        String text = "Hey, how are you?";
        float[] expected;
        try (Model model = Model.open(TestModels.minilmInt8(), ModelOptions.defaults())) {
            expected = ((Embedding) model.predict(List.of(text), Parameters.defaults()).predictions().get(0)).vector();
        }
        try (Emulator emulator = Emulator.forPackage(report.zip(), Emulation.host(), lines::add)) {
            Report r = emulator.invoke(("{\"text\": " + Json.quote(text) + "}").getBytes(StandardCharsets.UTF_8));
            assertThat(emulator.runtime()).isEqualTo("provided.al2023");
            assertThat(r.status()).isEqualTo("success");
            List<?> embedding = (List<?>) ((Map<?, ?>) Json.parse(r.response()))
                    .get("embedding");
            assertThat(embedding).hasSize(expected.length);
            for (int i = 0; i < expected.length; i++) {
                assertThat(((Number) embedding.get(i)).floatValue()).as("dimension %d", i).isEqualTo(expected[i]);
            }
            Report error = emulator.invoke("{\"text\": \"\"}".getBytes(StandardCharsets.UTF_8));
            assertThat(new String(error.response(), StandardCharsets.UTF_8)).contains("\"field\":\"text\"");
            assertThat(emulator.invoke("{\"text\": \"still serving\"}".getBytes(StandardCharsets.UTF_8)).status())
                    .isEqualTo("success");
        }
        assertThat(lines).anyMatch(l -> l.contains("\"message\":\"lambert custom runtime started\""));
    }
}

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
        report = CustomRuntimePackages.minilmInt8();
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
                    .containsEntry("jre/lib/server/libjvm.so", 0644).containsEntry("model/model.ort", 0644)
                    .containsKeys("native/libonnxruntime.so", "native/libonnxruntime4j_jni.so", "jre/release");
            assertThat(modes.keySet()).doesNotContain("jre/bin/keytool", "jre/lib/jexec", "jre/lib/jrt-fs.jar",
                            "jre/lib/security/cacerts", "jre/lib/security/public_suffix_list.dat")
                    .noneMatch(n -> n.startsWith("jre/include/") || n.startsWith("jre/man/") || n.startsWith("jre/jmods/"))
                    .noneMatch(n -> n.startsWith("lib/aws-lambda-java-runtime-interface"));
            assertThat(modes.keySet().stream().filter(n -> n.startsWith("lib/lambert-")).map(n -> n.replaceAll("-\\d.*", "")))
                    .containsExactlyInAnyOrder("lib/lambert-base", "lib/lambert-runtime", "lib/lambert-lambda");
        }
        // the Java tokenizer serves MiniLM: no DJL jar, no SLF4J (on the bootstrap's class path: the next test)
        assertThat(PackageContents.jars(report.zip())).containsExactlyElementsOf(PackageContents.WORDPIECE_JARS);
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
        assertThat(lines).anyMatch(l -> l.contains("\"message\":\"lambert custom runtime started\"")
                && l.contains("\"aotCache\":\"used\""));
    }

    @Test
    void package_bootstrap_checksEveryJarsSizeAsInTheZip() throws Exception {
        try (ZipFile zip = new ZipFile(report.zip().toFile())) {
            assertThat(zip.getEntry("aot/function.aot").getSize()).isPositive();
            assertThat(new String(zip.getInputStream(zip.getEntry("aot/training-events.txt")).readAllBytes(),
                    StandardCharsets.UTF_8)).contains("{\"text\": \"Hey, how are you?\"}");
            String bootstrap = new String(zip.getInputStream(zip.getEntry("bootstrap")).readAllBytes(),
                    StandardCharsets.UTF_8);
            List<String> expected = Collections.list(zip.entries()).stream()
                    .filter(e -> e.getName().startsWith("lib/") && e.getName().endsWith(".jar"))
                    .map(e -> e.getName().substring("lib/".length()) + "=" + e.getSize()).sorted().toList();
            assertThat(bootstrap.lines().map(String::strip).filter(l -> l.matches("\\S+\\.jar=\\d+( \\\\|; do)?"))
                    .map(l -> l.replaceAll("( \\\\|; do)$", ""))).containsExactlyElementsOf(expected);
            assertThat(bootstrap).contains("${aot:+\"$aot\"}", "-XX:AOTCache=$root/aot/function.aot");
        }
    }

    @Test
    void emulate_jarChangedAfterTraining_answersWithoutTheCacheAndSaysWhy() throws Exception {
        Path changed = dir.resolve("changed/function.zip");
        String jar;
        byte[] bigger;
        try (ZipFile zip = new ZipFile(report.zip().toFile())) {
            ZipEntry entry = Collections.list(zip.entries()).stream()
                    .filter(e -> e.getName().startsWith("lib/crac-")).findFirst().orElseThrow();
            jar = entry.getName();
            bigger = withExtraEntry(zip.getInputStream(entry).readAllBytes());
        }
        PackageContents.edited(report.zip(), changed, Map.of(jar, old -> bigger));
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        try (Emulator emulator = Emulator.forPackage(changed, Emulation.host(), lines::add)) {
            Report r = emulator.invoke("{\"text\": \"hi\"}".getBytes(StandardCharsets.UTF_8));
            assertThat(r.status()).isEqualTo("success");
        }
        assertThat(lines).anyMatch(l -> l.contains("\"aotCache\":\"not used: " + jar
                + " is not the jar the cache was trained with"));
    }

    /**
     * A bundle whose tokenizer the Java one declines ships the Hugging Face library and DJL's jars, on the bootstrap's
     * class path, in the training run and so in the cache; the function answers through them, with its cache, as the
     * bundle does in this JVM.
     */
    @Test
    void emulate_customRuntimeOfANativeTokenizerBundle_shipsDjlAndAnswersWithItsCache() throws Exception {
        Path folder = PackageContents.nativeTokenizerBundle(dir.resolve("lstrip-model"));
        PackageReport kept = Packager.build(ModelBundle.open(folder), CpuArch.X86_64, "provided.al2023",
                dir.resolve("lstrip/function.zip"));
        assertThat(PackageContents.jars(kept.zip())).containsExactlyElementsOf(PackageContents.nativeTokenizerJars());
        try (ZipFile zip = new ZipFile(kept.zip().toFile())) {
            assertThat(zip.getEntry("native/libtokenizers.so")).isNotNull();
            String bootstrap = new String(zip.getInputStream(zip.getEntry("bootstrap")).readAllBytes(),
                    StandardCharsets.UTF_8);
            assertThat(bootstrap).contains("$root/lib/api-", "$root/lib/tokenizers-", "$root/lib/slf4j-nop-");
        }
        String text = "Hey, how are you?";
        float[] expected;
        try (Model model = Model.open(folder, ModelOptions.defaults())) {
            assertThat(model.tokenizer()).isInstanceOf(lambert.runtime.tokenize.NativeTokenizer.class);
            expected = ((Embedding) model.predict(List.of(text), Parameters.defaults()).predictions().get(0)).vector();
        }
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        try (Emulator emulator = Emulator.forPackage(kept.zip(), Emulation.host(), lines::add)) {
            Report r = emulator.invoke(("{\"text\": " + Json.quote(text) + "}").getBytes(StandardCharsets.UTF_8));
            assertThat(r.status()).as(String.join("\n", lines)).isEqualTo("success");
            List<?> embedding = (List<?>) ((Map<?, ?>) Json.parse(r.response())).get("embedding");
            assertThat(embedding).hasSize(expected.length);
            for (int i = 0; i < expected.length; i++) {
                assertThat(((Number) embedding.get(i)).floatValue()).as("dimension %d", i).isEqualTo(expected[i]);
            }
        }
        assertThat(lines).anyMatch(l -> l.contains("\"aotCache\":\"used\""));
    }

    @Test
    void emulate_cacheOfAnotherJvm_refusedByTheJvmAndTheFunctionStillAnswers() throws Exception {
        Path garbage = dir.resolve("garbage/function.zip");
        PackageContents.edited(report.zip(), garbage, Map.of("aot/function.aot",
                old -> "not an AOT cache".repeat(1000).getBytes(StandardCharsets.UTF_8)));
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        try (Emulator emulator = Emulator.forPackage(garbage, Emulation.host(), lines::add)) {
            Report r = emulator.invoke("{\"text\": \"hi\"}".getBytes(StandardCharsets.UTF_8));
            assertThat(r.status()).isEqualTo("success");
        }
        assertThat(lines).anyMatch(l -> l.contains("[aot]"));
        assertThat(lines).anyMatch(l -> l.contains("\"aotCache\":\"not used\""));
    }

    /**
     * Core reflection on JDK 18+ spins method-handle classes the first time it calls a constructor or method, which
     * the AOT cache does not keep; ONNX Runtime's start reflects (the JDK's security providers, for its temp folder).
     * With {@code -Djdk.reflect.useNativeAccessorOnly=true} (in the bootstrap's JVM options) INIT and the first
     * request define hardly any class at run time; without it, 28 (JDK 25.0.3, -Xlog:class+load).
     */
    @Test
    void emulate_customRuntime_initSpinsNoReflectionClasses() throws Exception {
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        try (Emulator emulator = new Emulator(report.zip(), FunctionConfig.HANDLER, Map.of("JAVA_TOOL_OPTIONS",
                "-Xlog:class+load:stdout"), 1769, 30, lines::add, RuntimeJars.locate())) {
            assertThat(emulator.invoke("{\"text\": \"hi\"}".getBytes(StandardCharsets.UTF_8)).status())
                    .isEqualTo("success");
        }
        assertThat(lines).anyMatch(l -> l.contains("source: shared objects file"));
        assertThat(lines.stream().filter(l -> l.contains("source: __JVM_LookupDefineClass__")).toList())
                .as("classes spun at run time").hasSizeLessThan(5);
    }

    @Test
    void emulate_customRuntime_cacheHoldsNoMethodProfiles() throws Exception {
        // profiles in the cache make the JVM compile, in INIT, what the training run found hot (C1 only: no gain)
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        try (Emulator emulator = new Emulator(report.zip(), FunctionConfig.HANDLER, Map.of("JAVA_TOOL_OPTIONS",
                "-XX:+UnlockDiagnosticVMOptions -XX:+AOTPrintTrainingInfo"), 1769, 30, lines::add,
                RuntimeJars.locate())) {
            assertThat(emulator.invoke("{\"text\": \"hi\"}".getBytes(StandardCharsets.UTF_8)).status())
                    .isEqualTo("success");
        }
        List<String> snapshot = List.copyOf(lines);
        int dictionary = snapshot.indexOf("Archived TrainingData Dictionary");
        assertThat(dictionary).as("the JVM's listing of the cache's training data").isNotNegative();
        assertThat(snapshot.subList(dictionary + 1, snapshot.size()))
                .as("training data (method profiles) in the cache")
                .noneMatch(l -> l.matches("\\s*\\d+: 0x\\p{XDigit}+ .*"));
    }

    /** A jar's bytes with one more entry: a valid jar of another size. */
    private static byte[] withExtraEntry(byte[] jar) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (java.util.zip.ZipInputStream in = new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(jar));
                java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(out)) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                zip.putNextEntry(new ZipEntry(e.getName()));
                in.transferTo(zip);
                zip.closeEntry();
            }
            zip.putNextEntry(new ZipEntry("META-INF/changed-after-training.txt"));
            zip.write("changed".getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        return out.toByteArray();
    }
}

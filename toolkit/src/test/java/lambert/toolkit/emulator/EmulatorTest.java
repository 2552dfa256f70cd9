package lambert.toolkit.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import lambert.runtime.Model;
import lambert.runtime.ModelOptions;
import lambert.runtime.bundle.ModelBundle;
import lambert.base.json.Json;
import lambert.runtime.testing.TestModels;
import lambert.toolkit.packaging.CpuArch;
import lambert.toolkit.packaging.FunctionConfig;
import lambert.toolkit.packaging.NativeRequirement;
import lambert.toolkit.packaging.PackageReport;
import lambert.toolkit.packaging.Packager;
import lambert.toolkit.verify.Answers;
import lambert.toolkit.verify.PackageAnswers;
import lambert.runtime.tokenize.NativeTokenizer;
import lambert.toolkit.verify.Verifier;
import lambert.toolkit.verify.VerifyReport;
import lambert.toolkit.verify.VerifyTexts;
import lambert.onnx.optimize.Optimizer;
import lambert.toolkit.models.DerivedBundle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real default model, packaged for the managed runtime (java21), run through the official Lambda runtime interface
 * client in the emulator: {@link FunctionContract}'s events and bad input, and what the package holds and leaves out.
 */
class EmulatorTest extends FunctionContract {
    private Path dir;
    private PackageReport report;

    @BeforeAll
    void packageIt() throws Exception {
        dir = Files.createTempDirectory("lambert-emulator-test");
        report = Packager.build(ModelBundle.open(TestModels.minilmInt8()), CpuArch.X86_64,
                dir.resolve("function.zip"));
    }

    @Override
    Path zip() {
        return report.zip();
    }

    @Override
    Map<String, String> environment() {
        return Map.of("JAVA_TOOL_OPTIONS", FunctionConfig.JAVA_TOOL_OPTIONS);
    }

    @AfterAll
    void stop() throws IOException {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void package_isUnderTheLimitsWithNativesForOneArchitecture() throws Exception {
        assertThat(report.zipBytes()).isLessThan(PackageReport.DIRECT_UPLOAD_LIMIT);
        assertThat(report.unzippedBytes()).isLessThan(100L * 1024 * 1024);
        try (ZipFile zip = new ZipFile(report.zip().toFile())) {
            List<String> names = Collections.list(zip.entries()).stream().map(ZipEntry::getName).toList();
            assertThat(names).contains("native/libonnxruntime.so", "native/libonnxruntime4j_jni.so",
                    "model/model.ort", "model/tokenizer.json", "model/lambert.json");
            // MiniLM's tokenizer is BERT WordPiece, which the pure-Java tokenizer reproduces: no libtokenizers.so
            assertThat(names).doesNotContain("native/libtokenizers.so");
            assertThat(names).noneMatch(n -> n.contains("dylib") || n.contains(".dll") || n.contains("dSYM"));
            assertThat(names).noneMatch(n -> n.startsWith("lib/picocli") || n.startsWith("lib/lambert-cli")
                    || n.startsWith("lib/lambert-onnx") || n.startsWith("lib/lambert-toolkit")
                    || n.startsWith("lib/protobuf") || n.startsWith("lib/jfreechart")
                    || n.startsWith("lib/commons-compress") || n.startsWith("lib/url-connection-client")
                    || n.startsWith("lib/aws-lambda-java-runtime-interface"));
            // Of lambert's own modules, only runtime and lambda reach the function, with base, which runtime depends on.
            assertThat(names.stream().filter(n -> n.startsWith("lib/lambert-")).map(n -> n.replaceAll("-\\d.*", "")))
                    .containsExactlyInAnyOrder("lib/lambert-base", "lib/lambert-runtime", "lib/lambert-lambda");
            // ... and, since the Java tokenizer serves the model, no DJL jar (nor SLF4J, which only DJL logs through)
            assertThat(PackageContents.jars(report.zip())).containsExactlyElementsOf(PackageContents.WORDPIECE_JARS);
            try (ZipFile ort = jarInside(zip, "lib/onnxruntime-")) {
                assertThat(Collections.list(ort.entries())).noneMatch(e -> e.getName().startsWith("ai/onnxruntime/native"));
            }
        }
        Map<?, ?> config = (Map<?, ?>) Json.parse(Files.readAllBytes(report.config()));
        assertThat(config.get("handler")).isEqualTo("lambert.lambda.Handler::handleRequest");
        assertThat(((List<?>) config.get("native_libraries")).stream().map(l -> String.valueOf(((Map<?, ?>) l).get("file"))).toList())
                .containsExactly("native/libonnxruntime.so", "native/libonnxruntime4j_jni.so");
        assertThat(config.get("code_sha256")).isEqualTo(report.sha256());
        // short enough for the handler's 504 to come before API Gateway's at 29 s (LimitsAndDeadlineTest)
        assertThat(config.get("timeout_s")).isEqualTo((long) lambert.lambda.Handler.SUGGESTED_TIMEOUT_SECONDS);
        // the JVM's options and glibc's malloc settings (one arena, a 16 MB top pad) for the managed runtime
        assertThat((Map<?, ?>) config.get("environment")).isEqualTo(Map.of("JAVA_TOOL_OPTIONS",
                FunctionConfig.JAVA_TOOL_OPTIONS, "MALLOC_ARENA_MAX", "1", "MALLOC_TOP_PAD_", "16777216"));
    }

    /**
     * No class of lambert's own concatenates strings through {@code invokedynamic}: its modules are compiled with
     * {@code -XDstringConcat=inline}, because the JVM's first such concatenation spins a dozen method-handle classes
     * at run time, about 5 ms of a java21 cold start (docs/cold-start.md). (Jackson has one such class, for Java 11+,
     * which parses big numbers: never on the function's path.)
     */
    @Test
    void package_noClassOfLambertsConcatenatesStringsThroughInvokedynamic() throws Exception {
        assertThat(PackageContents.classesReferring(report.zip(), List.of("makeConcatWithConstants")))
                .noneMatch(c -> c.startsWith("lambert/"));
    }

    /**
     * INIT (with the handler's warm-up of the direct and HTTP paths) and the first request link no lambda or method
     * reference of lambert's own, and leave Jackson's factory, parser and generator unloaded (lambert's own reader and
     * writer serve well-formed JSON): on the managed runtime, which has no AOT cache, each lambda is spun at run time
     * and each Jackson class read from its jar (docs/cold-start.md).
     */
    @Test
    void emulate_coldPath_linksNoLambdaOfLambertsOwnAndLeavesJacksonUnloaded() throws Exception {
        List<String> trace = Collections.synchronizedList(new ArrayList<>());
        try (Emulator cold = new Emulator(report.zip(), FunctionConfig.HANDLER, Map.of("JAVA_TOOL_OPTIONS",
                FunctionConfig.JAVA_TOOL_OPTIONS + " -Xlog:class+load:stdout"), 1769, 30, trace::add,
                RuntimeJars.locate())) {
            assertThat(cold.invoke("{\"text\": \"Hey, how are you?\"}".getBytes(StandardCharsets.UTF_8)).status())
                    .isEqualTo("success");
        }
        assertThat(trace).anyMatch(l -> l.contains("lambert.lambda.Handler source:"));
        assertThat(trace).noneMatch(l -> l.matches(".*\\blambert\\.[\\w.$]*\\$\\$Lambda.*"));
        assertThat(trace).noneMatch(l -> l.contains("com.fasterxml.jackson.core.JsonFactory ")
                || l.contains("com.fasterxml.jackson.core.JsonParser ")
                || l.contains("com.fasterxml.jackson.core.JsonGenerator "));
    }

    /**
     * The package leaves DJL's and SLF4J's jars out, so no class it may load can refer to theirs: the only one that
     * does is the Hugging Face tokenizer's, which a WordPiece bundle never loads (the emulator tests answer without it;
     * InitFaultsTest asks for it and gets a message, not a NoClassDefFoundError).
     */
    @Test
    void package_ofAWordPieceBundle_noClassButTheNativeTokenizerRefersToALeftOutJar() throws Exception {
        assertThat(PackageContents.classesReferring(report.zip(), List.of("ai/djl/", "org/slf4j/")))
                .containsExactly("lambert/runtime/tokenize/NativeTokenizer.class");
    }

    /**
     * Every entry is deflated at zlib's best level (its compressed size is what {@link java.util.zip.Deflater} at 9
     * makes of its bytes, and the big ones beat level 6), and the jars inside hold their classes stored, for the zip to
     * deflate whole: together 0.2 MB off the zip.
     */
    @Test
    void package_entriesDeflatedAtTheBestLevel_jarsInsideStored() throws Exception {
        try (ZipFile zip = new ZipFile(report.zip().toFile())) {
            for (ZipEntry entry : Collections.list(zip.entries())) {
                byte[] bytes;
                try (InputStream in = zip.getInputStream(entry)) {
                    bytes = in.readAllBytes();
                }
                assertThat(entry.getMethod()).as(entry.getName()).isEqualTo(ZipEntry.DEFLATED);
                assertThat(entry.getCompressedSize()).as(entry.getName()).isEqualTo(deflatedSize(bytes, 9));
                if (bytes.length > 1_000_000) {
                    assertThat(entry.getCompressedSize()).as(entry.getName()).isLessThan(deflatedSize(bytes, 6));
                }
                if (entry.getName().startsWith("lib/")) {
                    try (java.util.zip.ZipInputStream jar = new java.util.zip.ZipInputStream(
                            new java.io.ByteArrayInputStream(bytes))) {
                        int classes = 0;
                        for (ZipEntry e = jar.getNextEntry(); e != null; e = jar.getNextEntry()) {
                            assertThat(e.getMethod()).as(entry.getName() + "!" + e.getName()).isEqualTo(ZipEntry.STORED);
                            classes += e.getName().endsWith(".class") ? 1 : 0;
                        }
                        assertThat(classes).as(entry.getName()).isPositive();
                    }
                }
            }
        }
    }

    /** The size of {@code bytes} deflated raw (as in a zip) at {@code level}. */
    private static long deflatedSize(byte[] bytes, int level) {
        java.util.zip.Deflater deflater = new java.util.zip.Deflater(level, true);
        try {
            deflater.setInput(bytes);
            deflater.finish();
            byte[] buffer = new byte[1 << 16];
            long size = 0;
            while (!deflater.finished()) {
                size += deflater.deflate(buffer);
            }
            return size;
        } finally {
            deflater.end();
        }
    }

    @Test
    void package_isByteIdenticalWhenBuiltTwice() throws Exception {
        PackageReport again = Packager.build(ModelBundle.open(TestModels.minilmInt8()), CpuArch.X86_64,
                dir.resolve("again/function.zip"));
        assertThat(again.sha256()).isEqualTo(report.sha256());
        try (var files = Files.list(dir.resolve("again"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("function.zip",
                    "function.json");
        }
    }

    @Test
    void emulate_invocationOverTheTimeoutIsCutAndTheNextOneStartsCold() throws Exception {
        // A function whose invocation sleeps ten minutes is over its 5 s timeout however fast or busy the machine
        // is, and its next, plain invocation answers at once. The real model cannot promise both: its own deadline
        // check answers before the timeout, and the time its work takes depends on the machine.
        List<String> out = Collections.synchronizedList(new ArrayList<>());
        try (Emulator slow = new Emulator(ProbeHandler.zip(dir), ProbeHandler.HANDLER, Map.of(), 1769, 5, out::add,
                RuntimeJars.locate())) {
            Report timedOut = slow.invoke("{\"sleep_ms\": 600000}".getBytes(StandardCharsets.UTF_8));
            assertThat(timedOut.status()).isEqualTo("timeout");
            assertThat(out).anyMatch(l -> l.contains("Task timed out after 5.00 seconds"));
            assertThat(out).anyMatch(l -> l.startsWith("REPORT RequestId: " + timedOut.requestId())
                    && l.endsWith("Status: timeout"));
            Report next = slow.invoke("{}".getBytes(StandardCharsets.UTF_8));
            assertThat(next.status()).isEqualTo("success");
            assertThat(next.initDurationMs()).as("a new environment after a timeout").isPositive();
        }
    }

    @Test
    void package_forArm64CarriesArm64Libraries() throws Exception {
        PackageReport arm = Packager.build(ModelBundle.open(TestModels.minilmInt8()), CpuArch.ARM64,
                dir.resolve("arm/function.zip"));
        try (ZipFile zip = new ZipFile(arm.zip().toFile())) {
            assertThat(zip.getEntry("native/libtokenizers.so")).isNull();
            for (String lib : List.of("native/libonnxruntime.so", "native/libonnxruntime4j_jni.so")) {
                byte[] header = new byte[20];
                try (InputStream in = zip.getInputStream(zip.getEntry(lib))) {
                    assertThat(in.readNBytes(header, 0, 20)).isEqualTo(20);
                }
                // ELF e_machine, little-endian at offset 18: 0xB7 is AArch64 (0x3E would be x86-64)
                assertThat(header[18] & 0xff).as(lib).isEqualTo(0xB7);
            }
        }
        Map<?, ?> config = (Map<?, ?>) Json.parse(Files.readAllBytes(arm.config()));
        assertThat(config.get("architecture")).isEqualTo("arm64");
    }

    /**
     * A bundle whose model is in ONNX Runtime's own format (written by lambert's optimiser) is packaged as
     * {@code model/model.ort}, which the function maps, and answers as the ONNX bundle it was made from.
     */
    @Test
    void emulate_packageOfAnOrtFormatBundleAnswersAsTheOnnxBundle() throws Exception {
        Path ort = dir.resolve("saved.ort");
        Optimizer.optimize(TestModels.minilmInt8().resolve("model.onnx"), ort, Optimizer.Level.EXTENDED);
        ModelBundle source = ModelBundle.open(TestModels.minilmInt8());
        ModelBundle ortBundle = DerivedBundle.write(dir.resolve("ort-bundle"), DerivedBundle.manifestOf(source)
                .withOptimization("extended", "model.ort"), ort, source, false);
        PackageReport packaged = Packager.build(ortBundle, CpuArch.X86_64, dir.resolve("ort/function.zip"));
        try (ZipFile zip = new ZipFile(packaged.zip().toFile())) {
            assertThat(zip.getEntry("model/model.ort")).isNotNull();
            assertThat(zip.getEntry("model/model.onnx")).isNull();
        }
        try (Model model = Model.open(TestModels.minilmInt8(), ModelOptions.defaults());
                Answers bundle = Answers.of(model);
                Answers function = new PackageAnswers(packaged.zip(), new Emulator(packaged.zip(),
                        FunctionConfig.HANDLER, Map.of(), 1769, 30, l -> { }, RuntimeJars.locate()))) {
            VerifyReport r = Verifier.compare(bundle, function, VerifyTexts.spread(8), 3);
            assertThat(r.texts()).isEqualTo(8);
            assertThat(r.minCosine()).isGreaterThan(0.99999);
        }
    }

    /**
     * A tokenizer the Java one does not reproduce ([MASK] with lstrip) keeps the library in the package, with DJL's
     * jars, and the function answers through it as the bundle does in this JVM (which tokenizes with the same library).
     */
    @Test
    void package_keepsTheTokenizerLibraryAndItsJarsForATokenizerTheJavaOneDoesNotReproduce() throws Exception {
        Path folder = PackageContents.nativeTokenizerBundle(dir.resolve("lstrip-model"));
        PackageReport kept = Packager.build(ModelBundle.open(folder), CpuArch.X86_64, dir.resolve("kept/function.zip"));
        try (ZipFile zip = new ZipFile(kept.zip().toFile())) {
            assertThat(zip.getEntry("native/libtokenizers.so")).isNotNull();
        }
        assertThat(kept.nativeLibraries()).extracting(NativeRequirement::file).contains("native/libtokenizers.so");
        assertThat(PackageContents.jars(kept.zip())).containsExactlyElementsOf(PackageContents.nativeTokenizerJars());
        try (Model model = Model.open(folder, ModelOptions.defaults());
                Answers bundle = Answers.of(model);
                Answers function = new PackageAnswers(kept.zip(), new Emulator(kept.zip(), FunctionConfig.HANDLER,
                        Map.of(), 1769, 30, l -> { }, RuntimeJars.locate()))) {
            assertThat(model.tokenizer()).isInstanceOf(NativeTokenizer.class);
            VerifyReport r = Verifier.compare(bundle, function, VerifyTexts.spread(8), 3);
            assertThat(r.texts()).isEqualTo(8);
            assertThat(r.minCosine()).isGreaterThan(0.99999);
        }
    }

    @Test
    void emulate_zipEntryEscapingTheTaskRootIsRefused() throws Exception {
        Path evil = dir.resolve("evil.zip");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(evil))) {
            zip.putNextEntry(new ZipEntry("../../escaped.txt"));
            zip.write("x".getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        try (Emulator e = new Emulator(evil, FunctionConfig.HANDLER, Map.of(), 512, 3, l -> { }, RuntimeJars.locate())) {
            assertThatThrownBy(e::start).isInstanceOf(IOException.class)
                    .hasMessageContaining("escapes the task root: \"../../escaped.txt\"");
        }
    }

    /** Waits for a line, for up to a minute: a generous bound for a log pump on a busy machine, not a measure. */
    static void awaitLine(List<String> lines, java.util.function.Predicate<String> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(1);
        while (System.nanoTime() < deadline) {
            synchronized (lines) {
                if (lines.stream().anyMatch(wanted)) {
                    return;
                }
            }
            Thread.sleep(10);
        }
        assertThat(lines).anyMatch(wanted);
    }

    static ZipFile jarInside(ZipFile zip, String prefix) throws IOException {
        ZipEntry entry = Collections.list(zip.entries()).stream().filter(e -> e.getName().startsWith(prefix))
                .findFirst().orElseThrow();
        Path temp = Files.createTempFile("jar", ".jar");
        try (InputStream in = zip.getInputStream(entry)) {
            Files.copy(in, temp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        temp.toFile().deleteOnExit();
        return new ZipFile(temp.toFile());
    }

}

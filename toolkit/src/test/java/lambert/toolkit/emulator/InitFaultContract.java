package lambert.toolkit.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.zip.ZipFile;
import lambert.base.io.Trees;
import lambert.runtime.bundle.ModelBundle;
import lambert.runtime.testing.TestModels;
import lambert.toolkit.packaging.CpuArch;
import lambert.toolkit.packaging.FunctionConfig;
import lambert.toolkit.packaging.Packager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Faults at init, through the emulator, each in a copy of the real package edited for the occasion: every one ends in
 * a Lambda init error whose message names the cause, and the conditions Lambda always imposes (a read-only task root)
 * or may (an unwritable {@code /tmp}) do not stop the function. {@link InitFaultsTest} runs them on the managed runtime
 * (AWS's runtime interface client), {@link CustomRuntimeInitFaultsTest} on {@code provided.al2023} (lambert's loop).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class InitFaultContract {
    /** Scratch for the edited copies, and the subclass's own package if it builds one. */
    Path dir;
    private Path armZip;

    /** The x86_64 package under test, built or found by the subclass in its own {@code @BeforeAll}. */
    abstract Path zip();

    @BeforeAll
    void buildArmPackage() throws Exception {
        dir = Files.createTempDirectory("lambert-init-faults");
        // the source of wrong-architecture libraries, the same in a package of either runtime
        armZip = Packager.build(ModelBundle.open(TestModels.minilmInt8()), CpuArch.ARM64,
                dir.resolve("arm/function.zip")).zip();
    }

    @AfterAll
    void clean() {
        Trees.delete(dir);
    }

    @Test
    void init_modelFileMissingNamesTheFile() throws Exception {
        assertThat(initError(edited("no-model", Map.of("model/model.ort", bytes -> null))))
                .contains("model.ort").contains("does not exist");
    }

    @Test
    void init_modelFileTruncatedFailsItsHashCheck() throws Exception {
        assertThat(initError(edited("truncated", Map.of("model/model.ort",
                bytes -> Arrays.copyOf(bytes, bytes.length / 2)))))
                .contains("model.ort").contains("does not match its hash");
    }

    @Test
    void init_modelFileChangedFailsItsHashCheck() throws Exception {
        assertThat(initError(edited("changed", Map.of("model/model.ort", bytes -> {
            byte[] copy = bytes.clone();
            copy[copy.length / 2] ^= 0x01;
            return copy;
        })))).contains("model.ort").contains("does not match its hash");
    }

    @Test
    void init_tokenizerMissingNamesTheFile() throws Exception {
        assertThat(initError(edited("no-tokenizer", Map.of("model/tokenizer.json", bytes -> null))))
                .contains("tokenizer.json").contains("does not exist");
    }

    @Test
    void init_onnxRuntimeLibraryMissingNamesTheLibrary() throws Exception {
        assertThat(initError(edited("no-ort", Map.of("native/libonnxruntime.so", bytes -> null))))
                .contains("libonnxruntime.so").contains("missing");
    }

    @Test
    void init_nativeTokenizerAskedOfAPackageWithoutItsLibraryNamesTheLibrary() throws Exception {
        // MiniLM's package tokenizes in Java and carries no libtokenizers.so (EmulatorTest)
        assertThat(initError(zip(), Map.of("LAMBERT_TOKENIZER", "native"), emulator -> { }))
                .contains("libtokenizers.so").contains("LAMBERT_TOKENIZER=native");
    }

    @Test
    void init_nativeLibrariesForTheWrongArchitectureAreNamed() throws Exception {
        Map<String, UnaryOperator<byte[]>> swap = Map.of(
                "native/libonnxruntime.so", bytes -> entry(armZip, "native/libonnxruntime.so"),
                "native/libonnxruntime4j_jni.so", bytes -> entry(armZip, "native/libonnxruntime4j_jni.so"));
        assertThat(initError(edited("arm-natives", swap)))
                .contains("native/lib").contains("built for arm64").contains("--arch x86_64");
    }

    @Test
    void init_unwritableTempFolderIsNamed() throws Exception {
        // ONNX Runtime's Java binding creates a temp folder when it starts, even with its libraries given.
        assertThat(initError(zip(), Emulator::faultUnwritableTmp))
                .contains("ONNX Runtime could not start").contains("writable temp folder").contains("java.io.tmpdir");
    }

    @Test
    void init_readOnlyTaskRootStillAnswers() throws Exception {
        List<String> out = Collections.synchronizedList(new ArrayList<>());
        try (Emulator emulator = new Emulator(zip(), FunctionConfig.HANDLER, Map.of(), 1769, 30, out::add,
                RuntimeJars.locate())) {
            Report report = emulator.invoke("{\"text\": \"still here\"}".getBytes(StandardCharsets.UTF_8));
            assertThat(report.status()).as(String.join("\n", out)).isEqualTo("success");
            org.junit.jupiter.api.Assumptions.assumeTrue(emulator.readOnlyTaskRoot(),
                    "the task root is read-only to the function only when lambert runs as root");
        }
    }

    /** Starts the package and returns the init error's message (the test fails if init succeeds). */
    private String initError(Path faulty) {
        return initError(faulty, emulator -> { });
    }

    private String initError(Path faulty, java.util.function.Consumer<Emulator> fault) {
        return initError(faulty, Map.of(), fault);
    }

    private String initError(Path faulty, Map<String, String> env, java.util.function.Consumer<Emulator> fault) {
        List<String> out = Collections.synchronizedList(new ArrayList<>());
        try (Emulator emulator = new Emulator(faulty, FunctionConfig.HANDLER, env, 1769, 30, out::add,
                RuntimeJars.locate())) {
            fault.accept(emulator);
            Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> {
                emulator.start();
                Report r = emulator.invoke("{\"text\": \"hi\"}".getBytes(StandardCharsets.UTF_8));
                out.add("invoked: " + r.status() + " " + new String(r.response(), StandardCharsets.UTF_8));
            });
            assertThat(thrown).as(String.join("\n", out)).isInstanceOf(InitFailedException.class);
            assertThat(out).anyMatch(l -> l.startsWith("INIT_REPORT Init Duration: ") && l.contains("Status: error"));
            return thrown.getMessage();
        }
    }

    /** A copy of the package with entries replaced (null: removed). */
    private Path edited(String name, Map<String, UnaryOperator<byte[]>> edits) throws IOException {
        return PackageContents.edited(zip(), dir.resolve(name + ".zip"), edits);
    }

    private static byte[] entry(Path zip, String name) {
        try (ZipFile file = new ZipFile(zip.toFile()); InputStream in = file.getInputStream(file.getEntry(name))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

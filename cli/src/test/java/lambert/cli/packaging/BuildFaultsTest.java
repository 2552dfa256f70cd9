package lambert.cli.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import lambert.runtime.bundle.BundleWriter;
import lambert.runtime.bundle.ModelBundle;
import lambert.runtime.testing.TestModels;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The build commands under faults: a full disk and a read-only file system while the package zip or a bundle is
 * written (a 1 MB tmpfs, mounted by the test, so root only: skipped elsewhere), and Ctrl-C (SIGINT) sent to a
 * {@code lambert package} process in the middle of writing. In every case the previous output is intact and no
 * temp file is left behind.
 */
class BuildFaultsTest {
    @TempDir
    Path dir;
    private final List<Path> mounts = new ArrayList<>();

    @AfterEach
    void unmount() throws Exception {
        for (Path mount : mounts) {
            run("umount", mount.toString());
        }
    }

    @Test
    void package_diskFullKeepsThePreviousZipAndLeavesNoTempFile() throws Exception {
        Path full = tmpfs("full", false);
        Path zip = full.resolve("function.zip");
        Files.writeString(zip, "previous package");
        assertThatThrownBy(() -> Packager.build(ModelBundle.open(TestModels.minilmInt8()), Architecture.X86_64, zip))
                .isInstanceOf(IOException.class).hasMessageContaining("No space left on device");
        assertThat(Files.readString(zip)).isEqualTo("previous package");
        assertThat(names(full)).containsExactly("function.zip");
    }

    @Test
    void package_readOnlyOutputKeepsThePreviousZip() throws Exception {
        Path readOnly = tmpfs("ro", true);
        Path zip = readOnly.resolve("function.zip");
        // The message names the zip asked for, not the temp file beside it (".function.zip123.partial" before).
        assertThatThrownBy(() -> Packager.build(ModelBundle.open(TestModels.minilmInt8()), Architecture.X86_64, zip))
                .isInstanceOf(IOException.class).hasMessageContaining("Read-only file system")
                .hasMessageStartingWith(zip + ": cannot be written").hasMessageNotContaining(".partial");
        assertThat(Files.readString(zip)).isEqualTo("previous package");
        assertThat(names(readOnly)).containsExactly("function.zip");
    }

    @Test
    void bundle_diskFullKeepsThePreviousBundleAndLeavesNoStagingFolder() throws Exception {
        Path full = tmpfs("full-bundle", false);
        Path target = full.resolve("bundle");
        Files.createDirectories(target);
        Files.writeString(target.resolve("lambert.json"), "{\"previous\": true}");
        ModelBundle source = ModelBundle.open(TestModels.minilmInt8());
        assertThatThrownBy(() -> BundleWriter.write(target, source.manifest(), java.util.Map.of(
                "model.onnx", BundleWriter.file(source.modelPath()),
                "tokenizer.json", BundleWriter.file(source.tokenizerPath())), true))
                .isInstanceOf(IOException.class).hasMessageContaining("No space left on device");
        assertThat(Files.readString(target.resolve("lambert.json"))).isEqualTo("{\"previous\": true}");
        assertThat(names(full)).containsExactly("bundle");
    }

    @Test
    void package_interruptedByCtrlCLeavesNoTempFile() throws Exception {
        Path zip = dir.resolve("function.zip");
        Files.writeString(zip, "previous package");
        Process lambert = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "lambert.cli.Lambert", "package", "--model",
                TestModels.minilmInt8().toString(), "--out", zip.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("lambert.log").toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (names(dir).stream().noneMatch(n -> n.endsWith(".partial")) && lambert.isAlive()
                    && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            if (!lambert.isAlive()) {
                // only a run that succeeded before it could be interrupted is a reason to skip; a failed one is not
                assertThat(lambert.exitValue()).as(Files.readString(dir.resolve("lambert.log"))).isZero();
            }
            assumeTrue(lambert.isAlive(), "the package was written before it could be interrupted");
            run("kill", "-INT", Long.toString(lambert.pid()));
            assertThat(lambert.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            lambert.destroyForcibly();
        }
        assertThat(names(dir)).as(Files.readString(dir.resolve("lambert.log")))
                .noneMatch(n -> n.endsWith(".partial"));
        assertThat(Files.readString(zip)).isEqualTo("previous package");
    }

    /** A 1 MB tmpfs under the test folder, read-only if asked (with a file "function.zip" written first). */
    private Path tmpfs(String name, boolean readOnly) throws Exception {
        Path mount = Files.createDirectories(dir.resolve(name));
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mount.toString()) == 0,
                "mounting a tmpfs needs root");
        mounts.add(0, mount);
        if (readOnly) {
            Files.writeString(mount.resolve("function.zip"), "previous package");
            assertThat(run("mount", "-o", "remount,ro", mount.toString())).isZero();
        }
        return mount;
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> !n.equals("lambert.log")).sorted().toList();
        }
    }

    private static int run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor();
    }
}

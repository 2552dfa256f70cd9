package lambert.cli;

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
import lambert.toolkit.packaging.CpuArch;
import lambert.toolkit.packaging.Packager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The build commands under faults: a full disk and a read-only file system while the package zip or a bundle is
 * written (a 1 MB tmpfs, mounted by the test, so root only: skipped elsewhere), and Ctrl-C (SIGINT) sent to a
 * {@code lambert package} process in the middle of writing (its writing thread slowed through a cgroup where the
 * machine allows it). In every case the previous output is intact and no temp file is left behind.
 */
class BuildFaultsTest {
    private static final Path CPU_CGROUPS = Path.of("/sys/fs/cgroup/cpu");

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
        assertThatThrownBy(() -> Packager.build(ModelBundle.open(TestModels.minilmInt8()), CpuArch.X86_64, zip))
                .isInstanceOf(IOException.class).hasMessageContaining("No space left on device");
        assertThat(Files.readString(zip)).isEqualTo("previous package");
        assertThat(names(full)).containsExactly("function.zip");
    }

    @Test
    void package_readOnlyOutputKeepsThePreviousZip() throws Exception {
        Path readOnly = tmpfs("ro", true);
        Path zip = readOnly.resolve("function.zip");
        // The message names the zip asked for, not the temp file beside it (".function.zip123.partial" before).
        assertThatThrownBy(() -> Packager.build(ModelBundle.open(TestModels.minilmInt8()), CpuArch.X86_64, zip))
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
        // Ctrl-C must land while the zip is being written, however busy the machine is: the writing thread could
        // otherwise finish the zip and move it into place between the test seeing the temp file and the JVM
        // handling the signal. Where the machine allows it (a writable cgroup v1 cpu controller: root), the
        // writing thread alone is slowed to 1 ms of CPU a second, thread by thread, while the rest of the JVM
        // handles SIGINT at full speed; elsewhere the signal is sent as soon as the temp file appears.
        Path zip = dir.resolve("function.zip");
        Files.writeString(zip, "previous package");
        Path crawl = null;
        if (Files.isWritable(CPU_CGROUPS.resolve("tasks"))) {
            crawl = Files.createDirectory(CPU_CGROUPS.resolve("lambert-test-crawl-" + ProcessHandle.current().pid()
                    + "-" + System.nanoTime()));
            Files.writeString(crawl.resolve("cpu.cfs_period_us"), "1000000");
            Files.writeString(crawl.resolve("cpu.cfs_quota_us"), "1000");
        }
        Process lambert = new ProcessBuilder(withDefaultSigint(List.of(Path.of(System.getProperty("java.home"), "bin",
                "java").toString(), "-cp", System.getProperty("java.class.path"), "lambert.cli.Lambert", "package",
                "--model", TestModels.minilmInt8().toString(), "--out", zip.toString())))
                .redirectErrorStream(true).redirectOutput(dir.resolve("lambert.log").toFile()).start();
        List<Long> slowed = new ArrayList<>();
        try {
            // generous bounds, not measures: a busy machine may take minutes to start the JVM and load the model
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (!writing(zip) && lambert.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            // The JVM's main thread writes the zip; like the launcher's own thread (whose id is the process's),
            // it is named "java", while the JVM names every thread it starts (signal handler, shutdown hooks).
            for (Path task : crawl == null ? List.<Path>of()
                    : listOrEmpty(Path.of("/proc", Long.toString(lambert.pid()), "task"))) {
                long tid = Long.parseLong(task.getFileName().toString());
                if (tid != lambert.pid() && readOrEmpty(task.resolve("comm")).strip().equals("java")) {
                    Files.writeString(crawl.resolve("tasks"), Long.toString(tid));
                    slowed.add(tid);
                }
            }
            if (!lambert.isAlive()) {
                // only a run that succeeded before it could be interrupted is a reason to skip; a failed one is not
                assertThat(lambert.exitValue()).as(log()).isZero();
            }
            assumeTrue(lambert.isAlive() && writing(zip), "the package was written before it could be slowed");
            assertThat(crawl == null || !slowed.isEmpty()).as("the JVM's main thread, named \"java\", slowed").isTrue();
            run("kill", "-INT", Long.toString(lambert.pid()));
            // the shutdown hook removes the temp file while the writing thread crawls
            long hookDeadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (names(dir).stream().anyMatch(n -> n.endsWith(".partial")) && System.nanoTime() < hookDeadline) {
                Thread.sleep(5);
            }
            release(slowed);
            assertThat(lambert.waitFor(5, TimeUnit.MINUTES)).as(log()).isTrue();
        } finally {
            release(slowed);
            lambert.destroyForcibly();
            lambert.waitFor(5, TimeUnit.MINUTES);
            try {
                if (crawl != null) {
                    Files.deleteIfExists(crawl);
                }
            } catch (IOException busy) {
                // a thread still in it (it cannot be, once the process is gone); the kernel keeps it, harmlessly
            }
        }
        assertThat(names(dir)).as(log()).noneMatch(n -> n.endsWith(".partial"));
        assertThat(new String(Files.readAllBytes(zip), java.nio.charset.StandardCharsets.ISO_8859_1)).as(log())
                .isEqualTo("previous package");
    }

    /**
     * The command with SIGINT set back to its default action first. A test run as a background job of a
     * non-interactive shell (a CI script's {@code mvn verify &}) has SIGINT ignored; a child inherits that, and a
     * JVM started with SIGINT ignored leaves it so: Ctrl-C would do nothing at all (which is how this test failed
     * in such a run, as the package was written in full).
     */
    private static List<String> withDefaultSigint(List<String> command) throws Exception {
        if (run("/usr/bin/env", "--default-signal=INT", "true") == 0) {
            List<String> reset = new ArrayList<>(List.of("/usr/bin/env", "--default-signal=INT"));
            reset.addAll(command);
            return reset;
        }
        assumeTrue(!sigintIgnored(), "SIGINT is ignored in this process (a background job?) and this env cannot set "
                + "it back for the child (GNU coreutils 8.31 or newer can)");
        return command;
    }

    /** Whether this process ignores SIGINT (signal 2: bit 1 of {@code SigIgn} in {@code /proc/self/status}). */
    private static boolean sigintIgnored() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring(7).strip(), 16) & 0b10) != 0;
            }
        }
        return false;
    }

    /** Moves threads back to the root cpu group (full speed); threads that are gone are skipped. */
    private static void release(List<Long> threads) {
        for (long tid : threads) {
            try {
                Files.writeString(CPU_CGROUPS.resolve("tasks"), Long.toString(tid));
            } catch (IOException gone) {
                // the thread has exited
            }
        }
    }

    private static List<Path> listOrEmpty(Path folder) throws IOException {
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.toList();
        } catch (java.nio.file.NoSuchFileException gone) {
            return List.of();
        }
    }

    private static String readOrEmpty(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException gone) {
            return "";
        }
    }

    /** Whether the package is being written: its temp file is there and the previous zip is still in place. */
    private boolean writing(Path zip) throws IOException {
        return names(dir).stream().anyMatch(n -> n.endsWith(".partial"))
                && Files.size(zip) == "previous package".length();
    }

    /**
     * The child's output, read leniently: a process stopped by a signal may end in the middle of a multi-byte
     * character, and bytes that are not UTF-8 must not hide what it said (they become U+FFFD).
     */
    private String log() throws IOException {
        return new String(Files.readAllBytes(dir.resolve("lambert.log")), java.nio.charset.StandardCharsets.UTF_8);
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

package lambert.toolkit.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile zips: every entry that would land outside the task root, and a zip bomb, is refused by name. */
class UnzipTest {
    @TempDir
    Path dir;

    @Test
    void into_parentTraversalIsRefused() throws Exception {
        assertRefused("lib/../../escaped.txt", "escapes the task root");
    }

    @Test
    void into_absolutePathIsRefused() throws Exception {
        assertRefused("/tmp/escaped.txt", "escapes the task root");
    }

    @Test
    void into_entryNamingTheRootItselfIsRefused() throws Exception {
        assertRefused("lib/..", "escapes the task root");
    }

    @Test
    void into_nameWithNulIsRefused() throws Exception {
        assertRefused("model/model.onnx\u0000.txt", "not a valid path");
    }

    @Test
    void into_duplicateEntryDoesNotOverwrite() throws Exception {
        Path zip = dir.resolve("twice.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new ZipEntry("a.txt"));
            out.write('1');
            out.closeEntry();
            out.putNextEntry(new ZipEntry("b/../a.txt"));
            out.write('2');
            out.closeEntry();
        }
        assertThatThrownBy(() -> Unzip.into(zip, dir.resolve("root"))).isInstanceOf(IOException.class);
        assertThat(Files.readString(dir.resolve("root/a.txt"))).isEqualTo("1");
    }

    @Test
    void into_moreThanTheUnzippedLimitIsRefusedAsWritten() throws Exception {
        Path zip = dir.resolve("bomb.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new ZipEntry("zeros.bin"));
            out.write(new byte[3 << 20]);
            out.closeEntry();
        }
        assertThat(Files.size(zip)).isLessThan(64 * 1024);
        assertThatThrownBy(() -> Unzip.into(zip, dir.resolve("root"), 1 << 20)).isInstanceOf(IOException.class)
                .hasMessageContaining("unpacks to more than 1 MB").hasMessageContaining("zeros.bin");
    }

    private void assertRefused(String name, String message) throws IOException {
        Path zip = dir.resolve("evil.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new ZipEntry(name));
            out.write('x');
            out.closeEntry();
        }
        Path root = dir.resolve("root");
        assertThatThrownBy(() -> Unzip.into(zip, root)).isInstanceOf(IOException.class)
                .hasMessageContaining(message);
        try (var walk = Files.walk(dir)) {
            assertThat(walk.filter(Files::isRegularFile).map(p -> p.getFileName().toString()))
                    .containsExactly("evil.zip");
        }
        assertThat(Path.of("/tmp/escaped.txt")).doesNotExist();
    }

    @Test
    void into_executableModeIsKeptAndOthersAreNot() throws Exception {
        Path zip = dir.resolve("modes.zip");
        try (var out = new org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream(Files.newOutputStream(zip))) {
            for (var e : java.util.Map.of("bootstrap", 0100755, "bin/tool", 0100700, "data.txt", 0100644).entrySet()) {
                var entry = new org.apache.commons.compress.archivers.zip.ZipArchiveEntry(e.getKey());
                entry.setUnixMode(e.getValue());
                out.putArchiveEntry(entry);
                out.write('x');
                out.closeArchiveEntry();
            }
        }
        Path root = dir.resolve("root");
        Unzip.into(zip, root);
        assertThat(Files.isExecutable(root.resolve("bootstrap"))).isTrue();
        assertThat(Files.isExecutable(root.resolve("bin/tool"))).isTrue();
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(
                root.resolve("data.txt")))).doesNotContain("x");
    }
}

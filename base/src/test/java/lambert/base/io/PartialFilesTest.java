package lambert.base.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartialFilesTest {
    @TempDir
    Path dir;

    @Test
    void nextTo_notMovedAway_isRemovedOnClose() throws IOException {
        Path temp;
        try (PartialFiles partials = PartialFiles.open("test")) {
            temp = partials.nextTo(dir.resolve("out.zip"));
            Files.writeString(temp, "partial");
            assertThat(temp.getFileName().toString()).startsWith(".out.zip").endsWith(".partial");
        }
        assertThat(temp).doesNotExist();
        assertThat(listing()).isEmpty();
    }

    @Test
    void write_replacesTheTargetWholeInANewFolderAndLeavesNoTempFile() throws IOException {
        Path target = dir.resolve("new/answer.json");
        PartialFiles.write(target, "{\"a\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        PartialFiles.write(target, "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(target).hasContent("{}");
        try (Stream<Path> files = Files.list(target.getParent())) {
            assertThat(files).containsExactly(target);
        }
    }

    @Test
    void write_ontoAFolderNamesTheTargetAndLeavesNoTempFile() throws IOException {
        Path target = Files.createDirectories(dir.resolve("taken"));
        Files.writeString(target.resolve("inside"), "x");
        assertThatThrownBy(() -> PartialFiles.write(target, new byte[] {1})).isInstanceOf(IOException.class)
                .hasMessageContaining(target.toString()).hasMessageNotContaining(".partial");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(target);
        }
    }

    @Test
    void replace_finishedFile_landsOnTargetReadableByAll() throws IOException {
        Path target = Files.writeString(dir.resolve("out.txt"), "old");
        try (PartialFiles partials = PartialFiles.open("test")) {
            Path temp = partials.nextTo(target);
            Files.writeString(temp, "new");
            PartialFiles.replace(temp, target);
        }
        assertThat(target).hasContent("new");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target))).isEqualTo("rw-r--r--");
        assertThat(listing()).containsExactly("out.txt");
    }

    @Test
    void replace_targetIsAFolder_errorNamesTheTargetNotTheTempFile() throws IOException {
        Path target = Files.createDirectories(dir.resolve("taken"));
        Files.writeString(target.resolve("inside"), "x");
        try (PartialFiles partials = PartialFiles.open("test")) {
            Path temp = partials.nextTo(target);
            assertThatThrownBy(() -> PartialFiles.replace(temp, target))
                    .isInstanceOf(FileSystemException.class)
                    .hasMessageStartingWith(target.toString())
                    .hasMessageContaining("cannot be replaced")
                    .hasMessageNotContaining(".partial");
        }
    }

    @Test
    void folderNextTo_notMovedAway_isRemovedWithItsContentsOnClose() throws IOException {
        Path staging;
        try (PartialFiles partials = PartialFiles.open("test")) {
            staging = partials.folderNextTo(dir.resolve("sub/bundle"));
            Files.createDirectories(staging.resolve("nested"));
            Files.writeString(staging.resolve("nested/model.onnx"), "bytes");
            assertThat(staging.getParent()).isEqualTo(dir.resolve("sub"));
            assertThat(staging.getFileName().toString()).startsWith(".bundle.partial-");
        }
        assertThat(staging).doesNotExist();
        assertThat(Files.list(dir.resolve("sub"))).isEmpty();
    }

    @Test
    void replaceFolder_noTarget_movesTheFolderIn() throws IOException {
        Path target = dir.resolve("bundle");
        try (PartialFiles partials = PartialFiles.open("test")) {
            Path staging = partials.folderNextTo(target);
            Files.writeString(staging.resolve("a.txt"), "new");
            partials.replaceFolder(staging, target);
        }
        assertThat(target.resolve("a.txt")).hasContent("new");
        assertThat(listing()).containsExactly("bundle");
    }

    @Test
    void replaceFolder_existingTarget_isReplacedAndTheOldOneDeleted() throws IOException {
        Path target = Files.createDirectories(dir.resolve("bundle"));
        Files.writeString(target.resolve("old.txt"), "old");
        try (PartialFiles partials = PartialFiles.open("test")) {
            Path staging = partials.folderNextTo(target);
            Files.writeString(staging.resolve("new.txt"), "new");
            partials.replaceFolder(staging, target);
        }
        assertThat(target.resolve("new.txt")).hasContent("new");
        assertThat(target.resolve("old.txt")).doesNotExist();
        assertThat(listing()).containsExactly("bundle");
    }

    @Test
    void replaceFolder_moveFails_putsTheOldFolderBack() throws IOException {
        Path target = Files.createDirectories(dir.resolve("bundle"));
        Files.writeString(target.resolve("old.txt"), "old");
        try (PartialFiles partials = PartialFiles.open("test")) {
            // A staged folder that does not exist: the move into place fails after the old one was moved aside.
            Path missing = dir.resolve("never-written");
            assertThatThrownBy(() -> partials.replaceFolder(missing, target)).isInstanceOf(IOException.class);
            assertThat(target.resolve("old.txt")).hasContent("old");
        }
        assertThat(target.resolve("old.txt")).hasContent("old");
        assertThat(listing()).containsExactly("bundle");
    }

    private java.util.List<String> listing() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}

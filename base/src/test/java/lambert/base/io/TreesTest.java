package lambert.base.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TreesTest {
    @TempDir
    Path dir;

    @Test
    void delete_nestedFolder_removesEverythingAndLeavesSiblings() throws IOException {
        Path tree = Files.createDirectories(dir.resolve("tree/a/b"));
        Files.writeString(tree.resolve("f.txt"), "x");
        Files.writeString(dir.resolve("tree/top.txt"), "y");
        Files.writeString(dir.resolve("sibling.txt"), "z");

        Trees.delete(dir.resolve("tree"));

        assertThat(dir.resolve("tree")).doesNotExist();
        assertThat(dir.resolve("sibling.txt")).hasContent("z");
    }

    @Test
    void delete_readOnlyFiles_areRemovedToo() throws IOException {
        Path tree = Files.createDirectories(dir.resolve("ro"));
        Path file = Files.writeString(tree.resolve("f.txt"), "x");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--r--r--"));

        Trees.delete(tree);

        assertThat(tree).doesNotExist();
    }

    @Test
    void delete_missingOrNull_isNothingToDo() {
        Trees.delete(dir.resolve("missing"));
        Trees.delete(null);
        assertThat(dir).exists();
    }
}

package lambert.base.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Deleting a folder and everything in it: the one delete-tree of lambert (staging and work folders, an unpacked
 * function, the emulator's sandbox).
 *
 * <pre>{@code
 * Trees.delete(Path.of("/tmp/lambert-unpacked-123"));
 * }</pre>
 */
public final class Trees {
    private Trees() {}

    /**
     * Deletes {@code dir} and everything in it, quietly and as far as it can: each entry is made writable first (the
     * emulator leaves its task folder read-only), and what cannot be deleted stays (a leftover temp folder is hidden
     * or in the temp directory, and harmless). A {@code null} or missing {@code dir} is nothing to do; a plain file is
     * deleted.
     */
    public static void delete(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                p.toFile().setWritable(true);
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: a leftover temp folder is harmless
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}

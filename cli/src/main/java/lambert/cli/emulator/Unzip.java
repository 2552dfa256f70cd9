package lambert.cli.emulator;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/** Unpacking a function zip safely: an entry that would land outside the target is refused. */
public final class Unzip {
    private Unzip() {}

    /** Unpacks {@code zip} into {@code target}. */
    public static void into(Path zip, Path target) throws IOException {
        Path root = target.toAbsolutePath().normalize();
        try (ZipFile file = new ZipFile(zip.toFile())) {
            for (Enumeration<? extends ZipEntry> e = file.entries(); e.hasMoreElements();) {
                ZipEntry entry = e.nextElement();
                Path out = root.resolve(entry.getName()).normalize();
                if (!out.startsWith(root) || entry.getName().startsWith("/")) {
                    throw new IOException(zip + " has an entry that escapes the task root: \"" + entry.getName()
                            + "\"; refusing to unpack it");
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                    continue;
                }
                Files.createDirectories(out.getParent());
                try (InputStream in = file.getInputStream(entry)) {
                    Files.copy(in, out);
                }
            }
        } catch (ZipException e) {
            throw new IOException(zip + " is not a valid zip: " + e.getMessage(), e);
        }
    }

    /** Deletes a folder and everything in it, quietly (best effort). */
    public static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
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

package lambert.toolkit.emulator;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Enumeration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;

/**
 * Unpacking a function zip safely, as Lambda does: an entry that would land outside the target is refused, and a file
 * the zip marks executable (any of the Unix mode's execute bits, as {@code zip} records them) stays executable, so a
 * custom runtime's {@code bootstrap} can run.
 */
public final class Unzip {
    private Unzip() {}

    /** Lambda's limit on a function's unpacked size (code and layers): 250 MB. */
    static final long UNZIPPED_LIMIT = 250L * 1024 * 1024;

    /**
     * Unpacks {@code zip} into {@code target}, as Lambda would: entries that would land outside it (zip-slip:
     * {@code ../}, absolute paths, names that are not valid paths) and packages over 250 MB unpacked (counted as
     * written, whatever the entries claim) are refused with an {@link IOException} naming the entry or the limit. Files
     * whose Unix mode in the zip has an execute bit are made executable ({@code rwxr-xr-x}); the others keep the
     * default mode. Each file gets its entry's time (the zip's local DOS time read as UTC, Lambda's time zone), so that
     * every unpacking of a package has the same jar times, which an ahead-of-time cache checks.
     */
    public static void into(Path zip, Path target) throws IOException {
        into(zip, target, UNZIPPED_LIMIT);
    }

    static void into(Path zip, Path target, long maxBytes) throws IOException {
        Path root = target.toAbsolutePath().normalize();
        long written = 0;
        java.util.Set<String> executables = executables(zip);
        try (ZipFile file = new ZipFile(zip.toFile())) {
            for (Enumeration<? extends ZipEntry> e = file.entries(); e.hasMoreElements();) {
                ZipEntry entry = e.nextElement();
                Path out;
                try {
                    out = root.resolve(entry.getName()).normalize();
                } catch (java.nio.file.InvalidPathException bad) {
                    throw new IOException(zip + " has an entry whose name is not a valid path: \""
                            + entry.getName().replace("\u0000", "\\u0000") + "\"; refusing to unpack it", bad);
                }
                if (!out.startsWith(root) || out.equals(root) || entry.getName().startsWith("/")) {
                    throw new IOException(zip + " has an entry that escapes the task root: \"" + entry.getName()
                            + "\"; refusing to unpack it");
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                    continue;
                }
                Files.createDirectories(out.getParent());
                try (InputStream in = file.getInputStream(entry); OutputStream os = Files.newOutputStream(out,
                        java.nio.file.StandardOpenOption.CREATE_NEW)) {
                    byte[] buffer = new byte[1 << 16];
                    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                        written += n;
                        if (written > maxBytes) {
                            throw new IOException(zip + " unpacks to more than " + maxBytes / (1024 * 1024)
                                    + " MB (Lambda's limit on a function's unpacked size), reached at \""
                                    + entry.getName() + "\"; refusing to unpack the rest");
                        }
                        os.write(buffer, 0, n);
                    }
                }
                if (executables.contains(entry.getName())) {
                    Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxr-xr-x"));
                }
                if (entry.getTimeLocal() != null) {
                    Files.setLastModifiedTime(out, java.nio.file.attribute.FileTime.from(
                            entry.getTimeLocal().toInstant(java.time.ZoneOffset.UTC)));
                }
            }
        } catch (ZipException e) {
            throw new IOException(zip + " is not a valid zip: " + e.getMessage(), e);
        }
    }

    /** The names of the entries whose Unix mode has an execute bit; none if the zip records no Unix modes or cannot be read. */
    private static java.util.Set<String> executables(Path zip) throws IOException {
        java.util.Set<String> names = new java.util.HashSet<>();
        try (org.apache.commons.compress.archivers.zip.ZipFile file = org.apache.commons.compress.archivers.zip.ZipFile
                .builder().setPath(zip).get()) {
            for (Enumeration<ZipArchiveEntry> e = file.getEntries(); e.hasMoreElements();) {
                ZipArchiveEntry entry = e.nextElement();
                if (!entry.isDirectory() && entry.getPlatform() == ZipArchiveEntry.PLATFORM_UNIX
                        && (entry.getUnixMode() & 0111) != 0) {
                    names.add(entry.getName());
                }
            }
        } catch (IOException e) {
            return java.util.Set.of(); // unpacking proper says what is wrong with the zip
        }
        return names;
    }
}

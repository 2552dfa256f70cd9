package lambert.toolkit.packaging;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.function.Predicate;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;

/**
 * Deterministic zips: entries sorted by name, one fixed timestamp, fixed Unix permissions (0644, or 0755 for
 * the programs of a custom runtime), deflate at {@value #LEVEL} unless told otherwise, no extra fields. The same inputs
 * give the same bytes.
 */
final class ZipWriter {
    /** The timestamp of every entry, as local DOS time (the same fields whatever the time zone). */
    static final LocalDateTime FIXED_TIME = LocalDateTime.of(2000, 1, 1, 0, 0, 0);
    /**
     * The deflate level of a function zip's entries: the best, 9. Against zlib's default 6 it makes the
     * {@code provided.al2023} zip of the int8 export 0.18 MB smaller (its JDK, cache and ONNX Runtime library) and the
     * {@code java21} one 0.04 MB, for a few seconds more of packaging (notes/slim.md).
     */
    static final int LEVEL = java.util.zip.Deflater.BEST_COMPRESSION;

    /** Writes an item's content. */
    @FunctionalInterface
    interface Content {
        /** Writes the content to {@code out}. */
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * One file of the zip.
     *
     * @param name the entry name
     * @param size uncompressed size in bytes
     * @param content writes the bytes
     * @param mode the Unix permission bits: 0644, or 0755 for a program ({@code bootstrap}, {@code jre/bin/java})
     */
    record Item(String name, long size, Content content, int mode) {
        /** A file that is not a program (0644). */
        Item(String name, long size, Content content) {
            this(name, size, content, 0644);
        }

        /** The same item as a program (0755). */
        Item executable() {
            return new Item(name, size, content, 0755);
        }
    }

    private ZipWriter() {}

    /** An item backed by a file. */
    static Item file(String name, Path file) throws IOException {
        return new Item(name, Files.size(file), out -> Files.copy(file, out));
    }

    /**
     * Every regular file under {@code dir} (links followed), named {@code prefix} + its relative path; a file its owner
     * may execute becomes a program (0755).
     */
    static List<Item> tree(String prefix, Path dir) throws IOException {
        List<Item> items = new ArrayList<>();
        try (var files = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                Item item = file(prefix + dir.relativize(f).toString().replace(java.io.File.separatorChar, '/'), f);
                items.add(Files.getPosixFilePermissions(f).contains(
                        java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE) ? item.executable() : item);
            }
        }
        return items;
    }

    /** An item backed by bytes in memory. */
    static Item bytes(String name, byte[] content) {
        return new Item(name, content.length, out -> out.write(content));
    }

    /** An item backed by one entry of another zip. */
    static Item entry(String name, Path zip, String entryName) throws IOException {
        long size;
        try (ZipFile source = new ZipFile(zip.toFile())) {
            ZipEntry entry = source.getEntry(entryName);
            if (entry == null) {
                throw new IOException(zip.getFileName() + " has no " + entryName);
            }
            size = entry.getSize();
        }
        return new Item(name, size, out -> {
            try (ZipFile source = new ZipFile(zip.toFile());
                    InputStream in = source.getInputStream(source.getEntry(entryName))) {
                in.transferTo(out);
            }
        });
    }

    /** The bytes of one entry of a zip or jar. */
    static byte[] read(Path zip, String entryName) throws IOException {
        try (ZipFile source = new ZipFile(zip.toFile())) {
            ZipEntry entry = source.getEntry(entryName);
            if (entry == null) {
                throw new IOException(zip.getFileName() + " has no " + entryName);
            }
            try (InputStream in = source.getInputStream(entry)) {
                return in.readAllBytes();
            }
        }
    }

    /**
     * Writes the items, sorted by name, to {@code out}, a file that must exist (the caller's temp file); returns the
     * compressed size of each. The file is not created: once Ctrl-C's cleanup hook has removed it, this fails
     * rather than making it again while the JVM shuts down (which left a partial file behind).
     */
    static List<long[]> write(List<Item> items, Path out) throws IOException {
        return write(items, out, LEVEL);
    }

    /** As {@link #write(List, Path)}, at deflate level {@code level} (0 to 9). */
    static List<long[]> write(List<Item> items, Path out, int level) throws IOException {
        List<Item> sorted = new ArrayList<>(items);
        sorted.sort(Comparator.comparing(Item::name));
        List<long[]> sizes = new ArrayList<>();
        try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(Files.newByteChannel(out,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING))) {
            zip.setLevel(level);
            for (Item item : sorted) {
                ZipArchiveEntry entry = new ZipArchiveEntry(item.name());
                entry.setTimeLocal(FIXED_TIME);
                entry.setUnixMode(0100000 | item.mode());
                entry.setMethod(ZipEntry.DEFLATED);
                zip.putArchiveEntry(entry);
                item.content().writeTo(zip);
                zip.closeArchiveEntry();
                sizes.add(new long[] {item.size(), entry.getCompressedSize()});
            }
        }
        return sizes;
    }

    /**
     * A copy of a jar (or of a classes folder, as a jar) with only the entries {@code keep} accepts, stored
     * uncompressed: the function zip deflates each jar as a whole, which makes them 0.18 MB smaller zipped than jars of
     * deflated entries (0.72 against 0.89 MB for the seven jars of a WordPiece package), and the JVM reads a class
     * without inflating it.
     */
    static byte[] rewriteJar(Path source, Predicate<String> keep) throws IOException {
        List<String> names = new ArrayList<>();
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        if (Files.isDirectory(source)) {
            try (var files = Files.walk(source)) {
                files.filter(Files::isRegularFile).forEach(f -> names.add(
                        source.relativize(f).toString().replace(java.io.File.separatorChar, '/')));
            }
            names.removeIf(keep.negate());
            names.sort(null);
            try (ZipOutputStream jar = new ZipOutputStream(buffer)) {
                for (String name : names) {
                    put(jar, name, Files.readAllBytes(source.resolve(name)));
                }
            }
            return buffer.toByteArray();
        }
        try (ZipFile zip = new ZipFile(source.toFile())) {
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements();) {
                ZipEntry entry = e.nextElement();
                if (!entry.isDirectory() && keep.test(entry.getName())) {
                    names.add(entry.getName());
                }
            }
            names.sort(null);
            try (ZipOutputStream jar = new ZipOutputStream(buffer)) {
                for (String name : names) {
                    try (InputStream in = zip.getInputStream(zip.getEntry(name))) {
                        put(jar, name, in.readAllBytes());
                    }
                }
            }
        }
        return buffer.toByteArray();
    }

    private static void put(ZipOutputStream jar, String name, byte[] content) throws IOException {
        ZipEntry entry = new ZipEntry(name);
        entry.setTimeLocal(FIXED_TIME);
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(content.length);
        entry.setCompressedSize(content.length);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(content);
        entry.setCrc(crc.getValue());
        jar.putNextEntry(entry);
        jar.write(content);
        jar.closeEntry();
    }
}

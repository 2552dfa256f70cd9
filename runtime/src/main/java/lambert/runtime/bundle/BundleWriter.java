package lambert.runtime.bundle;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import lambert.base.io.PartialFiles;

/**
 * Writes a bundle folder all at once: the files are copied into a hidden staging folder next to
 * the target, hashed while they are copied, the manifest is written with those hashes, and the
 * staging folder is then renamed into place. A failure leaves no half-written bundle behind.
 *
 * <pre>{@code
 * BundleWriter.write(Path.of("out/minilm"), manifest,
 *         Map.of("model.onnx", BundleWriter.file(onnx), "tokenizer.json", BundleWriter.file(tok)), false);
 * }</pre>
 */
public final class BundleWriter {
    /** Where a bundle file's bytes come from. */
    @FunctionalInterface
    public interface Source {
        /** Opens the bytes; the writer closes the stream. */
        InputStream open() throws IOException;
    }

    private BundleWriter() {}

    /** A source reading a file on disk. */
    public static Source file(Path path) {
        return () -> Files.newInputStream(path);
    }

    /**
     * Writes the bundle.
     *
     * @param target the bundle folder to create
     * @param manifest the manifest; its hashes are replaced by those of the files written
     * @param files bundle-relative names and their sources
     * @param replace whether an existing folder at {@code target} may be replaced
     * @return the written bundle
     */
    public static ModelBundle write(Path target, Manifest manifest, Map<String, Source> files, boolean replace)
            throws IOException {
        Path absolute = target.toAbsolutePath().normalize();
        if (Files.exists(absolute) && !replace) {
            throw new FileAlreadyExistsException(absolute.toString(), null,
                    "the output folder exists; choose another or allow replacing it (--force)");
        }
        // Ctrl-C (SIGINT) runs shutdown hooks but no finally blocks: PartialFiles removes the staging folder and, if
        // the previous bundle was already moved aside, puts it back.
        try (PartialFiles partials = PartialFiles.open("lambert-bundle")) {
            Path staging = partials.folderNextTo(absolute);
            Map<String, String> sha256 = new LinkedHashMap<>();
            Map<String, String> crc32 = new LinkedHashMap<>();
            for (Map.Entry<String, Source> e : files.entrySet()) {
                Path out = staging.resolve(e.getKey()).normalize();
                if (!out.startsWith(staging)) {
                    throw new IllegalArgumentException("bundle file name escapes the bundle: " + e.getKey());
                }
                if (!out.getParent().equals(staging)) {
                    // never the staging folder itself: one the Ctrl-C hook removed is not made again
                    Files.createDirectories(out.getParent());
                }
                String[] sums = copyHashing(e.getValue(), out);
                sha256.put(e.getKey(), sums[0]);
                crc32.put(e.getKey(), sums[1]);
            }
            Files.write(staging.resolve(Manifest.FILE_NAME), manifest.withHashes(sha256, crc32).toJson());
            partials.replaceFolder(staging, absolute);
        }
        return ModelBundle.open(absolute);
    }

    /** Copies a source to a file; returns its SHA-256 and CRC32. */
    private static String[] copyHashing(Source source, Path out) throws IOException {
        MessageDigest digest = Checksums.newSha256();
        CRC32 crc = new CRC32();
        try (InputStream in = new CheckedInputStream(new DigestInputStream(source.open(), digest), crc);
                OutputStream os = Files.newOutputStream(out)) {
            in.transferTo(os);
        }
        return new String[] {HexFormat.of().formatHex(digest.digest()), Checksums.hex(crc)};
    }
}

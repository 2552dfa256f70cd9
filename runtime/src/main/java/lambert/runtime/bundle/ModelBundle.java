package lambert.runtime.bundle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A model bundle on disk: a folder with the ONNX model, {@code tokenizer.json} and a manifest,
 * either lambert's own {@code lambert.json} or one inferred from a Hugging Face-style folder.
 *
 * <p>Opening a bundle checks that the folder and the files it names exist; the file hashes and the
 * model's inputs and outputs are checked when the model is loaded ({@code lambert.runtime.Model}).
 *
 * <pre>{@code
 * ModelBundle bundle = ModelBundle.open(Path.of("build/minilm"));
 * System.out.println(bundle.manifest().task());
 * }</pre>
 *
 * @param dir the bundle folder
 * @param manifest its manifest, as written or as inferred
 * @param inferred whether the manifest was inferred from a Hugging Face folder (no hashes to check)
 */
public record ModelBundle(Path dir, Manifest manifest, boolean inferred) {

    /** Opens a lambert bundle or a Hugging Face-style folder. */
    public static ModelBundle open(Path dir) {
        PathKind kind = PathKind.of(dir);
        if (kind != PathKind.FOLDER) {
            throw new BundleException(kind == PathKind.MISSING ? "model folder " + dir + " does not exist"
                    : "model path " + dir + " " + PathKind.describe(dir) + "; expected a bundle folder (with "
                            + "lambert.json) or a Hugging Face folder (with tokenizer.json and model.onnx)");
        }
        Path manifestFile = dir.resolve(Manifest.FILE_NAME);
        PathKind manifestKind = PathKind.of(manifestFile);
        if (manifestKind != PathKind.FILE && manifestKind != PathKind.MISSING) {
            // Not read as a Hugging Face folder instead: a lambert.json that is there but unreadable is a broken bundle.
            throw new BundleException(manifestFile + " " + PathKind.describe(manifestFile) + "; expected the bundle's "
                    + "manifest, a JSON file");
        }
        ModelBundle bundle;
        if (manifestKind == PathKind.FILE) {
            byte[] json;
            try {
                json = Files.readAllBytes(manifestFile);
            } catch (IOException e) {
                throw new BundleException("cannot read " + manifestFile + ": " + e.getMessage(), e);
            }
            bundle = new ModelBundle(dir, Manifest.parse(json), false);
        } else {
            bundle = new ModelBundle(dir, HuggingFaceFolder.infer(dir), true);
        }
        bundle.requireFile(bundle.manifest.modelFile(), "model");
        bundle.requireFile(bundle.manifest.tokenizerFile(), "tokenizer");
        if (!bundle.inferred) {
            bundle.requireChecksum(bundle.manifest.modelFile(), "model");
            bundle.requireChecksum(bundle.manifest.tokenizerFile(), "tokenizer");
        }
        return bundle;
    }

    /** The ONNX model file. */
    public Path modelPath() {
        return resolveInside(manifest.modelFile());
    }

    /** The {@code tokenizer.json} file. */
    public Path tokenizerPath() {
        return resolveInside(manifest.tokenizerFile());
    }

    /**
     * Compares every file the manifest lists with its checksum: CRC32 where the manifest has one (fast,
     * see {@link Checksums}), SHA-256 otherwise.
     *
     * @return one line per file that does not match (empty when all match)
     */
    public List<String> hashMismatches() {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String> e : manifest.sha256().entrySet()) {
            Path file = resolveInside(e.getKey());
            String crc = manifest.crc32().get(e.getKey());
            try {
                String kind = crc != null ? "crc32" : "sha256";
                String expected = crc != null ? crc : e.getValue();
                String actual = crc != null ? Checksums.crc32(file) : Checksums.sha256(file);
                if (!actual.equalsIgnoreCase(expected)) {
                    problems.add(file + " does not match its hash in " + Manifest.FILE_NAME + ": expected " + kind + " "
                            + expected + ", found " + actual + " (the file was changed, truncated or damaged)");
                }
            } catch (IOException ex) {
                problems.add("cannot read " + file + " to check its hash: " + ex.getMessage());
            }
        }
        return problems;
    }

    private void requireFile(String relative, String role) {
        Path file = resolveInside(relative);
        PathKind kind = PathKind.of(file);
        if (kind != PathKind.FILE) {
            throw new BundleException("the " + role + " file " + file + " named in " + describeManifest() + " "
                    + PathKind.describe(file) + (kind == PathKind.MISSING ? "" : "; expected a regular file"));
        }
    }

    /** Refuses a manifest whose {@code sha256} (and {@code crc32}, if any) leave a file it names unchecked. */
    private void requireChecksum(String relative, String role) {
        requireListed("sha256", manifest.sha256(), relative, role);
        if (!manifest.crc32().isEmpty()) {
            requireListed("crc32", manifest.crc32(), relative, role);
        }
    }

    private void requireListed(String field, Map<String, String> sums, String relative, String role) {
        Path file = resolveInside(relative);
        boolean listed = false;
        for (String name : sums.keySet()) { // a loop, not a stream: bundles are opened in a function's INIT
            listed |= resolveInside(name).equals(file);
        }
        if (!listed) {
            throw new BundleException(Manifest.FILE_NAME + ": field \"" + field + "\" has no checksum for the " + role
                    + " file " + relative + " (it lists " + sums.keySet() + "), so that file would never be checked");
        }
    }

    private String describeManifest() {
        return inferred ? "the Hugging Face folder layout" : Manifest.FILE_NAME;
    }

    private Path resolveInside(String relative) {
        Path file;
        try {
            file = dir.resolve(relative).normalize();
        } catch (InvalidPathException e) {
            // Found by BundleFuzzTest: a NUL in a file name escaped as an unchecked exception.
            throw new BundleException(describeManifest() + " names a file that is not a valid path: \""
                    + relative.replace("\u0000", "\\u0000") + "\" (" + e.getReason() + ")", e);
        }
        if (!file.startsWith(dir.normalize())) {
            throw new BundleException(Manifest.FILE_NAME + " names a file outside the bundle folder: \"" + relative
                    + "\"");
        }
        return file;
    }
}

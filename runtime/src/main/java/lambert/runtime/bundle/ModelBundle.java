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
        if (!Files.isDirectory(dir)) {
            throw new BundleException(Files.exists(dir)
                    ? "model path " + dir + " is a file; expected a bundle folder (with lambert.json) "
                            + "or a Hugging Face folder (with tokenizer.json and model.onnx)"
                    : "model folder " + dir + " does not exist");
        }
        Path manifestFile = dir.resolve(Manifest.FILE_NAME);
        ModelBundle bundle;
        if (Files.isRegularFile(manifestFile)) {
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
        if (!Files.isRegularFile(file)) {
            throw new BundleException("the " + role + " file " + file + " named in " + describeManifest()
                    + " does not exist");
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

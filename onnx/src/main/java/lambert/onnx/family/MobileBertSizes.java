package lambert.onnx.family;

import static lambert.onnx.family.BertSizes.positive;

import lambert.onnx.checkpoint.CheckpointException;
import lambert.onnx.checkpoint.ModelConfig;

/**
 * The sizes and switches of a MobileBERT encoder, read from {@code config.json} with Hugging
 * Face's defaults for absent fields.
 *
 * @param hidden {@code hidden_size}: between layers and at the output
 * @param trueHidden {@code intra_bottleneck_size} with bottlenecks, else {@code hidden_size}: inside the layers
 * @param layers {@code num_hidden_layers}
 * @param heads {@code num_attention_heads}
 * @param intermediate {@code intermediate_size}
 * @param vocab {@code vocab_size}
 * @param positions {@code max_position_embeddings}
 * @param typeVocab {@code type_vocab_size}
 * @param eps {@code layer_norm_eps} (some of MobileBERT's LayerNorms use PyTorch's 1e-5 instead)
 * @param activation {@code hidden_act}
 * @param embedding {@code embedding_size}
 * @param trigram {@code trigram_input}
 * @param bottleneck {@code use_bottleneck}
 * @param bottleneckAttention {@code use_bottleneck_attention}
 * @param sharedKeyQuery {@code key_query_shared_bottleneck}
 * @param feedForwards {@code num_feedforward_networks}
 * @param noNorm {@code normalization_type} is {@code no_norm}
 * @param classifierActivation {@code classifier_activation}: the pooler's dense layer and tanh
 */
record MobileBertSizes(int hidden, int trueHidden, int layers, int heads, int intermediate, int vocab, int positions,
        int typeVocab, double eps, Activation activation, int embedding, boolean trigram, boolean bottleneck,
        boolean bottleneckAttention, boolean sharedKeyQuery, int feedForwards, boolean noNorm,
        boolean classifierActivation) {
    /** The epsilon of the LayerNorms Hugging Face builds without one (embeddings, layer output). */
    static final double TORCH_DEFAULT_EPS = 1e-5;

    static MobileBertSizes of(ModelConfig config) throws CheckpointException {
        int hidden = positive(config, "hidden_size", config.intOr("hidden_size", 512));
        boolean bottleneck = config.boolOr("use_bottleneck", true);
        int intra = positive(config, "intra_bottleneck_size", config.intOr("intra_bottleneck_size", 128));
        int trueHidden = bottleneck ? intra : hidden;
        int heads = positive(config, "num_attention_heads", config.intOr("num_attention_heads", 4));
        if (trueHidden % heads != 0) {
            throw new CheckpointException("config.json: the attention width " + trueHidden
                    + (bottleneck ? " (intra_bottleneck_size)" : " (hidden_size)")
                    + " should be a multiple of num_attention_heads " + heads);
        }
        String norm = config.stringOr("normalization_type", "no_norm");
        if (!norm.equals("no_norm") && !norm.equals("layer_norm")) {
            throw new CheckpointException("config.json: field \"normalization_type\" is \"" + norm
                    + "\", expected no_norm or layer_norm");
        }
        return new MobileBertSizes(hidden, trueHidden,
                positive(config, "num_hidden_layers", config.intOr("num_hidden_layers", 24)),
                heads,
                positive(config, "intermediate_size", config.intOr("intermediate_size", 512)),
                positive(config, "vocab_size", config.intOr("vocab_size", 30522)),
                positive(config, "max_position_embeddings", config.intOr("max_position_embeddings", 512)),
                positive(config, "type_vocab_size", config.intOr("type_vocab_size", 2)),
                config.doubleOr("layer_norm_eps", 1e-12),
                Activation.of("hidden_act", config.stringOr("hidden_act", "relu")),
                positive(config, "embedding_size", config.intOr("embedding_size", 128)),
                config.boolOr("trigram_input", true),
                bottleneck,
                config.boolOr("use_bottleneck_attention", false),
                config.boolOr("key_query_shared_bottleneck", true),
                positive(config, "num_feedforward_networks", config.intOr("num_feedforward_networks", 4)),
                norm.equals("no_norm"),
                config.boolOr("classifier_activation", true));
    }

    int headSize() {
        return trueHidden / heads;
    }

    /** The width of the embedding transformation's input: three embeddings with trigram input. */
    int embeddedInput() {
        return trigram ? 3 * embedding : embedding;
    }

    /** Whether the embeddings pass through {@code embedding_transformation}. */
    boolean transformsEmbeddings() {
        return trigram || embedding != hidden;
    }

    /** The input width of the value projection. */
    int valueInput() {
        return bottleneckAttention ? trueHidden : hidden;
    }
}

package lambert.onnx.family;

import lambert.onnx.checkpoint.CheckpointException;
import lambert.onnx.checkpoint.ModelConfig;

/**
 * The sizes of a BERT or RoBERTa encoder, read from {@code config.json}.
 *
 * @param hidden {@code hidden_size}
 * @param layers {@code num_hidden_layers}
 * @param heads {@code num_attention_heads}
 * @param intermediate {@code intermediate_size}
 * @param vocab {@code vocab_size}
 * @param positions {@code max_position_embeddings}
 * @param typeVocab {@code type_vocab_size}: 1 means the graph takes no {@code token_type_ids}
 * @param eps {@code layer_norm_eps}
 * @param activation {@code hidden_act}
 * @param padTokenId {@code pad_token_id}, where RoBERTa's positions start
 */
record BertSizes(int hidden, int layers, int heads, int intermediate, int vocab, int positions, int typeVocab,
        double eps, Activation activation, int padTokenId) {

    static BertSizes of(ModelConfig config, int defaultPad) throws CheckpointException {
        int hidden = positive(config, "hidden_size", config.requireInt("hidden_size"));
        int heads = positive(config, "num_attention_heads", config.requireInt("num_attention_heads"));
        if (hidden % heads != 0) {
            throw new CheckpointException("config.json: hidden_size " + hidden + " should be a multiple of num_attention_heads "
                    + heads);
        }
        String positionType = config.stringOr("position_embedding_type", "absolute");
        if (!positionType.equals("absolute")) {
            throw new CheckpointException("config.json: field \"position_embedding_type\" is \"" + positionType
                    + "\"; lambert converts absolute position embeddings only");
        }
        return new BertSizes(hidden,
                positive(config, "num_hidden_layers", config.requireInt("num_hidden_layers")),
                heads,
                positive(config, "intermediate_size", config.requireInt("intermediate_size")),
                positive(config, "vocab_size", config.requireInt("vocab_size")),
                positive(config, "max_position_embeddings", config.intOr("max_position_embeddings", 512)),
                positive(config, "type_vocab_size", config.intOr("type_vocab_size", 2)),
                config.doubleOr("layer_norm_eps", 1e-12),
                Activation.of("hidden_act", config.stringOr("hidden_act", "gelu")),
                config.intOr("pad_token_id", defaultPad));
    }

    int headSize() {
        return hidden / heads;
    }

    static int positive(ModelConfig config, String field, int value) throws CheckpointException {
        if (value <= 0) {
            throw new CheckpointException("config.json: field \"" + field + "\" should be positive, found " + value);
        }
        return value;
    }
}

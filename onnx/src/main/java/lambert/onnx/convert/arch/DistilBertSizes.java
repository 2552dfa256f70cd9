package lambert.onnx.convert.arch;

import static lambert.onnx.convert.arch.BertSizes.positive;

import lambert.onnx.convert.ConvertException;
import lambert.onnx.convert.ModelConfig;

/**
 * The sizes of a DistilBERT encoder, read from {@code config.json} under DistilBERT's own names.
 *
 * @param dim {@code dim}
 * @param layers {@code n_layers}
 * @param heads {@code n_heads}
 * @param hidden {@code hidden_dim}, the feed-forward width
 * @param vocab {@code vocab_size}
 * @param positions {@code max_position_embeddings}
 * @param activation {@code activation}
 */
record DistilBertSizes(int dim, int layers, int heads, int hidden, int vocab, int positions, Activation activation) {
    /** DistilBERT's LayerNorms all use this epsilon, whatever the config says. */
    static final double EPS = 1e-12;

    static DistilBertSizes of(ModelConfig config) throws ConvertException {
        int dim = positive(config, "dim", config.requireInt("dim"));
        int heads = positive(config, "n_heads", config.requireInt("n_heads"));
        if (dim % heads != 0) {
            throw new ConvertException("config.json: dim " + dim + " should be a multiple of n_heads " + heads);
        }
        return new DistilBertSizes(dim,
                positive(config, "n_layers", config.requireInt("n_layers")),
                heads,
                positive(config, "hidden_dim", config.requireInt("hidden_dim")),
                positive(config, "vocab_size", config.requireInt("vocab_size")),
                positive(config, "max_position_embeddings", config.intOr("max_position_embeddings", 512)),
                Activation.of("activation", config.stringOr("activation", "gelu")));
    }

    int headSize() {
        return dim / heads;
    }
}

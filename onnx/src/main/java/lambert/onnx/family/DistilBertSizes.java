package lambert.onnx.family;

import static lambert.onnx.family.BertSizes.positive;

import lambert.onnx.checkpoint.CheckpointException;
import lambert.onnx.checkpoint.ModelConfig;
import lambert.onnx.checkpoint.Tensor;

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
 * @param sinusoidal {@code sinusoidal_pos_embds}: fixed sine/cosine position embeddings
 */
record DistilBertSizes(int dim, int layers, int heads, int hidden, int vocab, int positions, Activation activation,
        boolean sinusoidal) {
    /** DistilBERT's LayerNorms all use this epsilon, whatever the config says. */
    static final double EPS = 1e-12;

    static DistilBertSizes of(ModelConfig config) throws CheckpointException {
        int dim = positive(config, "dim", config.requireInt("dim"));
        int heads = positive(config, "n_heads", config.requireInt("n_heads"));
        if (dim % heads != 0) {
            throw new CheckpointException("config.json: dim " + dim + " should be a multiple of n_heads " + heads);
        }
        return new DistilBertSizes(dim,
                positive(config, "n_layers", config.requireInt("n_layers")),
                heads,
                positive(config, "hidden_dim", config.requireInt("hidden_dim")),
                positive(config, "vocab_size", config.requireInt("vocab_size")),
                positive(config, "max_position_embeddings", config.intOr("max_position_embeddings", 512)),
                Activation.of("activation", config.stringOr("activation", "gelu")),
                config.boolOr("sinusoidal_pos_embds", false));
    }

    int headSize() {
        return dim / heads;
    }

    /**
     * The position embedding table: the checkpoint's, or, when the checkpoint leaves out a
     * sinusoidal table, the one Hugging Face would have made ({@code sin} in even columns,
     * {@code cos} in odd ones, of {@code pos / 10000^(2 (j / 2) / dim)}).
     */
    Tensor positionTable(PrefixedWeights w) throws CheckpointException {
        String name = "embeddings.position_embeddings.weight";
        if (w.hasBase(name) || !sinusoidal) {
            return w.base(name, positions, dim);
        }
        float[] table = new float[positions * dim];
        for (int pos = 0; pos < positions; pos++) {
            for (int j = 0; j < dim; j++) {
                double angle = pos / Math.pow(10000, 2.0 * (j / 2) / dim);
                table[pos * dim + j] = (float) (j % 2 == 0 ? Math.sin(angle) : Math.cos(angle));
            }
        }
        return new Tensor(w.prefix() + name, new long[] {positions, dim}, table);
    }
}

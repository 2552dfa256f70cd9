package lambert.onnx.family;

import static lambert.onnx.family.EncoderGraph.ATTENTION_MASK;
import static lambert.onnx.family.EncoderGraph.INPUT_IDS;
import static lambert.onnx.family.EncoderGraph.TOKEN_TYPE_IDS;
import static lambert.onnx.graph.GraphBuilder.attribute;

import java.util.List;
import java.util.Optional;
import lambert.onnx.checkpoint.Checkpoint;
import lambert.onnx.checkpoint.CheckpointException;
import lambert.onnx.checkpoint.ModelConfig;
import lambert.onnx.checkpoint.Tensor;
import lambert.onnx.proto.Onnx;

/**
 * MobileBERT ({@code mobilebert}), following Hugging Face's {@code modeling_mobilebert.py}:
 * narrow word embeddings ({@code embedding_size}) with trigram input (the next, the current and
 * the previous token's embeddings side by side, zero beyond the ends) projected by
 * {@code embedding_transformation} to {@code hidden_size}; NoNorm ({@code x * weight + bias}) or
 * LayerNorm per {@code normalization_type}; bottlenecks into {@code intra_bottleneck_size} for the
 * layer input and, shared, for key and query; {@code num_feedforward_networks} stacked
 * feed-forward networks; a pooler with or without dense and tanh per {@code classifier_activation}.
 *
 * <p>One deliberate difference: padding positions' word embeddings are zeroed before the trigram
 * shift, so a padded text's last real token sees zeros after it, as it does alone. Hugging Face
 * lets it see the padding token's embedding, which makes its answers depend on the batch unless
 * that row is zero; unpadded, the two agree exactly.
 */
final class MobileBertFamily implements EncoderFamily {
    @Override
    public List<String> modelTypes() {
        return List.of("mobilebert");
    }

    @Override
    public List<String> classStems() {
        return List.of("MobileBert");
    }

    @Override
    public boolean usesTokenTypes(ModelConfig config) {
        try {
            return config.intOr("type_vocab_size", 2) > 1;
        } catch (CheckpointException e) {
            return true;
        }
    }

    @Override
    public String prefix() {
        return "mobilebert.";
    }

    /**
     * As the config switches them on: the embedding transformation, bottlenecks, the shared key/query bottleneck,
     * the extra feed-forward networks, the pooler's dense layer; then the classifier.
     */
    @Override
    public void layout(ModelConfig config, Head head, String prefix, int labels, WeightLayout out)
            throws CheckpointException {
        MobileBertSizes s = MobileBertSizes.of(config);
        int h = s.hidden();
        int t = s.trueHidden();
        int in = s.intermediate();
        out.table(prefix + "embeddings.word_embeddings.weight", s.vocab(), s.embedding());
        out.table(prefix + "embeddings.position_embeddings.weight", s.positions(), h);
        out.table(prefix + "embeddings.token_type_embeddings.weight", s.typeVocab(), h);
        if (s.transformsEmbeddings()) {
            out.linear(prefix + "embeddings.embedding_transformation", h, s.embeddedInput());
        }
        out.norm(prefix + "embeddings.LayerNorm", h);
        for (int i = 0; i < s.layers(); i++) {
            String l = prefix + "encoder.layer." + i + ".";
            out.linear(l + "attention.self.query", t, t);
            out.linear(l + "attention.self.key", t, t);
            out.linear(l + "attention.self.value", t, s.valueInput());
            out.linear(l + "attention.output.dense", t, t);
            out.norm(l + "attention.output.LayerNorm", t);
            out.linear(l + "intermediate.dense", in, t);
            out.linear(l + "output.dense", t, in);
            out.norm(l + "output.LayerNorm", t);
            if (s.bottleneck()) {
                out.linear(l + "output.bottleneck.dense", h, t);
                out.norm(l + "output.bottleneck.LayerNorm", h);
                out.linear(l + "bottleneck.input.dense", t, h);
                out.norm(l + "bottleneck.input.LayerNorm", t);
                if (s.sharedKeyQuery()) {
                    out.linear(l + "bottleneck.attention.dense", t, h);
                    out.norm(l + "bottleneck.attention.LayerNorm", t);
                }
            }
            for (int f = 0; f < s.feedForwards() - 1; f++) {
                out.linear(l + "ffn." + f + ".intermediate.dense", in, t);
                out.linear(l + "ffn." + f + ".output.dense", t, in);
                out.norm(l + "ffn." + f + ".output.LayerNorm", t);
            }
        }
        if (head != Head.TOKEN_CLASSIFICATION && s.classifierActivation()) {
            out.linear(prefix + "pooler.dense", h, h);
        }
        if (head != Head.ENCODER) {
            out.linear("classifier", labels, h);
        }
    }

    @Override
    public Optional<Head> headFromWeights(Checkpoint checkpoint) throws CheckpointException {
        PrefixedWeights w = weights(checkpoint);
        if (!w.hasHead("classifier.weight")) {
            return Optional.empty();
        }
        if (w.hasBase("pooler.dense.weight")) {
            return Optional.of(Head.SEQUENCE_CLASSIFICATION);
        }
        if (MobileBertSizes.of(checkpoint.config()).classifierActivation()) {
            return Optional.of(Head.TOKEN_CLASSIFICATION);
        }
        throw new CheckpointException("config.json has no \"architectures\" and, without a pooler dense layer"
                + " (classifier_activation is false), the weights do not tell a sequence classifier from a token"
                + " classifier: ask for the head");
    }

    PrefixedWeights weights(Checkpoint checkpoint) throws CheckpointException {
        return PrefixedWeights.of(checkpoint, prefix(), "embeddings.word_embeddings.weight", "MobileBERT");
    }

    @Override
    public Onnx.Model graph(Checkpoint checkpoint, Head head, int opset) throws CheckpointException {
        MobileBertSizes s = MobileBertSizes.of(checkpoint.config());
        boolean tokenTypes = s.typeVocab() > 1;
        EncoderGraph g = EncoderGraph.create(checkpoint.config().modelType(), opset, weights(checkpoint), tokenTypes);
        PrefixedWeights w = g.weights();
        int h = s.hidden();
        int t = s.trueHidden();

        String words = g.gather(w.base("embeddings.word_embeddings.weight", s.vocab(), s.embedding()), INPUT_IDS);
        if (s.trigram()) {
            words = trigram(g, words);
        }
        if (s.transformsEmbeddings()) {
            words = g.baseLinear(words, "embeddings.embedding_transformation", s.embeddedInput(), h);
        }
        String positions = g.positionRows(w.base("embeddings.position_embeddings.weight", s.positions(), h));
        Tensor typeTable = w.base("embeddings.token_type_embeddings.weight", s.typeVocab(), h);
        String types = tokenTypes ? g.gather(typeTable, TOKEN_TYPE_IDS) : g.weight(typeTable);
        String sum = g.add("embeddings/Add_1", g.add("embeddings/Add", words, positions), types);
        String x = norm(g, s, sum, "embeddings.LayerNorm", h, MobileBertSizes.TORCH_DEFAULT_EPS);

        String maskBias = g.maskBias();
        for (int i = 0; i < s.layers(); i++) {
            String p = "encoder.layer." + i + ".";
            String query = x;
            String key = x;
            String value = x;
            String layerInput = x;
            if (s.bottleneck()) {
                layerInput = norm(g, s, g.baseLinear(x, p + "bottleneck.input.dense", h, t),
                        p + "bottleneck.input.LayerNorm", t, s.eps());
                if (s.bottleneckAttention()) {
                    query = layerInput;
                    key = layerInput;
                    value = layerInput;
                } else if (s.sharedKeyQuery()) {
                    String shared = norm(g, s, g.baseLinear(x, p + "bottleneck.attention.dense", h, t),
                            p + "bottleneck.attention.LayerNorm", t, s.eps());
                    query = shared;
                    key = shared;
                }
            }
            String q = g.baseLinear(query, p + "attention.self.query", t, t);
            String k = g.baseLinear(key, p + "attention.self.key", t, t);
            String v = g.baseLinear(value, p + "attention.self.value", s.valueInput(), t);
            String context = g.attention(q, k, v, s.heads(), s.headSize(), maskBias, p + "attention.self");
            String a = norm(g, s, g.add(p + "attention.output/Add", g.baseLinear(context, p + "attention.output.dense", t, t),
                    layerInput), p + "attention.output.LayerNorm", t, s.eps());
            for (int f = 0; f < s.feedForwards() - 1; f++) {
                String fp = p + "ffn." + f + ".";
                String inner = g.activation(g.baseLinear(a, fp + "intermediate.dense", t, s.intermediate()),
                        s.activation(), fp + "intermediate.act");
                a = norm(g, s, g.add(fp + "output/Add", g.baseLinear(inner, fp + "output.dense", s.intermediate(), t), a),
                        fp + "output.LayerNorm", t, s.eps());
            }
            String inner = g.activation(g.baseLinear(a, p + "intermediate.dense", t, s.intermediate()), s.activation(),
                    p + "intermediate.act");
            String out = norm(g, s, g.add(p + "output/Add", g.baseLinear(inner, p + "output.dense", s.intermediate(), t), a),
                    p + "output.LayerNorm", t, MobileBertSizes.TORCH_DEFAULT_EPS);
            if (s.bottleneck()) {
                out = norm(g, s, g.add(p + "output.bottleneck/Add", g.baseLinear(out, p + "output.bottleneck.dense", t, h), x),
                        p + "output.bottleneck.LayerNorm", h, s.eps());
            }
            x = out;
        }

        switch (head) {
            case ENCODER:
                return g.finish(x, head, h);
            case TOKEN_CLASSIFICATION: {
                int labels = EncoderFamily.labelCount(checkpoint.config(), checkpoint, "classifier.weight");
                return g.finish(g.headLinear(x, "classifier", h, labels), head, labels);
            }
            case SEQUENCE_CLASSIFICATION: {
                int labels = EncoderFamily.labelCount(checkpoint.config(), checkpoint, "classifier.weight");
                String pooled = g.firstToken(x);
                if (s.classifierActivation()) {
                    pooled = g.op("Tanh", "pooler/Tanh", List.of(g.baseLinear(pooled, "pooler.dense", h, h)));
                }
                return g.finish(g.headLinear(pooled, "classifier", h, labels), head, labels);
            }
            default:
                throw new IllegalStateException("unhandled head " + head);
        }
    }

    private static String norm(EncoderGraph g, MobileBertSizes s, String x, String name, int size, double eps)
            throws CheckpointException {
        return s.noNorm() ? g.baseNoNorm(x, name, size) : g.baseLayerNorm(x, name, size, eps);
    }

    /**
     * {@code [next, current, previous]} along the features: padding zeroed first, then the
     * sequence shifted by one each way with a zero row at the end it leaves.
     */
    private static String trigram(EncoderGraph g, String words) {
        String mask = g.op("Cast", "trigram/mask/Cast",
                List.of(g.op("Unsqueeze", "trigram/mask/Unsqueeze", List.of(ATTENTION_MASK, g.longs(2)))),
                attribute("to", (long) Onnx.Tensor.DataType.FLOAT.getNumber()));
        String x = g.mul("trigram/masked", words, mask);
        String next = g.op("Slice", "trigram/next/Slice", List.of(x, g.longs(1), g.longs(Long.MAX_VALUE), g.longs(1)));
        next = g.op("Pad", "trigram/next/Pad", List.of(next, g.longs(0, 0, 0, 0, 1, 0)));
        String previous = g.op("Slice", "trigram/previous/Slice", List.of(x, g.longs(0), g.longs(-1), g.longs(1)));
        previous = g.op("Pad", "trigram/previous/Pad", List.of(previous, g.longs(0, 1, 0, 0, 0, 0)));
        return g.op("Concat", "trigram/Concat", List.of(next, x, previous), attribute("axis", 2L));
    }

    @Override
    public ReferenceModel reference(Checkpoint checkpoint, Head head) throws CheckpointException {
        int labels = head == Head.ENCODER ? 0
                : EncoderFamily.labelCount(checkpoint.config(), checkpoint, "classifier.weight");
        return new MobileBertReference(head, weights(checkpoint), MobileBertSizes.of(checkpoint.config()), labels);
    }
}

package lambert.onnx.family;

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
 * BERT ({@code bert}: BERT, TinyBERT, MiniLM, bge, e5) and RoBERTa ({@code roberta},
 * {@code xlm-roberta}): the same encoder, with RoBERTa's positions counted from
 * {@code pad_token_id + 1} over the non-padding tokens and its classifier on the first token
 * without a pooler.
 */
final class BertFamily implements EncoderFamily {
    /** Where the two families differ. */
    enum Flavour {
        BERT("bert.", 0, "BERT"),
        ROBERTA("roberta.", 1, "RoBERTa");

        final String prefix;
        final int defaultPad;
        final String displayName;

        Flavour(String prefix, int defaultPad, String displayName) {
            this.prefix = prefix;
            this.defaultPad = defaultPad;
            this.displayName = displayName;
        }
    }

    private final Flavour flavour;

    BertFamily(Flavour flavour) {
        this.flavour = flavour;
    }

    @Override
    public List<String> modelTypes() {
        return flavour == Flavour.BERT ? List.of("bert") : List.of("roberta", "xlm-roberta");
    }

    @Override
    public List<String> classStems() {
        return flavour == Flavour.BERT ? List.of("Bert") : List.of("Roberta", "XLMRoberta");
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
        return flavour.prefix;
    }

    /** Embeddings, the layers, the pooler (BERT's, except for token classification) and the head. */
    @Override
    public void layout(ModelConfig config, Head head, String prefix, int labels, WeightLayout out)
            throws CheckpointException {
        BertSizes s = BertSizes.of(config, flavour.defaultPad);
        int h = s.hidden();
        out.table(prefix + "embeddings.word_embeddings.weight", s.vocab(), h);
        out.table(prefix + "embeddings.position_embeddings.weight", s.positions(), h);
        out.table(prefix + "embeddings.token_type_embeddings.weight", s.typeVocab(), h);
        out.norm(prefix + "embeddings.LayerNorm", h);
        for (int i = 0; i < s.layers(); i++) {
            String l = prefix + "encoder.layer." + i + ".";
            out.linear(l + "attention.self.query", h, h);
            out.linear(l + "attention.self.key", h, h);
            out.linear(l + "attention.self.value", h, h);
            out.linear(l + "attention.output.dense", h, h);
            out.norm(l + "attention.output.LayerNorm", h);
            out.linear(l + "intermediate.dense", s.intermediate(), h);
            out.linear(l + "output.dense", h, s.intermediate());
            out.norm(l + "output.LayerNorm", h);
        }
        if (flavour == Flavour.BERT && head != Head.TOKEN_CLASSIFICATION) {
            out.linear(prefix + "pooler.dense", h, h);
        }
        if (head == Head.SEQUENCE_CLASSIFICATION && flavour == Flavour.ROBERTA) {
            out.linear("classifier.dense", h, h);
            out.linear("classifier.out_proj", labels, h);
        } else if (head != Head.ENCODER) {
            out.linear("classifier", labels, h);
        }
    }

    @Override
    public Optional<Head> headFromWeights(Checkpoint checkpoint) throws CheckpointException {
        PrefixedWeights w = weights(checkpoint);
        if (flavour == Flavour.ROBERTA) {
            if (w.hasHead("classifier.out_proj.weight")) {
                return Optional.of(Head.SEQUENCE_CLASSIFICATION);
            }
            return w.hasHead("classifier.weight") ? Optional.of(Head.TOKEN_CLASSIFICATION) : Optional.empty();
        }
        if (!w.hasHead("classifier.weight")) {
            return Optional.empty();
        }
        return Optional.of(w.hasBase("pooler.dense.weight") ? Head.SEQUENCE_CLASSIFICATION : Head.TOKEN_CLASSIFICATION);
    }

    PrefixedWeights weights(Checkpoint checkpoint) throws CheckpointException {
        return PrefixedWeights.of(checkpoint, flavour.prefix, "embeddings.word_embeddings.weight", flavour.displayName);
    }

    /** The labels of the classifier for {@code head}. */
    int labels(Checkpoint checkpoint, Head head) throws CheckpointException {
        String weight = flavour == Flavour.ROBERTA && head == Head.SEQUENCE_CLASSIFICATION
                ? "classifier.out_proj.weight" : "classifier.weight";
        return EncoderFamily.labelCount(checkpoint.config(), checkpoint, weight);
    }

    @Override
    public Onnx.Model graph(Checkpoint checkpoint, Head head, int opset) throws CheckpointException {
        BertSizes s = BertSizes.of(checkpoint.config(), flavour.defaultPad);
        boolean tokenTypes = s.typeVocab() > 1;
        EncoderGraph g = EncoderGraph.create(checkpoint.config().modelType(), opset, weights(checkpoint), tokenTypes);
        PrefixedWeights w = g.weights();
        int h = s.hidden();

        String words = g.gather(w.base("embeddings.word_embeddings.weight", s.vocab(), h), INPUT_IDS);
        Tensor positionTable = w.base("embeddings.position_embeddings.weight", s.positions(), h);
        String positions = flavour == Flavour.ROBERTA
                ? g.gather(positionTable, robertaPositionIds(g, s.padTokenId()))
                : g.positionRows(positionTable);
        Tensor typeTable = w.base("embeddings.token_type_embeddings.weight", s.typeVocab(), h);
        String types = tokenTypes ? g.gather(typeTable, TOKEN_TYPE_IDS) : g.weight(typeTable);
        String sum = g.add("embeddings/Add_1", g.add("embeddings/Add", words, positions), types);
        String x = g.baseLayerNorm(sum, "embeddings.LayerNorm", h, s.eps());

        String maskBias = g.maskBias();
        for (int i = 0; i < s.layers(); i++) {
            String p = "encoder.layer." + i + ".";
            String q = g.baseLinear(x, p + "attention.self.query", h, h);
            String k = g.baseLinear(x, p + "attention.self.key", h, h);
            String v = g.baseLinear(x, p + "attention.self.value", h, h);
            String context = g.attention(q, k, v, s.heads(), s.headSize(), maskBias, p + "attention.self");
            String attended = g.baseLinear(context, p + "attention.output.dense", h, h);
            String x1 = g.baseLayerNorm(g.add(p + "attention.output/Add", attended, x),
                    p + "attention.output.LayerNorm", h, s.eps());
            String inner = g.activation(g.baseLinear(x1, p + "intermediate.dense", h, s.intermediate()),
                    s.activation(), p + "intermediate.act");
            String out = g.baseLinear(inner, p + "output.dense", s.intermediate(), h);
            x = g.baseLayerNorm(g.add(p + "output/Add", out, x1), p + "output.LayerNorm", h, s.eps());
        }

        switch (head) {
            case ENCODER:
                return g.finish(x, head, h);
            case TOKEN_CLASSIFICATION: {
                int labels = labels(checkpoint, head);
                return g.finish(g.headLinear(x, "classifier", h, labels), head, labels);
            }
            case SEQUENCE_CLASSIFICATION: {
                int labels = labels(checkpoint, head);
                String first = g.firstToken(x);
                String logits;
                if (flavour == Flavour.ROBERTA) {
                    String dense = g.op("Tanh", "classifier.dense/Tanh", List.of(g.headLinear(first, "classifier.dense", h, h)));
                    logits = g.headLinear(dense, "classifier.out_proj", h, labels);
                } else {
                    String pooled = g.op("Tanh", "pooler/Tanh", List.of(g.baseLinear(first, "pooler.dense", h, h)));
                    logits = g.headLinear(pooled, "classifier", h, labels);
                }
                return g.finish(logits, head, labels);
            }
            default:
                throw new IllegalStateException("unhandled head " + head);
        }
    }

    /**
     * Hugging Face's {@code create_position_ids_from_input_ids}: {@code pad + cumsum(ids != pad)}
     * over the real tokens, {@code pad} at padding.
     */
    private static String robertaPositionIds(EncoderGraph g, int pad) {
        String padId = g.longScalar(pad);
        String isPad = g.op("Equal", "position_ids/Equal", List.of(INPUT_IDS, padId));
        String notPad = g.op("Cast", "position_ids/Cast", List.of(g.op("Not", "position_ids/Not", List.of(isPad))),
                attribute("to", (long) Onnx.Tensor.DataType.INT64.getNumber()));
        String counted = g.op("CumSum", "position_ids/CumSum", List.of(notPad, g.longScalar(1)));
        return g.add("position_ids", g.mul("position_ids/Mul", counted, notPad), padId);
    }

    @Override
    public ReferenceModel reference(Checkpoint checkpoint, Head head) throws CheckpointException {
        return new BertReference(checkpoint, head, flavour, weights(checkpoint),
                BertSizes.of(checkpoint.config(), flavour.defaultPad),
                head == Head.ENCODER ? 0 : labels(checkpoint, head));
    }
}

package lambert.onnx.family;

import static lambert.onnx.family.EncoderGraph.INPUT_IDS;

import java.util.List;
import java.util.Optional;
import lambert.onnx.checkpoint.Checkpoint;
import lambert.onnx.checkpoint.CheckpointException;
import lambert.onnx.checkpoint.ModelConfig;
import lambert.onnx.proto.Onnx;

/**
 * DistilBERT ({@code distilbert}): word and position embeddings (no token types), post-norm
 * blocks ({@code q_lin}, {@code k_lin}, {@code v_lin}, {@code out_lin}, {@code sa_layer_norm},
 * {@code ffn.lin1}, {@code ffn.lin2}, {@code output_layer_norm}), LayerNorm epsilon 1e-12; the
 * sequence classifier is {@code pre_classifier}, ReLU and {@code classifier} on the first token.
 */
final class DistilBertFamily implements EncoderFamily {
    @Override
    public List<String> modelTypes() {
        return List.of("distilbert");
    }

    @Override
    public List<String> classStems() {
        return List.of("DistilBert");
    }

    @Override
    public boolean usesTokenTypes(ModelConfig config) {
        return false;
    }

    @Override
    public String prefix() {
        return "distilbert.";
    }

    /** Embeddings (word and position), the layers, {@code pre_classifier} for sequences and the classifier. */
    @Override
    public void layout(ModelConfig config, Head head, String prefix, int labels, WeightLayout out)
            throws CheckpointException {
        DistilBertSizes s = DistilBertSizes.of(config);
        int d = s.dim();
        out.table(prefix + "embeddings.word_embeddings.weight", s.vocab(), d);
        out.table(prefix + "embeddings.position_embeddings.weight", s.positions(), d);
        out.norm(prefix + "embeddings.LayerNorm", d);
        for (int i = 0; i < s.layers(); i++) {
            String l = prefix + "transformer.layer." + i + ".";
            out.linear(l + "attention.q_lin", d, d);
            out.linear(l + "attention.k_lin", d, d);
            out.linear(l + "attention.v_lin", d, d);
            out.linear(l + "attention.out_lin", d, d);
            out.norm(l + "sa_layer_norm", d);
            out.linear(l + "ffn.lin1", s.hidden(), d);
            out.linear(l + "ffn.lin2", d, s.hidden());
            out.norm(l + "output_layer_norm", d);
        }
        if (head == Head.SEQUENCE_CLASSIFICATION) {
            out.linear("pre_classifier", d, d);
        }
        if (head != Head.ENCODER) {
            out.linear("classifier", labels, d);
        }
    }

    @Override
    public Optional<Head> headFromWeights(Checkpoint checkpoint) throws CheckpointException {
        PrefixedWeights w = weights(checkpoint);
        if (w.hasHead("pre_classifier.weight")) {
            return Optional.of(Head.SEQUENCE_CLASSIFICATION);
        }
        return w.hasHead("classifier.weight") ? Optional.of(Head.TOKEN_CLASSIFICATION) : Optional.empty();
    }

    PrefixedWeights weights(Checkpoint checkpoint) throws CheckpointException {
        return PrefixedWeights.of(checkpoint, prefix(), "embeddings.word_embeddings.weight", "DistilBERT");
    }

    @Override
    public Onnx.Model graph(Checkpoint checkpoint, Head head, int opset) throws CheckpointException {
        DistilBertSizes s = DistilBertSizes.of(checkpoint.config());
        EncoderGraph g = EncoderGraph.create(checkpoint.config().modelType(), opset, weights(checkpoint), false);
        PrefixedWeights w = g.weights();
        int d = s.dim();
        double eps = DistilBertSizes.EPS;

        String words = g.gather(w.base("embeddings.word_embeddings.weight", s.vocab(), d), INPUT_IDS);
        String positions = g.positionRows(s.positionTable(w));
        String x = g.baseLayerNorm(g.add("embeddings/Add", words, positions), "embeddings.LayerNorm", d, eps);

        String maskBias = g.maskBias();
        for (int i = 0; i < s.layers(); i++) {
            String p = "transformer.layer." + i + ".";
            String q = g.baseLinear(x, p + "attention.q_lin", d, d);
            String k = g.baseLinear(x, p + "attention.k_lin", d, d);
            String v = g.baseLinear(x, p + "attention.v_lin", d, d);
            String context = g.attention(q, k, v, s.heads(), s.headSize(), maskBias, p + "attention");
            String attended = g.baseLinear(context, p + "attention.out_lin", d, d);
            String x1 = g.baseLayerNorm(g.add(p + "attention/Add", attended, x), p + "sa_layer_norm", d, eps);
            String inner = g.activation(g.baseLinear(x1, p + "ffn.lin1", d, s.hidden()), s.activation(), p + "ffn.act");
            String out = g.baseLinear(inner, p + "ffn.lin2", s.hidden(), d);
            x = g.baseLayerNorm(g.add(p + "ffn/Add", out, x1), p + "output_layer_norm", d, eps);
        }

        switch (head) {
            case ENCODER:
                return g.finish(x, head, d);
            case TOKEN_CLASSIFICATION: {
                int labels = EncoderFamily.labelCount(checkpoint.config(), checkpoint, "classifier.weight");
                return g.finish(g.headLinear(x, "classifier", d, labels), head, labels);
            }
            case SEQUENCE_CLASSIFICATION: {
                int labels = EncoderFamily.labelCount(checkpoint.config(), checkpoint, "classifier.weight");
                String pre = g.op("Relu", "pre_classifier/Relu",
                        List.of(g.headLinear(g.firstToken(x), "pre_classifier", d, d)));
                return g.finish(g.headLinear(pre, "classifier", d, labels), head, labels);
            }
            default:
                throw new IllegalStateException("unhandled head " + head);
        }
    }

    @Override
    public ReferenceModel reference(Checkpoint checkpoint, Head head) throws CheckpointException {
        int labels = head == Head.ENCODER ? 0
                : EncoderFamily.labelCount(checkpoint.config(), checkpoint, "classifier.weight");
        return new DistilBertReference(head, weights(checkpoint), DistilBertSizes.of(checkpoint.config()), labels);
    }
}

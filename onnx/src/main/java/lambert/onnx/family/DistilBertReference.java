package lambert.onnx.family;

import static lambert.onnx.family.ReferenceOps.activate;
import static lambert.onnx.family.ReferenceOps.add;
import static lambert.onnx.family.ReferenceOps.layerNorm;
import static lambert.onnx.family.ReferenceOps.linear;
import static lambert.onnx.family.ReferenceOps.postNormLayer;
import static lambert.onnx.family.ReferenceOps.rows;
import static lambert.onnx.family.ReferenceOps.toFloat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import lambert.onnx.checkpoint.CheckpointException;
import lambert.onnx.checkpoint.Tensor;

/** DistilBERT's forward pass over one unpadded sequence, in plain loops. */
final class DistilBertReference implements ReferenceModel {
    private final Head head;
    private final DistilBertSizes s;
    private final Map<String, Tensor> t = new HashMap<>();
    /** The sub-layers of {@code transformer.layer.N}, in {@link ReferenceOps#postNormLayer}'s order. */
    private static final List<String> LAYER = List.of("attention.q_lin", "attention.k_lin", "attention.v_lin",
            "attention.out_lin", "sa_layer_norm", "ffn.lin1", "ffn.lin2", "output_layer_norm");

    DistilBertReference(Head head, PrefixedWeights w, DistilBertSizes s, int labels) throws CheckpointException {
        this.head = head;
        this.s = s;
        int d = s.dim();
        t.put("word", w.base("embeddings.word_embeddings.weight", s.vocab(), d));
        t.put("position", s.positionTable(w));
        norm(w, "embeddings.LayerNorm", d);
        for (int i = 0; i < s.layers(); i++) {
            String p = "transformer.layer." + i + ".";
            for (String name : new String[] {"attention.q_lin", "attention.k_lin", "attention.v_lin", "attention.out_lin"}) {
                dense(w, p + name, d, d);
            }
            norm(w, p + "sa_layer_norm", d);
            dense(w, p + "ffn.lin1", s.hidden(), d);
            dense(w, p + "ffn.lin2", d, s.hidden());
            norm(w, p + "output_layer_norm", d);
        }
        if (head == Head.SEQUENCE_CLASSIFICATION) {
            t.put("pre_classifier.weight", w.head("pre_classifier.weight", d, d));
            t.put("pre_classifier.bias", w.head("pre_classifier.bias", d));
        }
        if (head != Head.ENCODER) {
            t.put("classifier.weight", w.head("classifier.weight", labels, d));
            t.put("classifier.bias", w.head("classifier.bias", labels));
        }
    }

    private void dense(PrefixedWeights w, String name, int out, int in) throws CheckpointException {
        t.put(name + ".weight", w.base(name + ".weight", out, in));
        t.put(name + ".bias", w.base(name + ".bias", out));
    }

    private void norm(PrefixedWeights w, String name, int size) throws CheckpointException {
        t.put(name + ".weight", w.base(name + ".weight", size));
        t.put(name + ".bias", w.base(name + ".bias", size));
    }

    private double[][] dense(double[][] x, String name) {
        return linear(x, t.get(name + ".weight"), t.get(name + ".bias"));
    }

    private double[][] norm(double[][] x, String name) {
        return layerNorm(x, t.get(name + ".weight"), t.get(name + ".bias"), DistilBertSizes.EPS);
    }

    @Override
    public float[][] forward(long[] inputIds, long[] tokenTypeIds) {
        long[] positions = new long[inputIds.length];
        for (int i = 0; i < positions.length; i++) {
            positions[i] = i;
        }
        double[][] x = norm(add(rows(t.get("word"), inputIds), rows(t.get("position"), positions)), "embeddings.LayerNorm");
        for (int i = 0; i < s.layers(); i++) {
            x = postNormLayer(x, "transformer.layer." + i + ".", LAYER, this::dense, this::norm, s.heads(),
                    s.headSize(), s.activation());
        }
        switch (head) {
            case ENCODER:
                return toFloat(x);
            case TOKEN_CLASSIFICATION:
                return toFloat(dense(x, "classifier"));
            case SEQUENCE_CLASSIFICATION: {
                double[][] pre = activate(dense(new double[][] {x[0]}, "pre_classifier"), Activation.RELU);
                return toFloat(dense(pre, "classifier"));
            }
            default:
                throw new IllegalStateException("unhandled head " + head);
        }
    }
}

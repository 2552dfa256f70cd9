package lambert.onnx.family;

import static lambert.onnx.family.ReferenceOps.add;
import static lambert.onnx.family.ReferenceOps.layerNorm;
import static lambert.onnx.family.ReferenceOps.linear;
import static lambert.onnx.family.ReferenceOps.postNormLayer;
import static lambert.onnx.family.ReferenceOps.rows;
import static lambert.onnx.family.ReferenceOps.tanh;
import static lambert.onnx.family.ReferenceOps.toFloat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import lambert.onnx.checkpoint.Checkpoint;
import lambert.onnx.checkpoint.CheckpointException;
import lambert.onnx.checkpoint.Tensor;

/** BERT's and RoBERTa's forward pass over one unpadded sequence, in plain loops. */
final class BertReference implements ReferenceModel {
    private final Head head;
    private final BertFamily.Flavour flavour;
    private final BertSizes s;
    private final int labels;
    private final Map<String, Tensor> t = new HashMap<>();
    /** The sub-layers of {@code encoder.layer.N}, in {@link ReferenceOps#postNormLayer}'s order. */
    private static final List<String> LAYER = List.of("attention.self.query", "attention.self.key",
            "attention.self.value", "attention.output.dense", "attention.output.LayerNorm", "intermediate.dense",
            "output.dense", "output.LayerNorm");

    BertReference(Checkpoint checkpoint, Head head, BertFamily.Flavour flavour, PrefixedWeights w, BertSizes s, int labels)
            throws CheckpointException {
        this.head = head;
        this.flavour = flavour;
        this.s = s;
        this.labels = labels;
        int h = s.hidden();
        base(w, "embeddings.word_embeddings.weight", s.vocab(), h);
        base(w, "embeddings.position_embeddings.weight", s.positions(), h);
        base(w, "embeddings.token_type_embeddings.weight", s.typeVocab(), h);
        base(w, "embeddings.LayerNorm.weight", h);
        base(w, "embeddings.LayerNorm.bias", h);
        for (int i = 0; i < s.layers(); i++) {
            String p = "encoder.layer." + i + ".";
            for (String name : new String[] {"attention.self.query", "attention.self.key", "attention.self.value",
                    "attention.output.dense"}) {
                base(w, p + name + ".weight", h, h);
                base(w, p + name + ".bias", h);
            }
            base(w, p + "intermediate.dense.weight", s.intermediate(), h);
            base(w, p + "intermediate.dense.bias", s.intermediate());
            base(w, p + "output.dense.weight", h, s.intermediate());
            base(w, p + "output.dense.bias", h);
            for (String norm : new String[] {"attention.output.LayerNorm", "output.LayerNorm"}) {
                base(w, p + norm + ".weight", h);
                base(w, p + norm + ".bias", h);
            }
        }
        if (head == Head.SEQUENCE_CLASSIFICATION && flavour == BertFamily.Flavour.BERT) {
            base(w, "pooler.dense.weight", h, h);
            base(w, "pooler.dense.bias", h);
            headWeight(w, "classifier.weight", labels, h);
            headWeight(w, "classifier.bias", labels);
        } else if (head == Head.SEQUENCE_CLASSIFICATION) {
            headWeight(w, "classifier.dense.weight", h, h);
            headWeight(w, "classifier.dense.bias", h);
            headWeight(w, "classifier.out_proj.weight", labels, h);
            headWeight(w, "classifier.out_proj.bias", labels);
        } else if (head == Head.TOKEN_CLASSIFICATION) {
            headWeight(w, "classifier.weight", labels, h);
            headWeight(w, "classifier.bias", labels);
        }
    }

    private void base(PrefixedWeights w, String name, long... shape) throws CheckpointException {
        t.put(name, w.base(name, shape));
    }

    private void headWeight(PrefixedWeights w, String name, long... shape) throws CheckpointException {
        t.put(name, w.head(name, shape));
    }

    private double[][] dense(double[][] x, String name) {
        return linear(x, t.get(name + ".weight"), t.get(name + ".bias"));
    }

    private double[][] norm(double[][] x, String name) {
        return layerNorm(x, t.get(name + ".weight"), t.get(name + ".bias"), s.eps());
    }

    @Override
    public float[][] forward(long[] inputIds, long[] tokenTypeIds) {
        int n = inputIds.length;
        long[] positions = new long[n];
        int counted = 0;
        for (int i = 0; i < n; i++) {
            if (flavour == BertFamily.Flavour.ROBERTA) {
                boolean real = inputIds[i] != s.padTokenId();
                counted += real ? 1 : 0;
                positions[i] = real ? s.padTokenId() + counted : s.padTokenId();
            } else {
                positions[i] = i;
            }
        }
        long[] types = s.typeVocab() > 1 && tokenTypeIds != null ? tokenTypeIds : new long[n];
        double[][] x = add(add(rows(t.get("embeddings.word_embeddings.weight"), inputIds),
                rows(t.get("embeddings.position_embeddings.weight"), positions)),
                rows(t.get("embeddings.token_type_embeddings.weight"), types));
        x = norm(x, "embeddings.LayerNorm");
        for (int i = 0; i < s.layers(); i++) {
            x = postNormLayer(x, "encoder.layer." + i + ".", LAYER, this::dense, this::norm, s.heads(), s.headSize(),
                    s.activation());
        }
        switch (head) {
            case ENCODER:
                return toFloat(x);
            case TOKEN_CLASSIFICATION:
                return toFloat(dense(x, "classifier"));
            case SEQUENCE_CLASSIFICATION: {
                double[][] first = {x[0]};
                if (flavour == BertFamily.Flavour.ROBERTA) {
                    double[][] d = {tanh(dense(first, "classifier.dense")[0])};
                    return toFloat(dense(d, "classifier.out_proj"));
                }
                double[][] pooled = {tanh(dense(first, "pooler.dense")[0])};
                return toFloat(dense(pooled, "classifier"));
            }
            default:
                throw new IllegalStateException("unhandled head " + head + " (" + labels + " labels)");
        }
    }
}

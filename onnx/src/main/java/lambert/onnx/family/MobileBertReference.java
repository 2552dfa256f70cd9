package lambert.onnx.family;

import static lambert.onnx.family.ReferenceOps.activate;
import static lambert.onnx.family.ReferenceOps.add;
import static lambert.onnx.family.ReferenceOps.attention;
import static lambert.onnx.family.ReferenceOps.layerNorm;
import static lambert.onnx.family.ReferenceOps.linear;
import static lambert.onnx.family.ReferenceOps.noNorm;
import static lambert.onnx.family.ReferenceOps.rows;
import static lambert.onnx.family.ReferenceOps.tanh;
import static lambert.onnx.family.ReferenceOps.toFloat;

import java.util.HashMap;
import java.util.Map;
import lambert.onnx.checkpoint.CheckpointException;
import lambert.onnx.checkpoint.Tensor;

/** MobileBERT's forward pass over one unpadded sequence, in plain loops. */
final class MobileBertReference implements ReferenceModel {
    private final Head head;
    private final MobileBertSizes s;
    private final Map<String, Tensor> t = new HashMap<>();

    MobileBertReference(Head head, PrefixedWeights w, MobileBertSizes s, int labels) throws CheckpointException {
        this.head = head;
        this.s = s;
        int h = s.hidden();
        int th = s.trueHidden();
        int in = s.intermediate();
        base(w, "embeddings.word_embeddings.weight", s.vocab(), s.embedding());
        base(w, "embeddings.position_embeddings.weight", s.positions(), h);
        base(w, "embeddings.token_type_embeddings.weight", s.typeVocab(), h);
        if (s.transformsEmbeddings()) {
            dense(w, "embeddings.embedding_transformation", h, s.embeddedInput());
        }
        norm(w, "embeddings.LayerNorm", h);
        for (int i = 0; i < s.layers(); i++) {
            String p = "encoder.layer." + i + ".";
            if (s.bottleneck()) {
                dense(w, p + "bottleneck.input.dense", th, h);
                norm(w, p + "bottleneck.input.LayerNorm", th);
                if (!s.bottleneckAttention() && s.sharedKeyQuery()) {
                    dense(w, p + "bottleneck.attention.dense", th, h);
                    norm(w, p + "bottleneck.attention.LayerNorm", th);
                }
            }
            dense(w, p + "attention.self.query", th, th);
            dense(w, p + "attention.self.key", th, th);
            dense(w, p + "attention.self.value", th, s.valueInput());
            dense(w, p + "attention.output.dense", th, th);
            norm(w, p + "attention.output.LayerNorm", th);
            for (int f = 0; f < s.feedForwards() - 1; f++) {
                dense(w, p + "ffn." + f + ".intermediate.dense", in, th);
                dense(w, p + "ffn." + f + ".output.dense", th, in);
                norm(w, p + "ffn." + f + ".output.LayerNorm", th);
            }
            dense(w, p + "intermediate.dense", in, th);
            dense(w, p + "output.dense", th, in);
            norm(w, p + "output.LayerNorm", th);
            if (s.bottleneck()) {
                dense(w, p + "output.bottleneck.dense", h, th);
                norm(w, p + "output.bottleneck.LayerNorm", h);
            }
        }
        if (head == Head.SEQUENCE_CLASSIFICATION && s.classifierActivation()) {
            dense(w, "pooler.dense", h, h);
        }
        if (head != Head.ENCODER) {
            t.put("classifier.weight", w.head("classifier.weight", labels, h));
            t.put("classifier.bias", w.head("classifier.bias", labels));
        }
    }

    private void base(PrefixedWeights w, String name, long... shape) throws CheckpointException {
        t.put(name, w.base(name, shape));
    }

    private void dense(PrefixedWeights w, String name, int out, int in) throws CheckpointException {
        base(w, name + ".weight", out, in);
        base(w, name + ".bias", out);
    }

    private void norm(PrefixedWeights w, String name, int size) throws CheckpointException {
        base(w, name + ".weight", size);
        base(w, name + ".bias", size);
    }

    private double[][] dense(double[][] x, String name) {
        return linear(x, t.get(name + ".weight"), t.get(name + ".bias"));
    }

    private double[][] norm(double[][] x, String name, double eps) {
        Tensor scale = t.get(name + ".weight");
        Tensor bias = t.get(name + ".bias");
        return s.noNorm() ? noNorm(x, scale, bias) : layerNorm(x, scale, bias, eps);
    }

    @Override
    public float[][] forward(long[] inputIds, long[] tokenTypeIds) {
        int n = inputIds.length;
        double[][] words = rows(t.get("embeddings.word_embeddings.weight"), inputIds);
        if (s.trigram()) {
            int e = s.embedding();
            double[][] tri = new double[n][3 * e];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < e; j++) {
                    tri[i][j] = i + 1 < n ? words[i + 1][j] : 0;
                    tri[i][e + j] = words[i][j];
                    tri[i][2 * e + j] = i > 0 ? words[i - 1][j] : 0;
                }
            }
            words = tri;
        }
        if (s.transformsEmbeddings()) {
            words = dense(words, "embeddings.embedding_transformation");
        }
        long[] positions = new long[n];
        for (int i = 0; i < n; i++) {
            positions[i] = i;
        }
        long[] types = s.typeVocab() > 1 && tokenTypeIds != null ? tokenTypeIds : new long[n];
        double[][] x = add(add(words, rows(t.get("embeddings.position_embeddings.weight"), positions)),
                rows(t.get("embeddings.token_type_embeddings.weight"), types));
        x = norm(x, "embeddings.LayerNorm", MobileBertSizes.TORCH_DEFAULT_EPS);

        for (int i = 0; i < s.layers(); i++) {
            String p = "encoder.layer." + i + ".";
            double[][] query = x;
            double[][] key = x;
            double[][] value = x;
            double[][] layerInput = x;
            if (s.bottleneck()) {
                layerInput = norm(dense(x, p + "bottleneck.input.dense"), p + "bottleneck.input.LayerNorm", s.eps());
                if (s.bottleneckAttention()) {
                    query = layerInput;
                    key = layerInput;
                    value = layerInput;
                } else if (s.sharedKeyQuery()) {
                    double[][] shared = norm(dense(x, p + "bottleneck.attention.dense"),
                            p + "bottleneck.attention.LayerNorm", s.eps());
                    query = shared;
                    key = shared;
                }
            }
            double[][] context = attention(dense(query, p + "attention.self.query"), dense(key, p + "attention.self.key"),
                    dense(value, p + "attention.self.value"), s.heads(), s.headSize());
            double[][] a = norm(add(dense(context, p + "attention.output.dense"), layerInput),
                    p + "attention.output.LayerNorm", s.eps());
            for (int f = 0; f < s.feedForwards() - 1; f++) {
                String fp = p + "ffn." + f + ".";
                double[][] inner = activate(dense(a, fp + "intermediate.dense"), s.activation());
                a = norm(add(dense(inner, fp + "output.dense"), a), fp + "output.LayerNorm", s.eps());
            }
            double[][] inner = activate(dense(a, p + "intermediate.dense"), s.activation());
            double[][] out = norm(add(dense(inner, p + "output.dense"), a), p + "output.LayerNorm",
                    MobileBertSizes.TORCH_DEFAULT_EPS);
            if (s.bottleneck()) {
                out = norm(add(dense(out, p + "output.bottleneck.dense"), x), p + "output.bottleneck.LayerNorm", s.eps());
            }
            x = out;
        }

        switch (head) {
            case ENCODER:
                return toFloat(x);
            case TOKEN_CLASSIFICATION:
                return toFloat(dense(x, "classifier"));
            case SEQUENCE_CLASSIFICATION: {
                double[][] pooled = {x[0]};
                if (s.classifierActivation()) {
                    pooled = new double[][] {tanh(dense(pooled, "pooler.dense")[0])};
                }
                return toFloat(dense(pooled, "classifier"));
            }
            default:
                throw new IllegalStateException("unhandled head " + head);
        }
    }
}

package lambert.runtime.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import lambert.onnx.graph.GraphBuilder;
import lambert.onnx.io.ModelFiles;
import lambert.onnx.proto.Onnx;
import lambert.runtime.bundle.BundleWriter;
import lambert.runtime.bundle.Manifest;
import lambert.runtime.bundle.ModelBundle;
import lambert.runtime.bundle.Pooling;
import lambert.runtime.bundle.Task;
import lambert.runtime.bundle.Version;

/**
 * Tiny classification and token-classification models that the tests build themselves with the
 * {@code onnx} module's graph builder, with their weights kept so a test can compute the expected
 * answer by hand.
 *
 * <p>Classifier: {@code logits = mean_masked(table[input_ids]) x W + b}. Tagger: {@code logits =
 * table[input_ids] x W + b} per token. Both take {@code input_ids}, {@code attention_mask} and
 * {@code token_type_ids} like a BERT export.
 *
 * @param bundle the written bundle
 * @param table the embedding table, {@code [vocab, hidden]} row-major
 * @param hidden its width
 * @param weights {@code [hidden, labels]} row-major
 * @param bias {@code [labels]}
 */
public record TinyModels(ModelBundle bundle, float[] table, int hidden, float[] weights, float[] bias) {
    private static final int OPSET = 17;

    /** Row {@code id} of the embedding table. */
    public float[] row(long id) {
        float[] out = new float[hidden];
        System.arraycopy(table, (int) id * hidden, out, 0, hidden);
        return out;
    }

    /** {@code x W + b} in double precision. */
    public double[] logits(double[] x) {
        int labels = bias.length;
        double[] out = new double[labels];
        for (int l = 0; l < labels; l++) {
            double sum = bias[l];
            for (int h = 0; h < hidden; h++) {
                sum += x[h] * weights[h * labels + l];
            }
            out[l] = sum;
        }
        return out;
    }

    /** A classifier over {@code vocab} ids with random weights from {@code seed}. */
    public static TinyModels classifier(Path dir, int vocab, List<String> labels, boolean multiLabel, long seed)
            throws IOException {
        Random random = new Random(seed);
        int hidden = 8;
        float[] table = randoms(random, vocab * hidden, 1f);
        float[] weights = randoms(random, hidden * labels.size(), 2f);
        float[] bias = randoms(random, labels.size(), 0.5f);
        GraphBuilder g = inputs("tiny-classifier", table, vocab, hidden);
        g.node("Cast", List.of("attention_mask"), "mask_f", GraphBuilder.attribute("to", 1L));
        g.initializer("axis_1", new long[] {1}, 1);
        g.initializer("axis_2", new long[] {2}, 1);
        g.node("Unsqueeze", List.of("mask_f", "axis_2"), "mask_3d");
        g.node("Mul", List.of("embedded", "mask_3d"), "masked");
        g.node("ReduceSum", List.of("masked", "axis_1"), "summed", GraphBuilder.attribute("keepdims", 0L));
        g.node("ReduceSum", List.of("mask_f", "axis_1"), "count", GraphBuilder.attribute("keepdims", 1L));
        g.node("Div", List.of("summed", "count"), "mean");
        head(g, "mean", weights, bias, hidden, labels.size());
        g.output("logits", Onnx.Tensor.DataType.FLOAT, "batch", labels.size());
        return write(dir, g.build(), Task.CLASSIFY, labels, multiLabel, vocab, table, hidden, weights, bias);
    }

    /**
     * A tagger over {@code vocab} ids whose embedding rows are one-hot on label {@code 0} except for
     * the ids in {@code forced}, which are one-hot on the label index given; {@code W} is 10 x identity.
     */
    public static TinyModels tagger(Path dir, int vocab, List<String> labels, Map<Long, Integer> forced)
            throws IOException {
        int hidden = labels.size();
        float[] table = new float[vocab * hidden];
        for (int id = 0; id < vocab; id++) {
            int label = forced.getOrDefault((long) id, 0);
            table[id * hidden + label] = 1f;
        }
        float[] weights = new float[hidden * hidden];
        for (int i = 0; i < hidden; i++) {
            weights[i * hidden + i] = 10f;
        }
        float[] bias = new float[hidden];
        GraphBuilder g = inputs("tiny-tagger", table, vocab, hidden);
        head(g, "embedded", weights, bias, hidden, hidden);
        g.output("logits", Onnx.Tensor.DataType.FLOAT, "batch", "sequence", hidden);
        return write(dir, g.build(), Task.TAG, labels, false, vocab, table, hidden, weights, bias);
    }

    private static GraphBuilder inputs(String name, float[] table, int vocab, int hidden) {
        GraphBuilder g = GraphBuilder.create(name, OPSET);
        for (String input : List.of("input_ids", "attention_mask", "token_type_ids")) {
            g.input(input, Onnx.Tensor.DataType.INT64, "batch", "sequence");
        }
        g.initializer("embeddings.word_embeddings.weight", table, vocab, hidden);
        g.node("Gather", List.of("embeddings.word_embeddings.weight", "input_ids"), "embedded");
        return g;
    }

    private static void head(GraphBuilder g, String from, float[] weights, float[] bias, int hidden, int labels) {
        g.initializer("classifier.weight", weights, hidden, labels);
        g.initializer("classifier.bias", bias, labels);
        g.node("MatMul", List.of(from, "classifier.weight"), "projected");
        g.node("Add", List.of("projected", "classifier.bias"), "logits");
    }

    private static TinyModels write(Path dir, Onnx.Model model, Task task, List<String> labels, boolean multiLabel,
            int vocab, float[] table, int hidden, float[] weights, float[] bias) throws IOException {
        Path onnx = dir.resolveSibling(dir.getFileName() + ".onnx");
        ModelFiles.write(model, onnx);
        Map<String, BundleWriter.Source> files = new LinkedHashMap<>();
        files.put("model.onnx", BundleWriter.file(onnx));
        files.put("tokenizer.json", BundleWriter.file(TestModels.tokenizer()));
        Manifest manifest = new Manifest(dir.getFileName().toString(), task, "model.onnx", "tokenizer.json", 64,
                Pooling.MEAN, false, labels, multiLabel, List.of("input_ids", "attention_mask", "token_type_ids"),
                "logits", labels.size(), 30522, "none", "none", Map.of(), Map.of(), Version.CURRENT);
        ModelBundle bundle = BundleWriter.write(dir, manifest, files, true);
        return new TinyModels(bundle, table, hidden, weights, bias);
    }

    private static float[] randoms(Random random, int count, float scale) {
        float[] out = new float[count];
        for (int i = 0; i < count; i++) {
            out[i] = (float) (random.nextGaussian() * scale);
        }
        return out;
    }
}

package lambert.onnx.family;

import java.util.LinkedHashMap;
import java.util.Map;
import lambert.onnx.checkpoint.ExpectedWeights;

/**
 * Where a family's checkpoint layout is declared to, weight by weight, in the order Hugging Face's modules hold
 * them: the same declaration gives {@code TinyCheckpoints} (the onnx test-jar) its random weights and {@link ExpectedWeights} the shapes
 * a checkpoint's headers are checked against, so the two cannot drift apart (and the tiny checkpoints, converted
 * by every test, prove the declaration is what the graphs read).
 */
interface WeightLayout {
    /** An embedding table {@code name} of {@code [rows, width]}. */
    void table(String name, int rows, int width);

    /** A Linear layer: {@code name.weight [out, in]} and {@code name.bias [out]}. */
    void linear(String name, int out, int in);

    /** A LayerNorm or NoNorm: {@code name.weight} and {@code name.bias} of {@code [size]}. */
    void norm(String name, int size);

    /** Records every declared weight's shape; {@code labels} of {@link ExpectedWeights#ANY} stay open. */
    final class Shapes implements WeightLayout {
        private final Map<String, long[]> shapes = new LinkedHashMap<>();

        @Override
        public void table(String name, int rows, int width) {
            shapes.put(name, new long[] {rows, width});
        }

        @Override
        public void linear(String name, int out, int in) {
            shapes.put(name + ".weight", new long[] {out, in});
            shapes.put(name + ".bias", new long[] {out});
        }

        @Override
        public void norm(String name, int size) {
            for (String weight : new String[] {name + ".weight", name + ".bias"}) {
                shapes.put(weight, new long[] {size});
                // read under the old name too, as PrefixedWeights finds it
                shapes.putIfAbsent(PrefixedWeights.legacyName(weight), new long[] {size});
            }
        }

        /** The weights recorded, for a family whose base model sits under {@code prefix}. */
        ExpectedWeights expected(String prefix) {
            return ExpectedWeights.of(prefix, shapes);
        }
    }
}

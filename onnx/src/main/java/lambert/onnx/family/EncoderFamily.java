package lambert.onnx.family;

import java.util.List;
import java.util.Optional;
import lambert.onnx.checkpoint.Checkpoint;
import lambert.onnx.checkpoint.CheckpointException;
import lambert.onnx.checkpoint.ExpectedWeights;
import lambert.onnx.checkpoint.ModelConfig;
import lambert.onnx.checkpoint.Tensor;

/** What {@link ModelFamilies} needs from a family beyond {@link ModelFamily}: how to recognise its heads. */
interface EncoderFamily extends ModelFamily {
    /** The class-name stems of the family in {@code architectures}: {@code Bert} for {@code BertForSequenceClassification}. */
    List<String> classStems();

    /**
     * The head the checkpoint's weights carry (classifier weights present), or empty for a bare
     * encoder; used when {@code config.json} has no {@code architectures}.
     */
    Optional<Head> headFromWeights(Checkpoint checkpoint) throws CheckpointException;

    /** The base model's prefix in checkpoints with a task head: {@code bert.} in {@code BertForSequenceClassification}. */
    String prefix();

    /**
     * Declares to {@code out}, weight by weight, what a Hugging Face checkpoint of this family with {@code config}
     * and {@code head} holds: the base model's weights under {@code prefix} (empty for a bare encoder saved by
     * sentence-transformers), the head's without it, its label dimension {@code labels} ({@link ExpectedWeights#ANY}
     * when open). The one declaration behind {@link #expectedWeights} and {@code TinyCheckpoints} (the onnx test-jar).
     */
    void layout(ModelConfig config, Head head, String prefix, int labels, WeightLayout out) throws CheckpointException;

    /** Every head's layout under {@link #prefix()}, the labels from {@code id2label} (open without it). */
    @Override
    default ExpectedWeights expectedWeights(ModelConfig config) throws CheckpointException {
        WeightLayout.Shapes shapes = new WeightLayout.Shapes();
        for (Head head : Head.values()) {
            layout(config, head, prefix(), configuredLabels(config), shapes);
        }
        return shapes.expected(prefix());
    }

    /** {@code id2label}'s size, or {@link ExpectedWeights#ANY} when the config has none (the weights tell). */
    static int configuredLabels(ModelConfig config) throws CheckpointException {
        List<String> labels = config.labels();
        return labels.isEmpty() ? (int) ExpectedWeights.ANY : labels.size();
    }

    /**
     * The number of labels: {@code id2label}'s size when the config has one, else the rows of the
     * classifier weight {@code weightName}.
     */
    static int labelCount(ModelConfig config, Checkpoint checkpoint, String weightName) throws CheckpointException {
        List<String> labels = config.labels();
        if (!labels.isEmpty()) {
            return labels.size();
        }
        Tensor t = checkpoint.weights().get(weightName);
        if (t == null || t.shape().length != 2) {
            throw new CheckpointException("a classification head needs the tensor " + weightName
                    + " [labels, hidden], found " + (t == null ? "none" : t.toString()));
        }
        return (int) t.shape()[0];
    }
}

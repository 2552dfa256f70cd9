package lambert.onnx.convert.arch;

import java.util.List;
import java.util.Optional;
import lambert.onnx.convert.Architecture;
import lambert.onnx.convert.Checkpoint;
import lambert.onnx.convert.ConvertException;
import lambert.onnx.convert.ExpectedWeights;
import lambert.onnx.convert.Head;
import lambert.onnx.convert.ModelConfig;
import lambert.onnx.convert.Tensor;

/** What {@link Architectures} needs from a family beyond {@link Architecture}: how to recognise its heads. */
interface EncoderFamily extends Architecture {
    /** The class-name stems of the family in {@code architectures}: {@code Bert} for {@code BertForSequenceClassification}. */
    List<String> classStems();

    /**
     * The head the checkpoint's weights carry (classifier weights present), or empty for a bare
     * encoder; used when {@code config.json} has no {@code architectures}.
     */
    Optional<Head> headFromWeights(Checkpoint checkpoint) throws ConvertException;

    /** {@code id2label}'s size, or {@link ExpectedWeights#ANY} when the config has none (the weights tell). */
    static int configuredLabels(ModelConfig config) throws ConvertException {
        List<String> labels = config.labels();
        return labels.isEmpty() ? (int) ExpectedWeights.ANY : labels.size();
    }

    /**
     * The number of labels: {@code id2label}'s size when the config has one, else the rows of the
     * classifier weight {@code weightName}.
     */
    static int labelCount(ModelConfig config, Checkpoint checkpoint, String weightName) throws ConvertException {
        List<String> labels = config.labels();
        if (!labels.isEmpty()) {
            return labels.size();
        }
        Tensor t = checkpoint.weights().get(weightName);
        if (t == null || t.shape().length != 2) {
            throw new ConvertException("a classification head needs the tensor " + weightName
                    + " [labels, hidden], found " + (t == null ? "none" : t.toString()));
        }
        return (int) t.shape()[0];
    }
}

package lambert.toolkit.bundling;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import lambert.onnx.checkpoint.CheckpointException;
import lambert.onnx.family.Head;
import lambert.onnx.checkpoint.ModelConfig;
import lambert.runtime.bundle.Manifest;
import lambert.runtime.bundle.Pooling;
import lambert.runtime.bundle.Task;
import lambert.runtime.bundle.Version;

/**
 * The manifest of a converted bundle, from the checkpoint's files: the task from the head, labels
 * from {@code id2label}, sigmoid scores for {@code problem_type: multi_label_classification}, the
 * maximum length from the position table, {@code tokenizer_config.json}'s {@code model_max_length}
 * and sentence-transformers' {@code max_seq_length}, and for embeddings the pooling and normalisation
 * of sentence-transformers' {@code modules.json} (its Pooling module's {@code config.json}, a
 * {@code Normalize} module).
 */
public final class ConvertedManifest {
    private ConvertedManifest() {}

    /** The task a head answers. */
    public static Task task(Head head) {
        switch (head) {
            case SEQUENCE_CLASSIFICATION:
                return Task.CLASSIFY;
            case TOKEN_CLASSIFICATION:
                return Task.TAG;
            default:
                return Task.EMBED;
        }
    }

    static Manifest compose(Path from, ModelConfig config, Head head, Pooling poolingOverride, List<String> inputs,
            int outputSize, int vocabSize) throws CheckpointException, IOException {
        Task task = task(head);
        List<String> labels = List.of();
        if (task != Task.EMBED) {
            labels = config.labels();
            if (labels.isEmpty() || labels.size() != outputSize) {
                if (!labels.isEmpty()) {
                    throw new CheckpointException("config.json: id2label names " + labels.size() + " labels but the "
                            + "classifier has " + outputSize + " outputs");
                }
                labels = new java.util.ArrayList<>();
                for (int i = 0; i < outputSize; i++) {
                    labels.add("LABEL_" + i);
                }
            }
        }
        boolean multiLabel = "multi_label_classification".equals(config.stringOr("problem_type", null));
        Pooling pooling = Pooling.MEAN;
        boolean normalize = true;
        SentenceTransformers st = SentenceTransformers.read(from);
        if (st != null) {
            pooling = st.pooling();
            normalize = st.normalize();
        }
        if (poolingOverride != null) {
            pooling = poolingOverride;
        }
        if (task == Task.EMBED && pooling == null) {
            throw new CheckpointException(st.poolingFile() + " asks for " + st.poolingMode() + " pooling; lambert pools "
                    + "mean or cls: choose one with --pooling");
        }
        String name = from.toAbsolutePath().normalize().getFileName() == null ? "model"
                : from.toAbsolutePath().normalize().getFileName().toString();
        return new Manifest(name, task, "model.onnx", "tokenizer.json", maxLength(from, config, st), pooling == null
                ? Pooling.MEAN : pooling, normalize, labels, multiLabel, inputs, head.outputName(), outputSize,
                vocabSize, "none", "none", Map.of(), Map.of(), Version.CURRENT);
    }

    private static int maxLength(Path from, ModelConfig config, SentenceTransformers st)
            throws CheckpointException, IOException {
        boolean roberta = config.stringOr("model_type", "").contains("roberta");
        int positions = config.intOr("max_position_embeddings", Manifest.MAX_POSITIONS) - (roberta ? 2 : 0);
        int max = Math.min(positions, Manifest.MAX_POSITIONS);
        Path tokenizerConfig = from.resolve("tokenizer_config.json");
        if (Files.isRegularFile(tokenizerConfig)) {
            Object tree = ModelConfig.parseJson(Files.readAllBytes(tokenizerConfig), tokenizerConfig.toString());
            if (tree instanceof Map && ((Map<?, ?>) tree).get("model_max_length") instanceof Long) {
                // transformers writes a huge number when the model sets no limit
                max = (int) Math.min(max, (Long) ((Map<?, ?>) tree).get("model_max_length"));
            }
        }
        if (st != null && st.maxSeqLength() > 0) {
            max = Math.min(max, st.maxSeqLength());
        }
        if (max < 3) {
            throw new CheckpointException("the maximum length works out at " + max + " tokens (max_position_embeddings "
                    + positions + "); a model needs at least 3");
        }
        return max;
    }
}

package lambert.runtime.bundle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import lambert.base.json.Json;
import lambert.base.json.JsonException;

/**
 * Infers a manifest from a Hugging Face-style folder: {@code tokenizer.json}, {@code model.onnx}
 * or {@code onnx/model.onnx}, and optionally {@code config.json} (architecture, {@code id2label},
 * {@code problem_type}, position count), {@code tokenizer_config.json}, and the sentence-transformers
 * files {@code sentence_bert_config.json}, {@code modules.json} and {@code 1_Pooling/config.json}.
 */
final class HuggingFaceFolder {
    private static final List<String> MODEL_FILES = List.of("model.onnx", "onnx/model.onnx");

    private HuggingFaceFolder() {}

    static Manifest infer(Path dir) {
        Path tokenizer = dir.resolve("tokenizer.json");
        if (PathKind.of(tokenizer) == PathKind.MISSING) {
            throw new BundleException("no " + Manifest.FILE_NAME + " and no tokenizer.json in " + dir
                    + ": expected a lambert bundle or a Hugging Face folder with a fast tokenizer (tokenizer.json)");
        }
        requireRegular(tokenizer);
        String modelFile = null;
        for (String candidate : MODEL_FILES) {
            if (PathKind.of(dir.resolve(candidate)) != PathKind.MISSING) {
                requireRegular(dir.resolve(candidate));
                modelFile = candidate;
                break;
            }
        }
        if (modelFile == null) {
            throw new BundleException("no ONNX model in " + dir + ": looked for " + String.join(" and ", MODEL_FILES));
        }
        JsonFields config = readOptional(dir.resolve("config.json"));

        Task task = Task.EMBED;
        List<String> labels = List.of();
        boolean multiLabel = false;
        int positions = Manifest.MAX_POSITIONS;
        if (config != null) {
            String architecture = String.join(",", config.strings("architectures"));
            if (architecture.contains("ForSequenceClassification")) {
                task = Task.CLASSIFY;
            } else if (architecture.contains("ForTokenClassification")) {
                task = Task.TAG;
            }
            if (task != Task.EMBED) {
                labels = labels(config);
            }
            multiLabel = "multi_label_classification".equals(config.string("problem_type", null));
            long maxPositions = config.integer("max_position_embeddings", Manifest.MAX_POSITIONS);
            // RoBERTa-style models reserve two positions for the padding offset.
            boolean roberta = config.string("model_type", "").contains("roberta");
            positions = (int) Math.min(maxPositions - (roberta ? 2 : 0), Manifest.MAX_POSITIONS);
        }
        int maxLength = positions;
        JsonFields tokenizerConfig = readOptional(dir.resolve("tokenizer_config.json"));
        if (tokenizerConfig != null && tokenizerConfig.raw("model_max_length") instanceof Long) {
            maxLength = (int) Math.min(maxLength, (Long) tokenizerConfig.raw("model_max_length"));
        }
        JsonFields sentenceBert = readOptional(dir.resolve("sentence_bert_config.json"));
        if (sentenceBert != null && sentenceBert.has("max_seq_length")) {
            maxLength = (int) Math.min(maxLength, sentenceBert.integer("max_seq_length", maxLength));
        }

        Pooling pooling = Pooling.MEAN;
        JsonFields poolingConfig = readOptional(dir.resolve("1_Pooling/config.json"));
        if (poolingConfig != null && poolingConfig.bool("pooling_mode_cls_token", false)) {
            pooling = Pooling.CLS;
        }
        boolean normalize = true;
        Path modules = dir.resolve("modules.json");
        if (Files.isRegularFile(modules)) {
            try {
                normalize = Files.readString(modules).contains("sentence_transformers.models.Normalize");
            } catch (IOException e) {
                throw new BundleException("cannot read " + modules + ": " + e.getMessage(), e);
            }
        }
        String quantizedOp = QuantizationScan.firstQuantizedOp(dir.resolve(modelFile));
        String quantization = quantizedOp == null ? "none" : "int8 dynamic (found " + quantizedOp + ")";
        String name = dir.toAbsolutePath().normalize().getFileName() == null
                ? "model" : dir.toAbsolutePath().normalize().getFileName().toString();
        return new Manifest(name, task, modelFile, "tokenizer.json", maxLength, pooling, normalize, labels, multiLabel,
                List.of(), null, task == Task.EMBED ? 0 : labels.size(), TokenizerVocabulary.size(
                        dir.resolve("tokenizer.json")), quantization, "none", Map.of(), Map.of(), Version.CURRENT);
    }

    private static void requireRegular(Path file) {
        if (PathKind.of(file) != PathKind.FILE) {
            throw new BundleException(file + " " + PathKind.describe(file) + "; expected a regular file");
        }
    }

    private static List<String> labels(JsonFields config) {
        JsonFields id2label = config.object("id2label");
        if (id2label == null) {
            throw new BundleException("config.json: a classification architecture needs \"id2label\" "
                    + "(one label name per output index)");
        }
        Map<Integer, String> byIndex = new TreeMap<>();
        for (String key : id2label.keys()) {
            int index;
            try {
                index = Integer.parseInt(key);
            } catch (NumberFormatException e) {
                throw new BundleException("config.json: \"id2label\" keys must be integers, found \"" + key + "\"");
            }
            byIndex.put(index, id2label.requiredString(key));
        }
        List<String> labels = new ArrayList<>(byIndex.values());
        int expected = 0;
        for (int index : byIndex.keySet()) {
            if (index != expected++) {
                throw new BundleException("config.json: \"id2label\" must number labels 0.." + (byIndex.size() - 1)
                        + " without gaps, found index " + index);
            }
        }
        return labels;
    }

    private static JsonFields readOptional(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return new JsonFields(file.getFileName().toString(), Json.parse(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new BundleException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (JsonException e) {
            throw new BundleException(file + " is " + e.getMessage(), e);
        }
    }
}

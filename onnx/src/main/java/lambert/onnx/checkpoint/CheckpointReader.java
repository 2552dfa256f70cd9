package lambert.onnx.checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a Hugging Face checkpoint folder: {@code config.json} and the weights from the first of
 * {@code model.safetensors}, {@code model.safetensors.index.json} (shards), {@code
 * pytorch_model.bin} and {@code pytorch_model.bin.index.json} that is present. Weights become
 * float32 {@link Tensor}s under their checkpoint names; integer buffers such as {@code
 * embeddings.position_ids} are skipped. Anything missing, malformed or unsafe is a {@link
 * CheckpointException} naming the folder, file and tensor.
 *
 * <pre>{@code
 * Checkpoint checkpoint = CheckpointReader.read(Path.of("all-MiniLM-L6-v2"));
 * Tensor embeddings = checkpoint.require("embeddings.word_embeddings.weight", 30522, 384);
 * }</pre>
 */
public final class CheckpointReader {
    /** The config file every checkpoint folder has. */
    public static final String CONFIG = "config.json";
    /** The weight files looked for, in order of preference. */
    public static final List<String> WEIGHT_FILES = List.of("model.safetensors", "model.safetensors.index.json",
            "pytorch_model.bin", "pytorch_model.bin.index.json");
    private static final long MAX_INDEX_BYTES = 64L * 1024 * 1024;

    private CheckpointReader() {}

    /** What an architecture reads, given the checkpoint's config ({@code ModelFamily::expectedWeights}). */
    @FunctionalInterface
    public interface Plan {
        /** The weights to read from a checkpoint with {@code config}, and their shapes. */
        ExpectedWeights expectedWeights(ModelConfig config) throws CheckpointException;
    }

    /** Reads {@code config.json} and every weight of the checkpoint in {@code dir}. */
    public static Checkpoint read(Path dir) throws CheckpointException, IOException {
        return read(dir, config -> ExpectedWeights.everything());
    }

    /**
     * Reads {@code config.json}, then the weights {@code plan} expects for it: every tensor's header is checked
     * against the expected shapes and the file before any data is read, and tensors the plan does not name are
     * skipped unread.
     *
     * <pre>{@code
     * Checkpoint checkpoint = CheckpointReader.read(dir, ModelFamilies::expectedWeights);
     * }</pre>
     */
    public static Checkpoint read(Path dir, Plan plan) throws CheckpointException, IOException {
        checkFolder(dir);
        Path config = dir.resolve(CONFIG);
        if (!Files.isRegularFile(config)) {
            throw new CheckpointException(dir + " has no " + CONFIG + ": a Hugging Face checkpoint folder needs "
                    + CONFIG + " and one of " + String.join(", ", WEIGHT_FILES));
        }
        ModelConfig modelConfig = ModelConfig.read(config);
        return new Checkpoint(modelConfig, readWeights(dir, plan.expectedWeights(modelConfig)));
    }

    /** Reads only the weights of the checkpoint in {@code dir}. */
    public static Map<String, Tensor> readWeights(Path dir) throws CheckpointException, IOException {
        return readWeights(dir, ExpectedWeights.everything());
    }

    /** Reads the weights of the checkpoint in {@code dir} that {@code expected} declares, each checked first. */
    public static Map<String, Tensor> readWeights(Path dir, ExpectedWeights expected)
            throws CheckpointException, IOException {
        checkFolder(dir);
        for (String name : WEIGHT_FILES) {
            Path file = dir.resolve(name);
            if (!Files.isRegularFile(file)) {
                continue;
            }
            switch (name) {
                case "model.safetensors":
                    return SafetensorsReader.readWeights(file, expected).tensors();
                case "pytorch_model.bin":
                    return TorchBinReader.readWeights(file, expected).tensors();
                case "model.safetensors.index.json":
                    return readSharded(file, true, expected);
                default:
                    return readSharded(file, false, expected);
            }
        }
        throw new CheckpointException(dir + " holds no weights: looked for " + String.join(", ", WEIGHT_FILES));
    }

    private static void checkFolder(Path dir) throws CheckpointException {
        if (!Files.isDirectory(dir)) {
            throw new CheckpointException(dir + " is not a folder; expected a Hugging Face checkpoint folder with "
                    + CONFIG + " and one of " + String.join(", ", WEIGHT_FILES));
        }
    }

    /** Reads the shards an index names, refusing a tensor that two shards hold. */
    private static Map<String, Tensor> readSharded(Path index, boolean safetensors, ExpectedWeights expected)
            throws CheckpointException, IOException {
        if (Files.size(index) > MAX_INDEX_BYTES) {
            throw new CheckpointException(index + " has " + Files.size(index) + " bytes; expected at most " + MAX_INDEX_BYTES);
        }
        Object tree = ModelConfig.parseJson(Files.readAllBytes(index), index.toString());
        Object weightMap = tree instanceof Map ? ((Map<?, ?>) tree).get("weight_map") : null;
        if (!(weightMap instanceof Map)) {
            throw new CheckpointException(index + ": expected an object with a \"weight_map\" object (tensor name to shard file), found "
                    + (tree instanceof Map ? ModelConfig.typeName(weightMap) + " for \"weight_map\"" : ModelConfig.typeName(tree)));
        }
        Map<String, List<String>> byShard = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : ((Map<?, ?>) weightMap).entrySet()) {
            if (!(e.getValue() instanceof String)) {
                throw new CheckpointException(index + ": weight_map[\"" + e.getKey() + "\"] should be a shard file name, found "
                        + ModelConfig.typeName(e.getValue()));
            }
            String shard = (String) e.getValue();
            if (shard.isEmpty() || shard.contains("/") || shard.contains("\\") || shard.equals(".") || shard.equals("..")) {
                throw new CheckpointException(index + ": weight_map[\"" + e.getKey() + "\"] names the shard \""
                        + StateDictUnpickler.printable(shard) + "\"; expected a file name in the same folder");
            }
            byShard.computeIfAbsent(shard, s -> new ArrayList<>()).add(String.valueOf(e.getKey()));
        }
        if (byShard.isEmpty()) {
            throw new CheckpointException(index + ": weight_map is empty");
        }
        Path dir = index.toAbsolutePath().getParent();
        for (String shard : byShard.keySet()) {
            if (!Files.isRegularFile(dir.resolve(shard))) {
                throw new CheckpointException(index + " names the shard " + shard + ", which is not in " + dir);
            }
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, String> source = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : byShard.entrySet()) {
            Path file = dir.resolve(e.getKey());
            Weights weights = safetensors ? SafetensorsReader.readWeights(file, expected)
                    : TorchBinReader.readWeights(file, expected);
            for (String name : e.getValue()) {
                if (!weights.holds(name)) {
                    throw new CheckpointException(index + " puts tensor " + name + " in " + e.getKey()
                            + ", but that shard has no such tensor");
                }
            }
            for (Tensor t : weights.tensors().values()) {
                String before = source.put(t.name(), e.getKey());
                if (before != null) {
                    throw new CheckpointException("tensor " + t.name() + " is in two shards of " + index + ": " + before
                            + " and " + e.getKey());
                }
                tensors.put(t.name(), t);
            }
        }
        return Collections.unmodifiableMap(tensors);
    }
}

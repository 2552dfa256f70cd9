package lambert.toolkit.bundling;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import lambert.onnx.checkpoint.CheckpointException;
import lambert.onnx.checkpoint.ModelConfig;
import lambert.runtime.bundle.Pooling;

/**
 * What sentence-transformers' files say about turning token vectors into a sentence vector:
 * {@code modules.json} (the Pooling module's folder, a Normalize module), the pooling module's
 * {@code config.json} and {@code sentence_bert_config.json}'s {@code max_seq_length}.
 *
 * @param pooling mean or cls; null when the pooling module asks for something else
 * @param poolingMode what the pooling module asks for, for messages
 * @param poolingFile the pooling module's config file, for messages
 * @param normalize whether a Normalize module follows
 * @param maxSeqLength {@code max_seq_length}, or 0 when absent
 */
record SentenceTransformers(Pooling pooling, String poolingMode, Path poolingFile, boolean normalize,
        int maxSeqLength) {

    /** Reads the files of {@code dir}; null when it has no {@code modules.json}. */
    static SentenceTransformers read(Path dir) throws CheckpointException, IOException {
        Path modulesFile = dir.resolve("modules.json");
        if (!Files.isRegularFile(modulesFile)) {
            return null;
        }
        Object modules = ModelConfig.parseJson(Files.readAllBytes(modulesFile), modulesFile.toString());
        if (!(modules instanceof List)) {
            throw new CheckpointException(modulesFile + ": expected an array of modules, found "
                    + ModelConfig.typeName(modules));
        }
        String poolingPath = null;
        boolean normalize = false;
        for (Object module : (List<?>) modules) {
            if (!(module instanceof Map)) {
                continue;
            }
            Object type = ((Map<?, ?>) module).get("type");
            if ("sentence_transformers.models.Pooling".equals(type)) {
                Object path = ((Map<?, ?>) module).get("path");
                poolingPath = path instanceof String ? (String) path : "1_Pooling";
            } else if ("sentence_transformers.models.Normalize".equals(type)) {
                normalize = true;
            }
        }
        Pooling pooling = Pooling.MEAN;
        String mode = "mean";
        Path poolingFile = null;
        if (poolingPath != null) {
            poolingFile = dir.resolve(poolingPath).resolve("config.json").normalize();
            if (!poolingFile.startsWith(dir.normalize())) {
                throw new CheckpointException(modulesFile + ": the pooling module's path \"" + poolingPath
                        + "\" leaves the checkpoint folder");
            }
            if (Files.isRegularFile(poolingFile)) {
                Object tree = ModelConfig.parseJson(Files.readAllBytes(poolingFile), poolingFile.toString());
                Map<?, ?> config = tree instanceof Map ? (Map<?, ?>) tree : Map.of();
                if (Boolean.TRUE.equals(config.get("pooling_mode_cls_token"))) {
                    pooling = Pooling.CLS;
                    mode = "cls";
                } else if (!Boolean.TRUE.equals(config.get("pooling_mode_mean_tokens"))) {
                    pooling = null;
                    mode = config.entrySet().stream().filter(e -> Boolean.TRUE.equals(e.getValue()))
                            .map(e -> String.valueOf(e.getKey()).replace("pooling_mode_", ""))
                            .findFirst().orElse("no");
                }
            }
        }
        int maxSeqLength = 0;
        Path sbert = dir.resolve("sentence_bert_config.json");
        if (Files.isRegularFile(sbert)) {
            Object tree = ModelConfig.parseJson(Files.readAllBytes(sbert), sbert.toString());
            if (tree instanceof Map && ((Map<?, ?>) tree).get("max_seq_length") instanceof Long) {
                maxSeqLength = (int) (long) (Long) ((Map<?, ?>) tree).get("max_seq_length");
            }
        }
        return new SentenceTransformers(pooling, mode, poolingFile, normalize, maxSeqLength);
    }
}

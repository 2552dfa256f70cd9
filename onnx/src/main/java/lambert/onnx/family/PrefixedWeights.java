package lambert.onnx.family;

import lambert.onnx.checkpoint.Checkpoint;
import lambert.onnx.checkpoint.CheckpointException;
import lambert.onnx.checkpoint.Tensor;

/**
 * A checkpoint's weights seen through the base model's prefix: {@code bert.} for
 * {@code BertFor...} checkpoints, none for a bare {@code BertModel} saved by sentence-transformers.
 * Old checkpoints that name LayerNorm parameters {@code gamma} and {@code beta} are read as
 * {@code weight} and {@code bias}, as Hugging Face does.
 */
final class PrefixedWeights {
    private final Checkpoint checkpoint;
    private final String prefix;

    private PrefixedWeights(Checkpoint checkpoint, String prefix) {
        this.checkpoint = checkpoint;
        this.prefix = prefix;
    }

    /**
     * Finds the base model's prefix: {@code prefix} when {@code prefix + probe} is present, none
     * when {@code probe} is; otherwise an error naming both.
     */
    static PrefixedWeights of(Checkpoint checkpoint, String prefix, String probe, String family) throws CheckpointException {
        if (checkpoint.has(prefix + probe)) {
            return new PrefixedWeights(checkpoint, prefix);
        }
        if (checkpoint.has(probe)) {
            return new PrefixedWeights(checkpoint, "");
        }
        throw new CheckpointException("not a " + family + " checkpoint: expected a tensor " + prefix + probe + " or "
                + probe + ", found neither among " + checkpoint.weights().size() + " tensors");
    }

    /** The prefix of the base model's weights ({@code bert.} or empty). */
    String prefix() {
        return prefix;
    }

    /** A base-model weight, {@code name} without the prefix, of exactly {@code shape}. */
    Tensor base(String name, long... shape) throws CheckpointException {
        return find(prefix + name, shape);
    }

    /** Whether the base model has a weight {@code name} (without the prefix). */
    boolean hasBase(String name) {
        return checkpoint.has(prefix + name) || checkpoint.has(legacyName(prefix + name));
    }

    /** A head weight ({@code classifier.weight}), which never carries the prefix. */
    Tensor head(String name, long... shape) throws CheckpointException {
        return find(name, shape);
    }

    /** Whether the checkpoint has head weight {@code name}. */
    boolean hasHead(String name) {
        return checkpoint.has(name);
    }

    private Tensor find(String name, long... shape) throws CheckpointException {
        if (!checkpoint.has(name)) {
            String legacy = legacyName(name);
            if (!legacy.equals(name) && checkpoint.has(legacy)) {
                return checkpoint.require(legacy, shape);
            }
        }
        return checkpoint.require(name, shape);
    }

    /** The name old checkpoints give a LayerNorm's {@code weight} and {@code bias}: {@code gamma} and {@code beta}. */
    static String legacyName(String name) {
        if (name.endsWith("LayerNorm.weight")) {
            return name.substring(0, name.length() - "weight".length()) + "gamma";
        }
        if (name.endsWith("LayerNorm.bias")) {
            return name.substring(0, name.length() - "bias".length()) + "beta";
        }
        return name;
    }
}

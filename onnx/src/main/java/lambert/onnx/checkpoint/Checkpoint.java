package lambert.onnx.checkpoint;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** A parsed {@code config.json} and the checkpoint's weights by name, all float32. */
public record Checkpoint(ModelConfig config, Map<String, Tensor> weights) {
    public Checkpoint {
        weights = Collections.unmodifiableMap(new LinkedHashMap<>(weights));
    }

    /**
     * The weight called {@code name}, which must have exactly {@code shape}; the error names the
     * tensor and both shapes (a config whose sizes disagree with the weights ends here).
     */
    public Tensor require(String name, long... shape) throws CheckpointException {
        Tensor t = weights.get(name);
        if (t == null) {
            throw new CheckpointException("the checkpoint has no tensor " + name + " (expected shape "
                    + Arrays.toString(shape) + " from config.json)");
        }
        if (!t.hasShape(shape)) {
            throw new CheckpointException("tensor " + name + " has shape " + Arrays.toString(t.shape())
                    + " but config.json implies " + Arrays.toString(shape));
        }
        return t;
    }

    /** Whether the checkpoint holds a weight called {@code name}. */
    public boolean has(String name) {
        return weights.containsKey(name);
    }
}

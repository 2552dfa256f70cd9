package lambert.onnx.family;

import lambert.onnx.checkpoint.Checkpoint;
import lambert.onnx.checkpoint.ModelConfig;
import lambert.onnx.checkpoint.ExpectedWeights;
import lambert.onnx.checkpoint.CheckpointException;
import lambert.onnx.proto.Onnx;

/**
 * One model family ({@code model_type} in {@code config.json}): builds the ONNX graph from a
 * checkpoint and the plain-Java reference forward pass that checks it.
 */
public interface ModelFamily {
    /** The {@code model_type} values this architecture handles ({@code bert}, {@code roberta}...). */
    java.util.List<String> modelTypes();

    /**
     * Every weight this architecture's graphs may read from a checkpoint with {@code config}, for any head, with the
     * shape the config gives it: what a reader checks each tensor's header against before reading any data.
     */
    ExpectedWeights expectedWeights(ModelConfig config) throws CheckpointException;

    /** Whether the graph takes {@code token_type_ids}. */
    boolean usesTokenTypes(ModelConfig config);

    /**
     * The ONNX graph: inputs {@code input_ids}, {@code attention_mask} and, where the model has
     * them, {@code token_type_ids} (int64, {@code [batch, sequence]}); one output named
     * {@link Head#outputName()}; initializers named after the checkpoint's parameters.
     */
    Onnx.Model graph(Checkpoint checkpoint, Head head, int opset) throws CheckpointException;

    /** The reference forward pass over the same checkpoint, for the equality check. */
    ReferenceModel reference(Checkpoint checkpoint, Head head) throws CheckpointException;
}

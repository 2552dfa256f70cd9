package lambert.onnx.family;

/**
 * The "original model" of the equality check: the forward pass in straightforward loops with
 * double accumulation, over one unpadded sequence.
 */
public interface ReferenceModel {
    /**
     * Runs one sequence (attention mask all ones). {@code tokenTypeIds} is ignored by models
     * without token types and may then be {@code null}. Returns {@code [sequence][hidden]} for
     * {@link Head#ENCODER}, {@code [1][labels]} for {@link Head#SEQUENCE_CLASSIFICATION} and
     * {@code [sequence][labels]} for {@link Head#TOKEN_CLASSIFICATION}.
     */
    float[][] forward(long[] inputIds, long[] tokenTypeIds);
}

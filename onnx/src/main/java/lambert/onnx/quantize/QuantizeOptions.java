package lambert.onnx.quantize;

/**
 * How {@link Quantizer} rewrites a model.
 *
 * @param perChannel one weight scale per output column of each MatMul (else one per matrix)
 * @param embeddings whether the word-embedding table becomes int8 too (one scale per row), which is most
 *     of a small model's bytes
 */
public record QuantizeOptions(boolean perChannel, boolean embeddings) {
    /** Per-channel weights and an int8 word-embedding table. */
    public static QuantizeOptions defaults() {
        return new QuantizeOptions(true, true);
    }
}

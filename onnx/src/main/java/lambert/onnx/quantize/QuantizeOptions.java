package lambert.onnx.quantize;

/**
 * How {@link Quantizer} rewrites a model.
 *
 * @param perChannel one weight scale per output column of each MatMul (else one per matrix)
 * @param embeddings whether the word-embedding table becomes int8 too (one scale per row), which is most
 *     of a small model's bytes
 * @param method which operators the int8 MatMuls use
 */
public record QuantizeOptions(boolean perChannel, boolean embeddings, Method method) {
    /** The operators an int8 MatMul becomes. */
    public enum Method {
        /** ONNX Runtime's fused {@code com.microsoft.DynamicQuantizeMatMul}. */
        CONTRIB,
        /** Standard ONNX: {@code DynamicQuantizeLinear}, {@code MatMulInteger}, {@code Cast}, {@code Mul}. */
        STANDARD
    }

    /** Per-channel weights, an int8 word-embedding table, the fused contrib operator. */
    public static QuantizeOptions defaults() {
        return new QuantizeOptions(true, true, Method.CONTRIB);
    }
}

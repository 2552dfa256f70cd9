package lambert.onnx.quantize;

/**
 * How {@link Quantizer} rewrites a model.
 *
 * @param perChannel one weight scale per output column of each MatMul (else one per matrix); the
 *     {@link Method#BLOCKWISE} method always has one scale per block of {@code blockSize} weights
 * @param embeddings whether the word-embedding table becomes int8 too (one scale per row), which is most
 *     of a small model's bytes
 * @param method which operators the int8 MatMuls use
 * @param blockSize for {@link Method#BLOCKWISE}: how many consecutive weights along the reduction axis share a
 *     scale (a power of two, at least 16)
 * @param accuracyLevel for {@link Method#BLOCKWISE}: ONNX Runtime's {@code accuracy_level} of
 *     {@code MatMulNBits}, 0 (unset) to 4 (int8 compute, activations quantised per block of each row)
 */
public record QuantizeOptions(boolean perChannel, boolean embeddings, Method method, int blockSize,
        int accuracyLevel) {
    /** The block size {@link Method#BLOCKWISE} uses unless told otherwise. */
    public static final int DEFAULT_BLOCK_SIZE = 32;
    /** The {@code accuracy_level} {@link Method#BLOCKWISE} uses unless told otherwise: int8 compute. */
    public static final int DEFAULT_ACCURACY_LEVEL = 4;

    /** The operators an int8 MatMul becomes. */
    public enum Method {
        /**
         * ONNX Runtime's fused {@code com.microsoft.DynamicQuantizeMatMul}; activations quantised with one
         * scale per call, so an answer depends on the other texts of the batch.
         */
        CONTRIB,
        /** Standard ONNX: {@code DynamicQuantizeLinear}, {@code MatMulInteger}, {@code Cast}, {@code Mul}. */
        STANDARD,
        /**
         * ONNX Runtime's {@code com.microsoft.MatMulNBits} with 8-bit weights, one scale per block of
         * {@code blockSize} weights of each output column; with {@code accuracyLevel} 4 the activations are
         * quantised per block of each row, so a text's answer does not depend on its batch mates.
         */
        BLOCKWISE,
        /**
         * ONNX Runtime's {@code com.microsoft.MatMulIntegerToFloat} on int8 weights (one scale per output
         * column) and activations quantised symmetrically with one scale per row (per token), computed in
         * standard ONNX ops ({@code Abs}, {@code ReduceMax}, {@code Div}, {@code Round}, {@code Cast}) once for
         * all MatMuls reading the same activation; a text's answer does not depend on its batch mates.
         */
        ROWWISE
    }

    /** Checks the block size and accuracy level. */
    public QuantizeOptions {
        if (method == null) {
            throw new IllegalArgumentException("method: expected CONTRIB, STANDARD, BLOCKWISE or ROWWISE, found none");
        }
        if (blockSize < 16 || Integer.bitCount(blockSize) != 1) {
            throw new IllegalArgumentException("block size: expected a power of two, at least 16, found " + blockSize);
        }
        if (accuracyLevel < 0 || accuracyLevel > 4) {
            throw new IllegalArgumentException("accuracy level: expected 0 to 4, found " + accuracyLevel);
        }
    }

    /** The given choices with the default block size and accuracy level. */
    public QuantizeOptions(boolean perChannel, boolean embeddings, Method method) {
        this(perChannel, embeddings, method, DEFAULT_BLOCK_SIZE, DEFAULT_ACCURACY_LEVEL);
    }

    /** Per-channel weights, an int8 word-embedding table, the fused contrib operator. */
    public static QuantizeOptions defaults() {
        return new QuantizeOptions(true, true, Method.CONTRIB);
    }

    /** 8-bit blockwise weights ({@link Method#BLOCKWISE}) with the given block size, int8 embeddings, int8 compute. */
    public static QuantizeOptions blockwise(int blockSize) {
        return new QuantizeOptions(true, true, Method.BLOCKWISE, blockSize, DEFAULT_ACCURACY_LEVEL);
    }
}

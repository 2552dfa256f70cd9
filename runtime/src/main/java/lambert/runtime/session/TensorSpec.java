package lambert.runtime.session;

import java.util.Arrays;

/**
 * What a model declares about one input or output: whether it is an int64 tensor, its shape, and ONNX Runtime's
 * own description of it for messages. Lets loading check a model without ONNX Runtime's types.
 *
 * @param int64 whether it is a tensor of int64 elements
 * @param shape its shape, -1 for a dynamic axis; null if it is not a tensor (a sequence or a map)
 * @param description ONNX Runtime's description, as error messages show it
 */
public record TensorSpec(boolean int64, long[] shape, String description) {
    /** Whether it is an int64 tensor of the given rank. */
    public boolean isInt64(int rank) {
        return int64 && shape != null && shape.length == rank;
    }

    /** The rank, or -1 if it is not a tensor. */
    public int rank() {
        return shape == null ? -1 : shape.length;
    }

    /** The shape as {@code [a, b]} for a tensor, ONNX Runtime's description otherwise. */
    public String shapeOrDescription() {
        return shape == null ? description : Arrays.toString(shape);
    }
}

package lambert.onnx.checkpoint;

import java.util.Arrays;

/**
 * One weight of a checkpoint as float32, row-major, under its checkpoint name
 * ({@code encoder.layer.0.attention.self.query.weight}). Linear weights keep PyTorch's
 * {@code [out, in]} layout.
 */
public record Tensor(String name, long[] shape, float[] data) {
    public Tensor {
        long count = elementCount(shape);
        if (count != data.length) {
            throw new IllegalArgumentException("tensor " + name + ": shape " + Arrays.toString(shape)
                    + " holds " + count + " values, found " + data.length);
        }
        shape = shape.clone();
    }

    /** The number of values a tensor of {@code shape} holds. */
    public static long elementCount(long[] shape) {
        long count = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            }
            count = Math.multiplyExact(count, d);
        }
        return count;
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Whether this tensor has exactly {@code expected} as its shape. */
    public boolean hasShape(long... expected) {
        return Arrays.equals(shape, expected);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}

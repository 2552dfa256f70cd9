package lambert.runtime.session;

/**
 * One model output, copied out of native memory.
 *
 * @param data the values in row-major order
 * @param shape the dimensions
 */
public record Output(float[] data, long[] shape) {}

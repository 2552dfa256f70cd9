package lambert.runtime.task;

import lambert.runtime.bundle.Pooling;

/** Turns one row of token vectors into a sentence vector. */
final class Pooler {
    private Pooler() {}

    /**
     * Pools row {@code row} of a {@code [rows, width, hidden]} output over its first {@code length}
     * tokens (the real ones; padding after them is ignored).
     */
    static float[] pool(float[] data, int row, int width, int hidden, int length, Pooling pooling, boolean normalize) {
        float[] out = new float[hidden];
        int base = row * width * hidden;
        if (pooling == Pooling.CLS) {
            System.arraycopy(data, base, out, 0, hidden);
        } else {
            double[] sum = new double[hidden];
            for (int t = 0; t < length; t++) {
                int offset = base + t * hidden;
                for (int h = 0; h < hidden; h++) {
                    sum[h] += data[offset + h];
                }
            }
            for (int h = 0; h < hidden; h++) {
                out[h] = (float) (sum[h] / Math.max(length, 1));
            }
        }
        return normalize ? normalized(out) : out;
    }

    /** Row {@code row} of an already pooled {@code [rows, hidden]} output. */
    static float[] row(float[] data, int row, int hidden, boolean normalize) {
        float[] out = new float[hidden];
        System.arraycopy(data, row * hidden, out, 0, hidden);
        return normalize ? normalized(out) : out;
    }

    private static float[] normalized(float[] v) {
        double norm = 0;
        for (float x : v) {
            norm += (double) x * x;
        }
        norm = Math.sqrt(norm);
        if (norm < 1e-12) {
            return v;
        }
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (v[i] / norm);
        }
        return v;
    }
}

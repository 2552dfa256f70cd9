package lambert.runtime.task;

/**
 * A sentence vector.
 *
 * @param vector the pooled (and, if the bundle says so, L2-normalised) vector
 * @param tokens tokens the model saw
 * @param truncated whether the text was cut
 */
public record Embedding(float[] vector, int tokens, boolean truncated) implements Prediction {
    /** Cosine similarity of two vectors of the same length. */
    public static double cosine(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("vectors differ in length: " + a.length + " and " + b.length);
        }
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}

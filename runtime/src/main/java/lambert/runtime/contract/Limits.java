package lambert.runtime.contract;

/**
 * Limits checked before any work is done.
 *
 * @param maxTexts the most texts in one request
 * @param maxInputBytes the largest request body in bytes
 */
public record Limits(int maxTexts, int maxInputBytes) {
    public Limits {
        if (maxTexts < 1 || maxInputBytes < 1) {
            throw new IllegalArgumentException("limits must be positive, found maxTexts " + maxTexts
                    + " and maxInputBytes " + maxInputBytes);
        }
    }

    /** 256 texts, 1 MiB. */
    public static Limits defaults() {
        return new Limits(256, 1 << 20);
    }
}

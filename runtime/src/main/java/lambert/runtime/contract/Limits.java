package lambert.runtime.contract;

/**
 * Limits checked before the work they guard: bytes and texts before parsing and tokenization, tokens after
 * tokenization and before any inference.
 *
 * @param maxTexts the most texts in one request
 * @param maxInputBytes the largest request body in bytes
 * @param maxTokens the most tokens (after truncation) all texts of one request may have
 */
public record Limits(int maxTexts, int maxInputBytes, int maxTokens) {
    /** Tokens allowed per MB of memory by {@link #forMemory}: about 200 bytes of Java-side state per token. */
    public static final int TOKENS_PER_MB = 256;

    public Limits {
        if (maxTexts < 1 || maxInputBytes < 1 || maxTokens < 1) {
            throw new IllegalArgumentException("limits must be positive, found maxTexts " + maxTexts
                    + ", maxInputBytes " + maxInputBytes + " and maxTokens " + maxTokens);
        }
    }

    /** Texts and bytes only, no token limit. */
    public Limits(int maxTexts, int maxInputBytes) {
        this(maxTexts, maxInputBytes, Integer.MAX_VALUE);
    }

    /** 256 texts, 1 MiB, no token limit. */
    public static Limits defaults() {
        return new Limits(256, 1 << 20);
    }

    /** The token limit for a function with {@code memoryMb} of memory: {@value #TOKENS_PER_MB} tokens per MB. */
    public static int tokensForMemory(int memoryMb) {
        return (int) Math.min(Integer.MAX_VALUE, (long) memoryMb * TOKENS_PER_MB);
    }
}

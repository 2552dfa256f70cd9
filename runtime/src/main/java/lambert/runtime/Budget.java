package lambert.runtime;

import java.util.function.LongSupplier;

/**
 * What one {@link Model#predict(java.util.List, lambert.runtime.task.Parameters, Budget) predict} call may spend:
 * a total token count (checked after tokenization, before any inference) and a deadline (checked before each
 * micro-batch starts). A call over its tokens fails with {@link lambert.runtime.task.TooManyTokensException}; a
 * call whose remaining time falls below the margin stops starting micro-batches and fails with
 * {@link lambert.runtime.task.DeadlineExceededException}, so the function answers a clear error instead of being
 * cut off by Lambda's timeout in the middle of the work.
 *
 * <pre>{@code
 * Budget budget = new Budget(65_536, context::getRemainingTimeInMillis, 500);
 * model.predict(texts, Parameters.defaults(), budget);
 * }</pre>
 *
 * @param maxTokens the most tokens (after truncation, special tokens included) all texts of one call may have
 * @param remainingMillis the time left before the caller's deadline (Lambda's
 *     {@code Context.getRemainingTimeInMillis}); null for no deadline
 * @param marginMillis no micro-batch starts with less than this left
 */
public record Budget(int maxTokens, LongSupplier remainingMillis, long marginMillis) {
    public Budget {
        if (maxTokens < 1 || marginMillis < 0) {
            throw new IllegalArgumentException("a budget needs maxTokens >= 1 and marginMillis >= 0, found "
                    + maxTokens + " and " + marginMillis);
        }
    }

    /** No token limit and no deadline. */
    public static Budget unlimited() {
        return new Budget(Integer.MAX_VALUE, null, 0);
    }

    /** The same token limit with a deadline. */
    public Budget withDeadline(LongSupplier remainingMillis, long marginMillis) {
        return new Budget(maxTokens, remainingMillis, marginMillis);
    }

    /** Whether a micro-batch may still start: no deadline, or more than the margin left. */
    boolean mayStart() {
        return remainingMillis == null || remainingMillis.getAsLong() > marginMillis;
    }

    /** The time left, or -1 without a deadline. */
    long remaining() {
        return remainingMillis == null ? -1 : remainingMillis.getAsLong();
    }
}

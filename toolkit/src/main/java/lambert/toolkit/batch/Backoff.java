package lambert.toolkit.batch;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"): before retry
 * {@code n} (from 1) wait a uniformly random time between 0 and {@code min(cap, base * 2^(n-1))}.
 *
 * @param base the ceiling of the first wait
 * @param cap the largest ceiling
 * @param attempts the most attempts in all (the first one included) before the run gives up
 */
public record Backoff(Duration base, Duration cap, int attempts) {
    public Backoff {
        if (base.isNegative() || cap.compareTo(base) < 0 || attempts < 1) {
            throw new IllegalArgumentException("backoff needs 0 <= base <= cap and at least 1 attempt, found base "
                    + base + ", cap " + cap + ", attempts " + attempts);
        }
    }

    /** 100 ms doubling up to 20 s, 10 attempts (about a minute and a half of waiting at most). */
    public static Backoff defaults() {
        return new Backoff(Duration.ofMillis(100), Duration.ofSeconds(20), 10);
    }

    /** The ceiling of the wait before retry {@code retry} (from 1). */
    public long ceilingMillis(int retry) {
        long ceiling = base.toMillis() << Math.min(30, retry - 1);
        return Math.min(cap.toMillis(), ceiling < 0 ? Long.MAX_VALUE : ceiling);
    }

    /** A random wait before retry {@code retry}: uniform in [0, {@link #ceilingMillis}]. */
    public long delayMillis(int retry) {
        return ThreadLocalRandom.current().nextLong(ceilingMillis(retry) + 1);
    }
}

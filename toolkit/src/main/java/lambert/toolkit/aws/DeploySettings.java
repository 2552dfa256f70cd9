package lambert.toolkit.aws;

import java.time.Duration;

/**
 * The limits and pacing of a deploy: AWS's real ones by default ({@link #AWS}); tests pass smaller
 * figures and a pause that does not sleep, so they run in milliseconds.
 *
 * @param inlineLimitBytes the largest zip sent in the request itself (Lambda's limit: 50 MB); larger
 *     zips go through S3
 * @param partSizeBytes the part size of an S3 multipart upload (S3's minimum is 5 MB); smaller zips
 *     are sent with one PutObject
 * @param firstPoll the first pause between two polls of the function's state; it grows 1.5 times per
 *     poll up to five seconds
 * @param waitLimit how long to wait for the function to become Active or its update to end
 * @param pause how to wait
 */
public record DeploySettings(long inlineLimitBytes, long partSizeBytes, Duration firstPoll, Duration waitLimit,
        Pause pause) {
    /** AWS's limits, real pauses. */
    public static final DeploySettings AWS = new DeploySettings(50L * 1024 * 1024, 16L * 1024 * 1024,
            Duration.ofMillis(500), Duration.ofMinutes(10), d -> Thread.sleep(d.toMillis()));

    /** Waiting between polls and retries. */
    @FunctionalInterface
    public interface Pause {
        /** Waits for {@code duration}. */
        void sleep(Duration duration) throws InterruptedException;
    }
}

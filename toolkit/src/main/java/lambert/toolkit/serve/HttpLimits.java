package lambert.toolkit.serve;

import java.time.Duration;

/**
 * What {@link JsonHttpServer} allows a client.
 *
 * @param maxHeadBytes the longest request head (request line and header fields; also the trailer of a chunked
 *     body); longer is answered 431
 * @param maxBodyBytes the largest request body, counted while it is read (Content-Length and chunked alike);
 *     larger is answered 413 as soon as it is known
 * @param headTimeout the longest a request head may take from its first byte (on a new connection: from the
 *     connection's start); slower is answered 408
 * @param bodyTimeout the longest a request body may take once its head is read; slower is answered 408
 * @param idleTimeout how long a kept-alive connection may wait for its next request before it is closed
 * @param writeTimeout the longest an answer may take to be written (a client that does not read is cut)
 * @param maxConnections the most connections held at once; past it, new ones wait in the listen queue until one
 *     closes
 */
public record HttpLimits(int maxHeadBytes, int maxBodyBytes, Duration headTimeout, Duration bodyTimeout,
        Duration idleTimeout, Duration writeTimeout, int maxConnections) {
    /** The longest request head by default: 16 KiB. */
    public static final int DEFAULT_MAX_HEAD_BYTES = 16 * 1024;

    public HttpLimits {
        if (maxHeadBytes < 256) {
            throw new IllegalArgumentException("maxHeadBytes must be at least 256, found " + maxHeadBytes);
        }
        if (maxBodyBytes < 1) {
            throw new IllegalArgumentException("maxBodyBytes must be positive, found " + maxBodyBytes);
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be positive, found " + maxConnections);
        }
        positive("headTimeout", headTimeout);
        positive("bodyTimeout", bodyTimeout);
        positive("idleTimeout", idleTimeout);
        positive("writeTimeout", writeTimeout);
    }

    /**
     * The defaults for a body limit: 16 KiB heads, 10 s for a head, 30 s for a body, 30 s idle, 30 s to write an
     * answer, 128 connections.
     */
    public static HttpLimits defaults(int maxBodyBytes) {
        return new HttpLimits(DEFAULT_MAX_HEAD_BYTES, maxBodyBytes, Duration.ofSeconds(10), Duration.ofSeconds(30),
                Duration.ofSeconds(30), Duration.ofSeconds(30), 128);
    }

    /** These limits with other head, body and idle timeouts. */
    public HttpLimits withTimeouts(Duration head, Duration body, Duration idle) {
        return new HttpLimits(maxHeadBytes, maxBodyBytes, head, body, idle, writeTimeout, maxConnections);
    }

    /** These limits with another connection bound. */
    public HttpLimits withMaxConnections(int connections) {
        return new HttpLimits(maxHeadBytes, maxBodyBytes, headTimeout, bodyTimeout, idleTimeout, writeTimeout,
                connections);
    }

    private static void positive(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive duration, found " + d);
        }
    }
}

package lambert.runtime;

import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Guards an object that holds native memory: calls ({@link #enter()} ... {@link #exit()}) run side by side,
 * {@link #close(Runnable)} waits for the calls under way and then releases once, and a call after close is refused.
 * Without it, closing could free a native tokenizer or session under a running call.
 */
final class Lifecycle {
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final String closedMessage;
    private volatile boolean closed;

    /** @param closedMessage what a call after close is told, e.g. {@code "the model is closed"} */
    Lifecycle(String closedMessage) {
        this.closedMessage = closedMessage;
    }

    /**
     * Starts a call unless closed; {@link #close(Runnable)} waits for it to end. Every successful {@code enter()}
     * must be followed by exactly one {@link #exit()}, in a {@code finally} block. (A pair of calls, not a method
     * that takes a lambda: the function's first request links each lambda it meets at run time, see
     * docs/cold-start.md.)
     *
     * @throws IllegalStateException once closed (and then no {@code exit()} is due)
     */
    void enter() {
        lock.readLock().lock();
        if (closed) {
            lock.readLock().unlock();
            throw new IllegalStateException(closedMessage);
        }
    }

    /** Ends a call started by {@link #enter()}. */
    void exit() {
        lock.readLock().unlock();
    }

    /** Waits for the calls under way, then runs {@code release}, the first time only. */
    void close(Runnable release) {
        lock.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                release.run();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }
}

package lambert.runtime;

import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * Guards an object that holds native memory: calls run side by side, {@link #close(Runnable)} waits for the calls
 * under way and then releases once, and a call after close is refused. Without it, closing could free a native
 * tokenizer or session under a running call.
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
     * Runs {@code call} unless closed; close waits for it to return.
     *
     * @throws IllegalStateException once closed
     */
    <T> T call(Supplier<T> call) {
        lock.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException(closedMessage);
            }
            return call.get();
        } finally {
            lock.readLock().unlock();
        }
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

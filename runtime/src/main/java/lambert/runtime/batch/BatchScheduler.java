package lambert.runtime.batch;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Runs the micro-batches of one call: the calling thread works through them, with up to {@code parallel - 1}
 * helper threads from a pool created on first use; a gate decides before each micro-batch whether it may still
 * start. The call returns only once every helper has stopped, even when a micro-batch fails or the gate stops
 * the call, so that nothing a batch uses is still in use after it returns. Thread-safe; close it to stop the
 * helper threads.
 *
 * <pre>{@code
 * try (BatchScheduler scheduler = new BatchScheduler()) {
 *     scheduler.run(batches.size(), 2, (finished, total) -> {}, b -> runBatch(batches.get(b)));
 * }
 * }</pre>
 */
public final class BatchScheduler implements AutoCloseable {
    /** Decides, before a micro-batch starts, whether it may: it throws to stop the call. */
    @FunctionalInterface
    public interface Gate {
        /**
         * @param finished micro-batches done so far
         * @param total micro-batches in the call
         * @throws RuntimeException to stop the call; no other micro-batch starts after it
         */
        void check(int finished, int total);
    }

    private ExecutorService pool;

    /**
     * Runs micro-batches {@code 0 .. total - 1}, each exactly once unless the gate or a failure stops the call.
     *
     * @param parallel how many micro-batches may run at once, the calling thread's included
     * @throws RuntimeException the first failure of a micro-batch or of the gate, after every helper has stopped
     */
    public void run(int total, int parallel, Gate gate, IntConsumer batch) {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();
        Runnable worker = () -> {
            for (int b = next.getAndIncrement(); b < total; b = next.getAndIncrement()) {
                try {
                    gate.check(finished.get(), total);
                } catch (RuntimeException e) {
                    next.set(total); // no other worker starts one either
                    throw e;
                }
                batch.accept(b);
                finished.incrementAndGet();
            }
        };
        int helpers = Math.min(parallel, total) - 1;
        List<Future<?>> running = new ArrayList<>(Math.max(helpers, 0));
        for (int i = 0; i < helpers; i++) {
            running.add(pool(parallel - 1).submit(worker));
        }
        // Every helper is awaited even when a batch fails or the gate stops the call, so that no helper still
        // works once this call has returned.
        RuntimeException failure = null;
        try {
            worker.run();
        } catch (RuntimeException e) {
            next.set(total);
            failure = e;
        }
        for (Future<?> f : running) {
            try {
                await(f);
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static void await(Future<?> future) {
        try {
            future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a micro-batch", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException) {
                throw (RuntimeException) e.getCause();
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** The helper threads, created on first use. */
    private synchronized ExecutorService pool(int threads) {
        if (pool == null) {
            pool = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "lambert-batch");
                t.setDaemon(true);
                return t;
            });
        }
        return pool;
    }

    /** Stops the helper threads; calling it again does nothing. */
    @Override
    public synchronized void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}

package lambert.runtime.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** The scheduler of one call's micro-batches: each once, stopped by its gate, never returning with a helper busy. */
class BatchSchedulerTest {
    @Test
    void run_runsEveryBatchExactlyOnce() {
        AtomicIntegerArray runs = new AtomicIntegerArray(97);
        try (BatchScheduler scheduler = new BatchScheduler()) {
            for (int call = 0; call < 3; call++) { // the pool is reused across calls
                scheduler.run(97, 4, (finished, total) -> {}, runs::incrementAndGet);
            }
        }
        for (int b = 0; b < 97; b++) {
            assertThat(runs.get(b)).as("batch %d", b).isEqualTo(3);
        }
    }

    @Test
    void run_usesHelperThreadsUpToParallel() throws Exception {
        // Two batches that each wait for the other to start can only finish if they run on two threads at once.
        CountDownLatch both = new CountDownLatch(2);
        AtomicInteger done = new AtomicInteger();
        try (BatchScheduler scheduler = new BatchScheduler()) {
            scheduler.run(2, 2, (finished, total) -> {}, b -> {
                both.countDown();
                try {
                    both.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                done.incrementAndGet();
            });
        }
        assertThat(done.get()).isEqualTo(2);
    }

    @Test
    void run_gateStopsTheCallAndNoBatchStartsAfterIt() {
        AtomicInteger started = new AtomicInteger();
        AtomicInteger gateCalls = new AtomicInteger();
        try (BatchScheduler scheduler = new BatchScheduler()) {
            assertThatThrownBy(() -> scheduler.run(50, 1, (finished, total) -> {
                assertThat(total).isEqualTo(50);
                if (gateCalls.incrementAndGet() == 6) {
                    throw new IllegalStateException("stop after " + finished + " of " + total);
                }
            }, b -> started.incrementAndGet())).isInstanceOf(IllegalStateException.class)
                    .hasMessage("stop after 5 of 50");
        }
        assertThat(started.get()).isEqualTo(5);
    }

    @Test
    void run_returnsOnlyOnceEveryHelperHasStopped() {
        AtomicInteger busy = new AtomicInteger();
        AtomicInteger maxBusyAfterReturn = new AtomicInteger(-1);
        try (BatchScheduler scheduler = new BatchScheduler()) {
            assertThatThrownBy(() -> scheduler.run(40, 3, (finished, total) -> {}, b -> {
                busy.incrementAndGet();
                try {
                    if (b == 0) {
                        throw new IllegalArgumentException("batch 0 failed");
                    }
                    Thread.yield();
                } finally {
                    busy.decrementAndGet();
                }
            })).isInstanceOf(IllegalArgumentException.class).hasMessage("batch 0 failed");
            maxBusyAfterReturn.set(busy.get());
        }
        assertThat(maxBusyAfterReturn.get()).isZero();
    }

    @Test
    void close_isIdempotent() {
        BatchScheduler scheduler = new BatchScheduler();
        scheduler.run(4, 2, (finished, total) -> {}, b -> {});
        scheduler.close();
        scheduler.close();
    }
}

package lambert.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The guard of a native holder: close waits for calls under way and releases once; later calls are refused. */
class LifecycleTest {
    @Test
    void close_waitsForTheCallUnderWay() throws Exception {
        Lifecycle lifecycle = new Lifecycle("the thing is closed");
        AtomicInteger releases = new AtomicInteger();
        CountDownLatch inCall = new CountDownLatch(1);
        CountDownLatch finishCall = new CountDownLatch(1);
        Thread caller = new Thread(() -> {
            lifecycle.enter();
            try {
                inCall.countDown();
                finishCall.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            } finally {
                lifecycle.exit();
            }
        });
        caller.start();
        inCall.await();
        Thread closer = new Thread(() -> lifecycle.close(releases::incrementAndGet));
        closer.start();
        // Until the closer waits on the guard, nothing is proved; wait for that state, whatever the machine's load.
        while (closer.getState() != Thread.State.WAITING && closer.isAlive()) {
            Thread.onSpinWait();
        }
        assertThat(releases.get()).as("released while a call was under way").isZero();
        finishCall.countDown();
        caller.join();
        closer.join();
        assertThat(releases.get()).isEqualTo(1);
    }

    @Test
    void enter_afterCloseIsRefusedAndCloseReleasesOnce() {
        Lifecycle lifecycle = new Lifecycle("the thing is closed");
        AtomicInteger releases = new AtomicInteger();
        lifecycle.enter();
        lifecycle.exit();
        lifecycle.close(releases::incrementAndGet);
        lifecycle.close(releases::incrementAndGet);
        assertThat(releases.get()).isEqualTo(1);
        assertThatThrownBy(lifecycle::enter).isInstanceOf(IllegalStateException.class)
                .hasMessage("the thing is closed");
        // a refused call holds nothing: this thread can still take the guard to close (it would wait forever if
        // the refused enter() had kept its hold)
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> lifecycle.close(releases::incrementAndGet));
        assertThat(releases.get()).isEqualTo(1);
    }
}

package lambert.toolkit.emulator;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/** The function process's output, relayed line by line to a sink on a thread of its own, as Lambda's log is. */
final class FunctionLog {
    private final Thread pump;
    private volatile long lastLineNanos;

    private FunctionLog(Process process, Consumer<String> sink) {
        pump = new Thread(() -> pump(process, sink), "lambert-function-log");
        pump.setDaemon(true);
    }

    /** Starts relaying {@code process}'s output (standard error merged in) to {@code sink}. */
    static FunctionLog start(Process process, Consumer<String> sink) {
        FunctionLog log = new FunctionLog(process, sink);
        log.pump.start();
        return log;
    }

    private void pump(Process process, Consumer<String> sink) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lastLineNanos = System.nanoTime();
                sink.accept(line);
            }
        } catch (IOException ignored) {
            // the process is gone
        }
    }

    /**
     * Gives the pump a moment to print what the function wrote before its answer: returns once the pump has been
     * quiet for 0.2 ms (at most 5 ms), so the answer is not held up for long.
     */
    void drain() {
        long deadline = System.nanoTime() + 5_000_000;
        try {
            while (System.nanoTime() < deadline && System.nanoTime() - lastLineNanos < 200_000) {
                Thread.sleep(0, 50_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits (1 s at most) for the pump to reach the end of the output of a process that has ended. */
    void awaitEnd() {
        try {
            pump.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package lambert.cli.emulator;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Runs a function package the way Lambda runs it: a sandbox per execution environment, the Runtime
 * API served on loopback, the official runtime interface client in a separate JVM. Prints Lambda's
 * own lines ({@code START}, the function's log, {@code END}, {@code REPORT}) to a sink, enforces the
 * 10 s init limit and the function timeout, and starts a new environment after a timeout.
 *
 * <pre>{@code
 * try (Emulator emulator = new Emulator(zip, handler, env, 1769, 30, System.out::println)) {
 *     Report report = emulator.invoke("{\"text\": \"hi\"}".getBytes(UTF_8));
 * }
 * }</pre>
 */
public final class Emulator implements AutoCloseable {
    /** Lambda's limit for the INIT phase of an on-demand function. */
    static final long INIT_LIMIT_MS = 10_000;

    private final Path zip;
    private final String handler;
    private final Map<String, String> environment;
    private final int memoryMb;
    private final int timeoutSeconds;
    private final Consumer<String> sink;
    private final List<Path> runtimeJars;
    private Sandbox sandbox;
    private RuntimeApiServer api;
    private Thread logPump;
    private double pendingInitMs = -1;

    /**
     * @param zip the function package
     * @param handler the handler string
     * @param environment the function's environment variables
     * @param memoryMb the memory setting (heap and CPU follow it)
     * @param timeoutSeconds the function timeout
     * @param sink where Lambda's lines and the function's log go
     * @param runtimeJars the runtime interface client and its dependencies
     */
    public Emulator(Path zip, String handler, Map<String, String> environment, int memoryMb, int timeoutSeconds,
            Consumer<String> sink, List<Path> runtimeJars) {
        this.zip = zip;
        this.handler = handler;
        this.environment = Map.copyOf(environment);
        this.memoryMb = memoryMb;
        this.timeoutSeconds = timeoutSeconds;
        this.sink = sink;
        this.runtimeJars = List.copyOf(runtimeJars);
    }

    /** Starts an execution environment and waits for its INIT phase to end (a cold start). */
    public void start() throws IOException, InitFailedException {
        stop();
        sandbox = Sandbox.create(zip, runtimeJars);
        api = new RuntimeApiServer();
        long start = System.nanoTime();
        Process process = sandbox.start(handler, memoryMb, environment, api.address());
        logPump = new Thread(() -> pump(process), "lambert-function-log");
        logPump.setDaemon(true);
        logPump.start();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(INIT_LIMIT_MS);
        while (true) {
            if (api.initError().isDone()) {
                RuntimeApiServer.Outcome error = api.initError().join();
                double initMs = (error.receivedNanos() - start) / 1e6;
                drainLog();
                sink.accept(String.format(java.util.Locale.ROOT, "INIT_REPORT Init Duration: %.2f ms\tPhase: init\t"
                        + "Status: error\tError Type: %s", initMs, error.errorType()));
                throw new InitFailedException(error.errorType(), new String(error.body(), StandardCharsets.UTF_8));
            }
            if (api.firstPoll().isDone()) {
                pendingInitMs = (api.firstPoll().join() - start) / 1e6;
                return;
            }
            if (!process.isAlive()) {
                drainLog();
                throw new InitFailedException("Runtime.ExitError", "the function's process exited during init with "
                        + "status " + process.exitValue());
            }
            if (System.nanoTime() > deadline) {
                sink.accept(String.format(java.util.Locale.ROOT, "INIT_REPORT Init Duration: %d.00 ms\tPhase: init\t"
                        + "Status: timeout", INIT_LIMIT_MS));
                throw new InitFailedException("Sandbox.Timedout", "the INIT phase took longer than Lambda's "
                        + INIT_LIMIT_MS / 1000 + " s limit");
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InitFailedException("Interrupted", "interrupted during init");
            }
        }
    }

    /** Invokes the function once with {@code event}, starting an environment first if there is none. */
    public Report invoke(byte[] event) throws IOException, InitFailedException {
        if (sandbox == null) {
            start();
        }
        String requestId = UUID.randomUUID().toString();
        sink.accept("START RequestId: " + requestId + " Version: $LATEST");
        long deadline = System.currentTimeMillis() + timeoutSeconds * 1000L;
        var outcome = api.invoke(new RuntimeApiServer.Invocation(requestId, event, deadline,
                "arn:aws:lambda:us-east-1:123456789012:function:lambert-emulated"));
        RuntimeApiServer.Outcome result;
        String status;
        try {
            result = outcome.get(timeoutSeconds, TimeUnit.SECONDS);
            status = result.error() ? "error" : "success";
        } catch (TimeoutException e) {
            result = null;
            status = "timeout";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the function", e);
        } catch (ExecutionException e) {
            throw new IOException("the Runtime API failed: " + e.getCause().getMessage(), e.getCause());
        }
        long end = result == null ? System.nanoTime() : result.receivedNanos();
        Long delivered = api.deliveredAt(requestId);
        double durationMs = delivered == null ? timeoutSeconds * 1000.0 : (end - delivered) / 1e6;
        drainLog();
        double initMs = pendingInitMs;
        pendingInitMs = -1;
        long billed = (long) Math.ceil(durationMs + Math.max(initMs, 0));
        Report report = new Report(requestId, durationMs, billed, memoryMb, sandbox.maxMemoryUsedMb(), initMs, status,
                result == null ? new byte[0] : result.body());
        if (status.equals("timeout")) {
            sink.accept(String.format(java.util.Locale.ROOT, "%s Task timed out after %d.00 seconds", requestId,
                    timeoutSeconds));
            stop();
        }
        sink.accept("END RequestId: " + requestId);
        sink.accept(report.line());
        return report;
    }

    /** How the CPU of the current environment is limited. */
    public String cpuNote() {
        return sandbox == null ? "no environment" : sandbox.cpuNote();
    }

    /** Whether the task root of the current environment is read-only to the function. */
    public boolean readOnlyTaskRoot() {
        return sandbox != null && sandbox.readOnlyEnforced();
    }

    private void pump(Process process) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                sink.accept(line);
            }
        } catch (IOException ignored) {
            // the process is gone
        }
    }

    /** Gives the log pump a moment to print what the function wrote before its answer. */
    private void drainLog() {
        try {
            Thread.sleep(15);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void stop() {
        if (sandbox != null) {
            sandbox.close();
            sandbox = null;
        }
        if (api != null) {
            api.close();
            api = null;
        }
        if (logPump != null) {
            try {
                logPump.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            logPump = null;
        }
    }

    @Override
    public void close() {
        stop();
    }
}

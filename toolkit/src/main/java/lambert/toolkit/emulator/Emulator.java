package lambert.toolkit.emulator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import lambert.toolkit.packaging.FunctionConfig;
import lambert.toolkit.packaging.FunctionJson;

/**
 * Runs a function package the way Lambda runs it: a sandbox per execution environment, the Runtime
 * API served on loopback, the official runtime interface client in a separate JVM, or, for a package on an OS-only
 * runtime ({@code provided.al2023}: {@code function.json} says so, or the zip has a {@code bootstrap} at its root),
 * the package's own {@code bootstrap}. Prints Lambda's
 * own lines ({@code START}, the function's log, {@code END}, {@code REPORT}) to a sink, enforces the
 * init limit (10 s on demand) and the function timeout, and starts a new environment after a timeout.
 * INIT runs on the CPU its {@link InitializationType} gives (at least one full vCPU on demand), the
 * invocations at memory/1769 vCPU.
 *
 * <pre>{@code
 * try (Emulator emulator = new Emulator(zip, handler, env, 1769, 30, System.out::println)) {
 *     Report report = emulator.invoke("{\"text\": \"hi\"}".getBytes(UTF_8));
 * }
 * }</pre>
 */
public final class Emulator implements AutoCloseable {
    private final Path zip;
    private final String handler;
    private final Map<String, String> environment;
    private final int memoryMb;
    private final int timeoutSeconds;
    private final Consumer<String> sink;
    private final List<Path> runtimeJars;
    private final InitializationType initializationType;
    private final Emulation emulation;
    private Sandbox sandbox;
    private RuntimeApiServer api;
    private volatile FunctionLog log;
    private Process process;
    private double pendingInitMs = -1;
    private final Map<String, Report> reports = new java.util.concurrent.ConcurrentHashMap<>();
    private boolean unwritableTmp;
    private volatile lambert.lambda.InitPhases initPhases;

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
        this(zip, handler, environment, memoryMb, timeoutSeconds, sink, runtimeJars, InitializationType.ON_DEMAND,
                Emulation.host());
    }

    /**
     * An emulator whose environments start as {@code initializationType} says and whose function runs as
     * {@code emulation} says.
     *
     * <p>On demand, INIT runs on at least one full vCPU for at most 10 s; as provisioned concurrency, at the memory's
     * share for at most 130 s or the timeout. Under qemu-user (another architecture, or a stand-in CPU) the init limit
     * and the function timeout are stretched {@value Emulation#SLOWDOWN} times (the deadline the function sees
     * included), since every instruction is translated, and no CPU quota is set.
     *
     * @param zip the function package
     * @param handler the handler string
     * @param environment the function's environment variables
     * @param memoryMb the memory setting (heap and CPU follow it)
     * @param timeoutSeconds the function timeout
     * @param sink where Lambda's lines and the function's log go
     * @param runtimeJars the runtime interface client and its dependencies
     * @param initializationType how environments are started
     * @param emulation where the function's JVM runs ({@link Emulation#forPackage})
     */
    public Emulator(Path zip, String handler, Map<String, String> environment, int memoryMb, int timeoutSeconds,
            Consumer<String> sink, List<Path> runtimeJars, InitializationType initializationType,
            Emulation emulation) {
        this.initializationType = java.util.Objects.requireNonNull(initializationType, "initializationType");
        this.zip = zip;
        this.handler = handler;
        this.environment = Map.copyOf(environment);
        this.memoryMb = memoryMb;
        this.timeoutSeconds = timeoutSeconds * emulation.slowdown();
        this.sink = sink;
        this.runtimeJars = List.copyOf(runtimeJars);
        this.emulation = emulation;
    }

    /**
     * An emulator for {@code zip} as the {@code function.json} next to it configures the function (handler,
     * environment, memory, timeout; lambert's defaults where it says nothing), started on demand and run as
     * {@code emulation} says.
     *
     * @throws lambert.toolkit.BadInputException if {@code function.json} is not valid
     */
    public static Emulator forPackage(Path zip, Emulation emulation, Consumer<String> sink) throws IOException {
        return forPackage(zip, null, emulation, sink);
    }

    /**
     * As {@link #forPackage(Path, Emulation, Consumer)}, with the memory setting given instead of
     * {@code function.json}'s when {@code memoryMb} is not null.
     *
     * @throws lambert.toolkit.BadInputException if {@code function.json} is not valid or the memory is outside
     *     Lambda's range (the field {@code memory})
     */
    public static Emulator forPackage(Path zip, Integer memoryMb, Emulation emulation, Consumer<String> sink)
            throws IOException {
        FunctionJson config = FunctionJson.next(zip);
        int memory = memoryMb != null ? memoryMb : config.integer("memory_mb", 1769);
        lambert.toolkit.LambdaLimits.MEMORY_MB.check(memory, "Lambda's range");
        return new Emulator(zip, config.string("handler", FunctionConfig.HANDLER), config.environment(), memory,
                config.integer("timeout_s", FunctionConfig.TIMEOUT_SECONDS), sink, RuntimeJars.locate(),
                InitializationType.ON_DEMAND, emulation);
    }

    /**
     * Lambda's identifier of the runtime the current environment runs ({@code java21}, {@code provided.al2023}):
     * {@code function.json}'s, else {@code provided.al2023} for a zip with a {@code bootstrap} at its root, else
     * lambert's default; null before {@link #start()}.
     */
    public String runtime() {
        return sandbox == null ? null : sandbox.runtime().id();
    }

    /**
     * Where the current environment's INIT went, as lambert's handler logged it ({@link lambert.lambda.InitPhases});
     * empty before the line is read, and for a function that does not log it (another handler, a custom runtime).
     * Read it after the first answer: the line is relayed from the function's output on a thread of its own.
     */
    public java.util.Optional<lambert.lambda.InitPhases> initPhases() {
        return java.util.Optional.ofNullable(initPhases);
    }

    /** Where the function's JVM runs. */
    public Emulation emulation() {
        return emulation;
    }

    /** Starts an execution environment and waits for its INIT phase to end (a cold start). */
    public void start() throws IOException, InitFailedException {
        stop();
        Sandbox box = Sandbox.create(zip, runtimeJars, emulation);
        sandbox = box;
        sandbox.unwritableTmp(unwritableTmp);
        sandbox.initializationType(initializationType);
        java.util.Optional<String> invalid = sandbox.invalidEntrypoint();
        if (invalid.isPresent()) {
            sink.accept("INIT_REPORT Init Duration: 0.00 ms\tPhase: init\tStatus: error\tError Type: "
                    + "Runtime.InvalidEntrypoint");
            throw new InitFailedException("Runtime.InvalidEntrypoint", invalid.get());
        }
        api = new RuntimeApiServer(new RuntimeApiServer.Listener() {
            @Override
            public void delivered(String requestId) {
                sink.accept("START RequestId: " + requestId + " Version: $LATEST");
            }

            @Override
            public void answered(String requestId, RuntimeApiServer.Outcome outcome) {
                report(requestId, outcome);
            }

            @Override
            public void initEnded() {
                box.invocationsStart();
            }
        });
        long start = System.nanoTime();
        Process process = sandbox.start(handler, memoryMb, environment, api.address());
        this.process = process;
        long launched = sandbox.launchNanos(); // INIT starts with the function's process, not the sandbox's set-up
        initPhases = null;
        log = FunctionLog.start(process, line -> {
            if (initPhases == null) {
                lambert.lambda.InitPhases.fromLogLine(line).ifPresent(phases -> initPhases = phases);
            }
            sink.accept(line);
        });
        long lambdaInitLimitMs = initializationType.initLimitMs(timeoutSeconds / emulation.slowdown());
        long initLimitMs = lambdaInitLimitMs * emulation.slowdown();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(initLimitMs);
        while (true) {
            if (api.initError().isDone()) {
                RuntimeApiServer.Outcome error = api.initError().join();
                double initMs = (error.receivedNanos() - launched) / 1e6;
                drainLog();
                sink.accept(String.format(java.util.Locale.ROOT, "INIT_REPORT Init Duration: %.2f ms\tPhase: init\t"
                        + "Status: error\tError Type: %s", initMs, error.errorType()));
                throw new InitFailedException(error.errorType(), new String(error.body(), StandardCharsets.UTF_8));
            }
            if (api.firstPoll().isDone()) {
                pendingInitMs = (api.firstPoll().join() - launched) / 1e6;
                return;
            }
            if (!process.isAlive()) {
                drainLog();
                throw new InitFailedException("Runtime.ExitError", "the function's process exited during init with "
                        + "status " + process.exitValue());
            }
            if (System.nanoTime() > deadline) {
                sink.accept(String.format(java.util.Locale.ROOT, "INIT_REPORT Init Duration: %d.00 ms\tPhase: init\t"
                        + "Status: timeout", initLimitMs));
                throw new InitFailedException("Sandbox.Timedout", "the INIT phase took longer than Lambda's "
                        + lambdaInitLimitMs / 1000 + " s limit" + (initializationType == InitializationType.ON_DEMAND
                        ? " for on-demand functions" : " for provisioned concurrency (130 s or the timeout)")
                        + (emulation.emulated() ? " (" + initLimitMs / 1000 + " s under emulation)" : ""));
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
        long deadline = System.currentTimeMillis() + timeoutSeconds * 1000L;
        var outcome = api.invoke(new RuntimeApiServer.Invocation(requestId, event, deadline,
                "arn:aws:lambda:us-east-1:123456789012:function:lambert-emulated"));
        try {
            outcome.get(timeoutSeconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            return timedOut(requestId);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the function", e);
        } catch (ExecutionException e) {
            throw new IOException("the Runtime API failed: " + e.getCause().getMessage(), e.getCause());
        }
        return reports.remove(requestId);
    }

    /** Reports a timed-out invocation like Lambda and discards the environment (the next call is a cold start). */
    private Report timedOut(String requestId) {
        Long delivered = api.deliveredAt(requestId);
        double durationMs = delivered == null ? timeoutSeconds * 1000.0 : (System.nanoTime() - delivered) / 1e6;
        Report report = new Report(requestId, durationMs, (long) Math.ceil(durationMs), memoryMb,
                sandbox.maxMemoryUsedMb(), takeInit(), "timeout", new byte[0]);
        sink.accept(String.format(java.util.Locale.ROOT, "%s Task timed out after %d.00 seconds", requestId,
                timeoutSeconds));
        sink.accept("END RequestId: " + requestId);
        sink.accept(report.line());
        stop();
        return report;
    }

    /**
     * Invokes the function {@code count} times with {@code event}, each event queued before the previous
     * one is answered, so the function takes the next one as soon as it asks: back to back, as a busy
     * Lambda environment does. Durations still run from each delivery to its answer.
     */
    public List<Report> invokeMany(byte[] event, int count) throws IOException, InitFailedException {
        if (sandbox == null) {
            start();
        }
        List<String> ids = new java.util.ArrayList<>();
        List<java.util.concurrent.CompletableFuture<RuntimeApiServer.Outcome>> futures = new java.util.ArrayList<>();
        long deadline = System.currentTimeMillis() + timeoutSeconds * 1000L;
        for (int i = 0; i < count; i++) {
            String id = UUID.randomUUID().toString();
            ids.add(id);
            futures.add(api.invoke(new RuntimeApiServer.Invocation(id, event, deadline + i * 1000L * timeoutSeconds,
                    "arn:aws:lambda:us-east-1:123456789012:function:lambert-emulated")));
        }
        List<Report> reports = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = ids.get(i);
            try {
                awaitDelivered(id, futures.get(i));
            } catch (TimeoutException e) {
                reports.add(timedOut(id));
                for (int rest = i + 1; rest < count; rest++) {
                    reports.add(invoke(event));
                }
                return reports;
            }
            reports.add(this.reports.remove(id));
        }
        return reports;
    }

    /** Waits for an outcome, allowing the function timeout from the moment the event was delivered. */
    private RuntimeApiServer.Outcome awaitDelivered(String id,
            java.util.concurrent.CompletableFuture<RuntimeApiServer.Outcome> future)
            throws IOException, TimeoutException {
        while (true) {
            Long delivered = api.deliveredAt(id);
            if (delivered == null && !process.isAlive() && !future.isDone()) {
                drainLog();
                throw new FunctionExitedException("the function's process exited with status " + process.exitValue()
                        + " before it took invocation " + id + " (Runtime.ExitError)");
            }
            long waitMs = delivered == null ? 50
                    : timeoutSeconds * 1000L - (System.nanoTime() - delivered) / 1_000_000;
            if (delivered != null && waitMs <= 0) {
                throw new TimeoutException();
            }
            try {
                return future.get(Math.max(1, Math.min(waitMs, 50)), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // not yet: check the deadline again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the function", e);
            } catch (ExecutionException e) {
                throw new IOException("the Runtime API failed: " + e.getCause().getMessage(), e.getCause());
            }
        }
    }

    /** Builds, prints and keeps the report of an answered invocation (on the Runtime API's thread). */
    private void report(String requestId, RuntimeApiServer.Outcome outcome) {
        Long delivered = api.deliveredAt(requestId);
        double durationMs = delivered == null ? 0 : (outcome.receivedNanos() - delivered) / 1e6;
        double initMs = takeInit();
        drainLog();
        Report report = new Report(requestId, durationMs, (long) Math.ceil(durationMs + Math.max(initMs, 0)), memoryMb,
                sandbox.maxMemoryUsedMb(), initMs, outcome.error() ? "error" : "success", outcome.body());
        sink.accept("END RequestId: " + requestId);
        sink.accept(report.line());
        reports.put(requestId, report);
    }

    /** The init duration to report with the next answer (a cold start), once; -1 after that. */
    private synchronized double takeInit() {
        double initMs = pendingInitMs;
        pendingInitMs = -1;
        return initMs;
    }

    /** How this emulator's environments are started. */
    public InitializationType initializationType() {
        return initializationType;
    }

    /** How the CPU of the current environment is limited: during INIT and for the invocations. */
    public String cpuNote() {
        return sandbox == null ? "no environment" : sandbox.cpuNote();
    }

    /** Whether the current environment's CPU is limited by a cgroup quota (else it runs on the whole machine). */
    public boolean cpuLimited() {
        return sandbox != null && sandbox.cpuLimited();
    }

    /**
     * A fault to inject: the function's temp folder is not writable in environments started from now on (Lambda
     * always gives a writable {@code /tmp}; a function should not need it at all). Effective when lambert runs
     * as root, since the function then runs as {@code nobody}.
     */
    void faultUnwritableTmp() {
        unwritableTmp = true;
    }

    /** Whether the task root of the current environment is read-only to the function. */
    public boolean readOnlyTaskRoot() {
        return sandbox != null && sandbox.readOnlyEnforced();
    }

    /** Lets the function's log catch up before its answer is reported (see {@link FunctionLog#drain}). */
    private void drainLog() {
        FunctionLog current = log;
        if (current != null) {
            current.drain();
        }
    }

    /**
     * Ends the current environment as a shutdown would: SIGTERM to the function's process, up to {@code graceMs} for it
     * to exit (a JVM writes its ahead-of-time cache then), then what {@link #close()} does.
     *
     * @return the process's exit status, or -1 if it did not exit within {@code graceMs} or none was running
     */
    public int shutdown(long graceMs) {
        int status = -1;
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (process.waitFor(graceMs, TimeUnit.MILLISECONDS)) {
                    status = process.exitValue();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        stop();
        return status;
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
        if (log != null) {
            log.awaitEnd();
            log = null;
        }
    }

    @Override
    public void close() {
        stop();
    }
}

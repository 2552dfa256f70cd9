package lambert.toolkit.tune;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import lambert.toolkit.emulator.Emulation;
import lambert.toolkit.emulator.Emulator;
import lambert.toolkit.emulator.FunctionExitedException;
import lambert.toolkit.emulator.InitFailedException;
import lambert.toolkit.emulator.InitializationType;
import lambert.toolkit.emulator.Report;

/**
 * A sweep on this machine: the package in the {@link Emulator}, a fresh execution environment for each
 * memory size (so its first report is a cold start with the init duration), with the memory's share
 * of CPU for its invocations (its INIT gets what the {@link InitializationType} gives: at least one full
 * vCPU on demand). Further calls at the same memory size go on in the same, warm environment, as a deployed
 * function's would.
 *
 * <pre>{@code
 * try (TuneTarget target = new LocalTuneTarget(zip, FunctionConfig.HANDLER, env, 30, line -> {}, RuntimeJars.locate())) {
 *     List<Report> cold = target.run(512, 0, 1, event);      // the cold start
 *     List<Report> warm = target.run(512, 10, 100, event);   // 10 dropped, 100 measured
 * }
 * }</pre>
 */
public final class LocalTuneTarget implements TuneTarget {
    private final Path zip;
    private final String handler;
    private final Map<String, String> environment;
    private final int timeoutSeconds;
    private final Consumer<String> sink;
    private final List<Path> runtimeJars;
    private final InitializationType initializationType;
    private final Emulation emulation;
    private final java.util.ArrayDeque<String> lastLines = new java.util.ArrayDeque<>();
    private Emulator emulator;
    private int memoryMb;

    /**
     * @param zip the function package
     * @param handler the handler string (from {@code function.json})
     * @param environment the function's environment variables
     * @param timeoutSeconds the function timeout
     * @param sink where Lambda's lines and the function's log go
     * @param runtimeJars the runtime interface client's jars ({@code RuntimeJars.locate()})
     */
    public LocalTuneTarget(Path zip, String handler, Map<String, String> environment, int timeoutSeconds,
            Consumer<String> sink, List<Path> runtimeJars) {
        this(zip, handler, environment, timeoutSeconds, sink, runtimeJars, InitializationType.ON_DEMAND,
                Emulation.host());
    }

    /**
     * A target whose environments start as {@code initializationType} says and whose function runs as
     * {@code emulation} says (under qemu for a package of another architecture, where the figures check that every
     * size answers, not how fast).
     *
     * @param zip the function package
     * @param handler the handler string (from {@code function.json})
     * @param environment the function's environment variables
     * @param timeoutSeconds the function timeout
     * @param sink where Lambda's lines and the function's log go
     * @param runtimeJars the runtime interface client's jars ({@code RuntimeJars.locate()})
     * @param initializationType on demand (INIT on at least one full vCPU) or provisioned concurrency (INIT at
     *     the memory's share)
     * @param emulation where the function's JVM runs
     */
    public LocalTuneTarget(Path zip, String handler, Map<String, String> environment, int timeoutSeconds,
            Consumer<String> sink, List<Path> runtimeJars, InitializationType initializationType,
            Emulation emulation) {
        this.initializationType = initializationType;
        this.zip = zip;
        this.handler = handler;
        this.environment = Map.copyOf(environment);
        this.timeoutSeconds = timeoutSeconds;
        this.sink = line -> {
            synchronized (lastLines) {
                if (lastLines.size() == 40) {
                    lastLines.removeFirst();
                }
                lastLines.addLast(line);
            }
            sink.accept(line);
        };
        this.runtimeJars = List.copyOf(runtimeJars);
        this.emulation = emulation;
    }

    @Override
    public String describe() {
        return "emulator, package " + zip + (emulation.emulated() ? ", " + emulation.describe() : "");
    }

    /**
     * Runs at {@code memoryMb}: a new environment when the size changes (an init failure is thrown as
     * {@link InitFailedException}), the same one otherwise. If the function's process ends, the
     * environment is dropped and {@link FunctionExitedException} says so with the last lines it printed.
     */
    @Override
    public List<Report> run(int memoryMb, int warmup, int invocations, byte[] event)
            throws IOException, InitFailedException {
        try {
            if (emulator == null || memoryMb != this.memoryMb) {
                closeEmulator();
                this.memoryMb = memoryMb;
                emulator = new Emulator(zip, handler, environment, memoryMb, timeoutSeconds, sink, runtimeJars,
                        initializationType, emulation);
                emulator.start();
            }
            if (warmup > 0) {
                emulator.invokeMany(event, warmup);
            }
            return invocations > 0 ? emulator.invokeMany(event, invocations) : new ArrayList<>();
        } catch (FunctionExitedException e) {
            closeEmulator();
            String log;
            synchronized (lastLines) {
                // The lines that name an error, else the last three.
                List<String> errors = lastLines.stream().filter(l -> !l.startsWith("\t")
                        && (l.contains("Error") || l.contains("Exception"))).distinct().limit(3).toList();
                log = String.join(" | ", errors.isEmpty() ? new ArrayList<>(lastLines).subList(Math.max(0,
                        lastLines.size() - 3), lastLines.size()) : errors);
            }
            throw new FunctionExitedException(e.getMessage() + (log.isEmpty() ? "" : "; its last lines: " + log));
        }
    }

    /** How the CPU of the current environment is limited. */
    public String cpuNote() {
        return emulator == null ? "no environment" : emulator.cpuNote();
    }

    private void closeEmulator() {
        if (emulator != null) {
            emulator.close();
            emulator = null;
        }
    }

    @Override
    public void close() {
        closeEmulator();
    }
}

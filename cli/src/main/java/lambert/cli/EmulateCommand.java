package lambert.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import lambert.base.json.Json;
import lambert.toolkit.CheckFailedException;
import lambert.toolkit.LambdaLimits;
import lambert.toolkit.cost.Prices;
import lambert.toolkit.emulator.Emulation;
import lambert.toolkit.emulator.Emulator;
import lambert.toolkit.emulator.HostGlibc;
import lambert.toolkit.emulator.InitFailedException;
import lambert.toolkit.emulator.InitializationType;
import lambert.toolkit.emulator.Report;
import lambert.toolkit.emulator.RunSummary;
import lambert.toolkit.emulator.RuntimeJars;
import lambert.toolkit.packaging.FunctionJson;
import lambert.toolkit.packaging.LambdaRuntime;
import lambert.toolkit.packaging.NativeRequirement;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lambert emulate}: runs a function package on this machine exactly as Lambda runs it, through
 * the official runtime interface client, and prints Lambda's own lines.
 *
 * <pre>{@code
 * lambert emulate --package function.zip --memory 1769 --text "Hey, how are you?"
 * lambert emulate --package function.zip --memory 512 --event apigw.json --invocations 200
 * lambert emulate --package function-arm64.zip --cpu graviton3 --text "Hey, how are you?"
 * }</pre>
 */
@Command(name = "emulate", mixinStandardHelpOptions = true,
        description = {"Runs a function zip as AWS Lambda would: Runtime API on 127.0.0.1, the official runtime "
                + "interface client, INIT on at least one full vCPU as on demand (the memory's share with "
                + "--provisioned), invocations at the memory's share of CPU, START/END/REPORT lines.",
            "A package of another architecture (arm64 here) runs under qemu-user with a JVM of its architecture, on a "
                    + "stand-in CPU (--cpu); timings under emulation mean nothing."})
final class EmulateCommand implements Callable<Integer> {
    @Option(names = {"-p", "--package"}, required = true, paramLabel = "ZIP", description = "The function zip.")
    Path zip;

    @Option(names = "--memory", paramLabel = "MB", description = "Memory size, 128 to 10240 (default: function.json's, "
            + "else 1769).")
    Integer memory;

    @ArgGroup(exclusive = true, multiplicity = "1")
    EventInput input;

    @Option(names = {"-n", "--invocations"}, paramLabel = "N", defaultValue = "1",
            description = "Invoke N times in one environment and summarise (default: ${DEFAULT-VALUE}); after the "
                    + "first, events are queued back to back, as for a busy function.")
    int invocations;

    @Option(names = "--timeout", paramLabel = "S", description = "Function timeout in seconds (default: function.json's, "
            + "else " + lambert.toolkit.packaging.FunctionConfig.TIMEOUT_SECONDS + ").")
    Integer timeout;

    @Option(names = "--provisioned", description = "Start the environment as provisioned concurrency does: INIT "
            + "at the memory's share of CPU, with no INIT burst, for up to 130 s or the timeout. Default: on demand, "
            + "INIT on at least one full vCPU for at most 10 s. Invocations run at memory/1769 vCPU either way.")
    boolean provisioned;

    @Option(names = "--cpu", paramLabel = "CPU", description = "The CPU to run the zip on: " + CpuOption.HELP)
    String cpu;

    @Option(names = "--arm", description = "Price the summary for arm64 (default: the package's architecture).")
    Boolean arm;

    @Option(names = "--json", description = "Print a JSON summary instead of Lambda's lines.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (!Files.isRegularFile(zip)) {
            throw new NoSuchFileException(zip.toString());
        }
        if (invocations < 1) {
            throw new UsageException("--invocations must be at least 1, found " + invocations);
        }
        FunctionJson config = FunctionJson.next(zip);
        int memoryMb = memory != null ? memory : config.integer("memory_mb", 1769);
        LambdaLimits.MEMORY_MB.check(memoryMb, "Lambda's range");
        int timeoutSeconds = timeout != null ? timeout
                : config.integer("timeout_s", lambert.toolkit.packaging.FunctionConfig.TIMEOUT_SECONDS);
        boolean armPrices = arm != null ? arm : "arm64".equals(config.string("architecture", "x86_64"));
        byte[] event = input.bytes();
        Map<String, String> env = config.environment();
        String handler = config.string("handler", lambert.toolkit.packaging.FunctionConfig.HANDLER);

        Emulation emulation = CpuOption.emulation(zip, cpu);
        Terminal t = Terminal.of(spec);
        if (emulation.emulated() && !json) {
            CpuOption.announce(t, emulation, "");
        }
        List<Report> reports = new ArrayList<>();
        int[] reported = {0};
        boolean[] elided = {false};
        boolean quiet = json;
        List<String> firstLines = java.util.Collections.synchronizedList(new ArrayList<>());
        try (Emulator emulator = new Emulator(zip, handler, env, memoryMb, timeoutSeconds, line -> {
            if (reported[0] <= 1 && firstLines.size() < 1000) {
                // the cold start's lines: the first request's own log line is among them, and may come after its
                // REPORT line (the function's output and its answer travel apart)
                firstLines.add(line);
            }
            if (quiet) {
                return;
            }
            // Lambda's lines and the function's log for the first three and the last invocation.
            if (reported[0] < 3 || reported[0] >= invocations - 1) {
                t.line(line);
            } else if (!elided[0]) {
                elided[0] = true;
                t.line(t.dim("... (lines of the middle invocations left out)"));
            }
            if (line.startsWith("REPORT ")) {
                reported[0]++;
            }
        }, RuntimeJars.locate(), provisioned ? InitializationType.PROVISIONED_CONCURRENCY
                : InitializationType.ON_DEMAND, emulation)) {
            try {
                emulator.start();
            } catch (InitFailedException e) {
                throw new CheckFailedException("the function failed to initialise (" + e.errorType() + "): "
                        + e.getMessage());
            }
            String os = standIn(emulator.runtime(), nativeLibraries(config, emulator.runtime()),
                    HostGlibc.version().orElse("a C library other than glibc"));
            String cpuNote = emulator.cpuNote();
            boolean cpuLimited = emulator.cpuLimited();
            try {
                reports.add(emulator.invoke(event));
                if (invocations > 1) {
                    reports.addAll(emulator.invokeMany(event, invocations - 1));
                }
            } catch (InitFailedException e) {
                throw new CheckFailedException("the function failed to initialise again after a timeout ("
                        + e.errorType() + "): " + e.getMessage());
            }
            RunSummary summary = RunSummary.of(reports, memoryMb);
            // lambert's handler logs its INIT line, then one line per request, through the same pipe: once the first
            // request's line is in, so is the INIT line
            Double firstHandlerMs = handler.equals(lambert.toolkit.packaging.FunctionConfig.HANDLER)
                    ? awaitHandlerMs(firstLines, reports.get(0).requestId(), FIRST_LINE_WAIT_MS)
                    : handlerMs(firstLines, reports.get(0).requestId());
            ColdStart coldStart = new ColdStart(emulator.initPhases().orElse(null), reports.get(0).initDurationMs(),
                    reports.get(0).durationMs(), firstHandlerMs);
            if (json) {
                printJson(t, reports, summary, cpuNote, os, emulator.initializationType(), cpuLimited, memoryMb,
                        emulation.emulated(), coldStart);
            } else {
                t.blank();
                t.line(t.bold("response") + "  " + Format.abbreviate(new String(reports.get(0).response(),
                        StandardCharsets.UTF_8)));
                t.line(t.bold("cpu") + "       " + cpuNote + (emulator.readOnlyTaskRoot() ? "; task root read-only"
                        : "; task root writable (not running as root)"));
                t.line(t.bold("os") + "        " + os);
                List<String> coldStartLines = coldStart.lines();
                for (int i = 0; i < coldStartLines.size(); i++) {
                    t.line((i == 0 ? t.bold("cold start") : "") + coldStartLines.get(i));
                }
                Format.summary(t, summary, reports.size(), memoryMb);
                if (emulation.emulated()) {
                    t.warn("emulated  " + Emulation.TIMINGS_WARNING + "; measure on AWS: lambert tune --function NAME");
                }
            }
            return summary.failed() == 0 ? ExitCodes.OK : ExitCodes.CHECK_FAILED;
        }
    }

    /**
     * The one line saying what the emulator stands in for: the runtime's OS on Lambda, and this
     * machine's libraries that the function uses instead; plus, when the runtime's OS could not load
     * the package's native libraries, that it would fail on AWS.
     */
    static String standIn(String runtime, List<NativeRequirement> natives, String hostLibc) {
        java.util.Optional<LambdaRuntime> r = LambdaRuntime.byId(runtime);
        String lambda = r.map(x -> runtime + " runs on " + x.os().describe() + " on Lambda").orElse("runtime " + runtime
                + " is not a Lambda runtime");
        // an OS-only runtime runs the package's bootstrap (the emulator checks it is there): only its libraries matter
        String refusal = r.flatMap(x -> x.javaVersion() == 0 && x.unloadable(natives).isEmpty()
                ? java.util.Optional.empty() : x.refusal(natives)).map(why -> "; on AWS it would fail: " + (r.get()
                .unloadable(natives).isEmpty() ? runtime + " " + why : String.join(", ", r.get().unloadable(natives))))
                .orElse("");
        return lambda + "; the emulator stands in for it with this machine's libraries (" + hostLibc + ")" + refusal;
    }

    /**
     * The package's native libraries as {@code function.json} records them (or read from its {@code native/}); none
     * for a custom-runtime package that has no {@code native/} folder of lambert's making.
     */
    private static List<NativeRequirement> nativeLibraries(FunctionJson config, String runtime) throws IOException {
        try {
            return config.nativeLibraries();
        } catch (lambert.toolkit.BadInputException e) {
            if (LambdaRuntime.byId(runtime).map(r -> r.javaVersion() == 0).orElse(false)) {
                return List.of();
            }
            throw e;
        }
    }

    /** The JSON summary; the vCPU figures are null when the CPU was not limited (or the function was emulated). */
    private static void printJson(Terminal t, List<Report> reports, RunSummary s, String cpu, String os,
            InitializationType type, boolean cpuLimited, int memoryMb, boolean emulated, ColdStart coldStart)
            throws IOException {
        try (JsonGenerator g = Json.generator(t.stream())) {
            g.writeStartObject();
            g.writeNumberField("invocations", reports.size());
            g.writeNumberField("failed", s.failed());
            g.writeNumberField("init_duration_ms", reports.get(0).initDurationMs());
            g.writeNumberField("first_duration_ms", reports.get(0).durationMs());
            Format.summaryFields(g, s);
            g.writeStringField("initialization_type", type.lambdaName());
            g.writeStringField("cpu", cpu);
            if (cpuLimited) {
                g.writeNumberField("init_vcpu", type.initVcpu(memoryMb));
                g.writeNumberField("vcpu", InitializationType.invokeVcpu(memoryMb));
            } else {
                g.writeNullField("init_vcpu");
                g.writeNullField("vcpu");
            }
            g.writeStringField("os", os);
            g.writeBooleanField("emulated", emulated);
            coldStart.writeJson(g);
            g.writeStringField("first_response", new String(reports.get(0).response(), StandardCharsets.UTF_8));
            g.writeEndObject();
        }
        t.stream().println();
    }

    /**
     * How long a lambert function's first log line may take to reach the emulator after its answer did: it is written
     * before the answer is sent, but through the process's output, which the emulator reads on a thread of its own. A
     * lambert function whose log level leaves that line out costs this wait once.
     */
    static final long FIRST_LINE_WAIT_MS = 2000;

    /** {@link #handlerMs}, waiting up to {@code waitMs} for the line to arrive. */
    static Double awaitHandlerMs(List<String> lines, String requestId, long waitMs) {
        long deadline = System.nanoTime() + waitMs * 1_000_000;
        Double ms = handlerMs(lines, requestId);
        while (ms == null && System.nanoTime() < deadline) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
            ms = handlerMs(lines, requestId);
        }
        return ms;
    }

    /** The handler's own {@code totalMs} for {@code requestId}, from its log line among {@code lines}; null if none. */
    static Double handlerMs(List<String> lines, String requestId) {
        synchronized (lines) {
            for (String line : lines) {
                if (line.startsWith("{") && line.contains(requestId)) {
                    try {
                        if (Json.parse(line.getBytes(StandardCharsets.UTF_8)) instanceof Map<?, ?> map
                                && requestId.equals(map.get("requestId")) && map.get("totalMs") instanceof Number n) {
                            return n.doubleValue();
                        }
                    } catch (lambert.base.json.JsonException e) {
                        // another line that happens to hold the id
                    }
                }
            }
        }
        return null;
    }

    /**
     * Where the cold start went: the function's INIT phases as its init line gives them (null for a function that
     * logs none), the Init Duration and first Duration from the REPORT line, and the handler's own time for that first
     * request (null if its log line was not seen).
     */
    record ColdStart(lambert.lambda.InitPhases phases, double initMs, double firstDurationMs, Double firstHandlerMs) {
        /** The part of the Init Duration outside the function's own figures: before its process, and after its handler. */
        double otherMs() {
            return initMs - Math.max(0, phases.processToHandlerMs()) - phases.handlerMs();
        }

        /**
         * For people, to follow a {@code cold start} label (the next lines indented to match); none without phases or
         * INIT.
         */
        List<String> lines() {
            if (phases == null || initMs < 0) {
                return List.of();
            }
            lambert.lambda.InitPhases p = phases;
            String process = p.processToHandlerMs() < 0 ? "" : String.format(Locale.ROOT, "process start to handler "
                    + "%.0f ms, ", p.processToHandlerMs());
            String first = String.format(Locale.ROOT, "  Init Duration %.0f ms = %snative libraries %.0f ms, model "
                    + "%.0f ms (ONNX Runtime session %.0f ms; alongside it: tokenizer %.0f ms, checksums %.0f ms; probe "
                    + "%.0f ms), %srest of the handler %.0f ms, outside the function (before its process, after its "
                    + "handler) %.0f ms", initMs, process, p.nativesMs(), p.modelMs(), p.sessionMs(), p.tokenizerMs(),
                    p.checksumsMs(), p.probeMs(), p.warmUpMs() > 0 ? String.format(Locale.ROOT,
                    "request path warm-up %.0f ms, ", p.warmUpMs()) : "",
                    p.handlerMs() - p.nativesMs() - p.modelMs() - p.warmUpMs(), otherMs());
            String request = String.format(Locale.ROOT, "            first request Duration %.0f ms%s", firstDurationMs,
                    firstHandlerMs == null ? "" : String.format(Locale.ROOT, ", of which the handler %.0f ms and the "
                            + "runtime around it %.0f ms", firstHandlerMs, firstDurationMs - firstHandlerMs));
            return List.of(first, request);
        }

        /** {@code "init_phases"}: the figures in ms, or null without phases or INIT. */
        void writeJson(JsonGenerator g) throws IOException {
            if (phases == null || initMs < 0) {
                g.writeNullField("init_phases");
                return;
            }
            g.writeObjectFieldStart("init_phases");
            for (Map.Entry<String, Double> e : phases.fields().entrySet()) {
                g.writeNumberField(snake(e.getKey()), e.getValue());
            }
            g.writeNumberField("other_ms", otherMs());
            if (firstHandlerMs != null) {
                g.writeNumberField("first_request_handler_ms", firstHandlerMs);
            }
            g.writeEndObject();
        }

        private static String snake(String camel) {
            return camel.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
        }
    }
}

package lambert.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import lambert.base.json.Json;
import lambert.toolkit.LambdaLimits;
import lambert.toolkit.aws.RemoteTuneTarget;
import lambert.toolkit.cost.Prices;
import lambert.toolkit.emulator.CpuQuota;
import lambert.toolkit.emulator.Emulation;
import lambert.toolkit.emulator.Events;
import lambert.toolkit.emulator.InitializationType;
import lambert.toolkit.emulator.RuntimeJars;
import lambert.toolkit.packaging.CpuArch;
import lambert.toolkit.packaging.FunctionConfig;
import lambert.toolkit.packaging.FunctionJson;
import lambert.toolkit.tune.LocalTuneTarget;
import lambert.toolkit.tune.SizeResult;
import lambert.toolkit.tune.Sweep;
import lambert.toolkit.tune.TuneChart;
import lambert.toolkit.tune.TuneResult;
import lambert.toolkit.tune.TuneTarget;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lambert tune}: duration, init, memory and cost at each memory size, from the package in the
 * emulator (or, with {@code --function}, the deployed function), with the cheapest, fastest and
 * balanced choices and a chart.
 *
 * <pre>{@code
 * lambert tune --package function.zip --memory 128,256,512,1024,1769,3008 --chart docs/tune.png
 * }</pre>
 */
@Command(name = "tune", mixinStandardHelpOptions = true,
        description = {"Sweeps memory sizes: runs the package in the emulator at each (a fresh environment whose "
                + "INIT gets at least one full vCPU, as on demand, or the memory's share with --provisioned; "
                + "invocations at the memory's share of CPU), warm-up calls then measured ones, and reports duration "
                + "p50/p90, init duration, max memory used, billed duration and cost per million, with the cheapest, "
                + "fastest and balanced sizes.",
            "Balanced: the cheapest size whose p90 is at most 1.5 times the fastest p90. Outliers: "
                    + Sweep.OUTLIER_RULE_HELP + ".",
            "The event: --text or --event, else {\"text\": \"Hey, how are you?\"}."})
final class TuneCommand implements Callable<Integer> {
    @Option(names = {"-p", "--package"}, paramLabel = "ZIP", description = "The function zip (function.json next to "
            + "it gives the handler, environment and architecture).")
    Path zip;

    @Option(names = "--function", paramLabel = "NAME", description = "Tune the deployed function NAME[:ALIAS] instead "
            + "(its memory is restored afterwards).")
    String function;

    @Option(names = "--memory", paramLabel = "MB", split = ",", defaultValue = "128,256,512,1024,1769,3008",
            description = "Memory sizes, comma-separated (default: ${DEFAULT-VALUE}).")
    List<Integer> memory;

    @Option(names = {"-n", "--invocations"}, paramLabel = "N", defaultValue = "100",
            description = "Measured invocations per size (default: ${DEFAULT-VALUE}).")
    int invocations;

    @Option(names = "--warmup", paramLabel = "W", defaultValue = "10",
            description = "Warm-up invocations per size after the cold start, not measured (default: ${DEFAULT-VALUE}).")
    int warmup;

    @ArgGroup(exclusive = true)
    EventInput input;

    @Option(names = "--arch", paramLabel = "ARCH", description = "Price for x86_64 or arm64 (default: the package's "
            + "architecture).")
    String arch;

    @Option(names = "--cpu", paramLabel = "CPU", description = "The CPU to run the zip on: " + CpuOption.HELP)
    String cpu;

    @Option(names = "--prices", paramLabel = "FILE", description = "A price table instead of the built-in one (see "
            + "lambert cost).")
    Path pricesFile;

    @Option(names = "--timeout", paramLabel = "S", description = "Function timeout in seconds (default: "
            + "function.json's, else " + FunctionConfig.TIMEOUT_SECONDS + ").")
    Integer timeout;

    @Option(names = "--chart", paramLabel = "FILE.png", description = "Draw duration and cost against memory as PNG, "
            + "and as SVG next to it.")
    Path chart;

    @Option(names = "--provisioned", description = "Start each size's environment as provisioned concurrency does: "
            + "INIT at the memory's share of CPU, with no INIT burst, for up to 130 s or the timeout. Default: on "
            + "demand, INIT on at least one full vCPU for at most 10 s. Invocations run at memory/1769 vCPU either "
            + "way. Emulator only.")
    boolean provisioned;

    /** Where the local sweep's function runs (set by {@link #call}; this machine unless {@code --cpu} or the zip says). */
    private Emulation emulation = Emulation.host();

    @Option(names = "--json", description = "Print the results as JSON.")
    boolean json;

    @Mixin
    AwsMixin aws;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (zip == null && function == null) {
            throw new UsageException("give --package ZIP (tune in the emulator) or --function NAME (tune the deployed "
                    + "function)");
        }
        if (memory.isEmpty()) {
            throw new UsageException("--memory needs at least one size");
        }
        for (int mb : memory) {
            if (!LambdaLimits.MEMORY_MB.contains(mb)) {
                throw new UsageException("--memory sizes must be " + LambdaLimits.MEMORY_MB.describe()
                        + " (Lambda's range), found " + mb);
            }
        }
        if (new HashSet<>(memory).size() != memory.size()) {
            throw new UsageException("--memory lists a size twice: " + memory);
        }
        if (provisioned && function != null) {
            throw new UsageException("--provisioned applies to the emulator (--package): a deployed function's cold "
                    + "starts are AWS's own; give its provisioned concurrency with lambert deploy --provisioned N");
        }
        if (zip != null && function == null && !Files.isRegularFile(zip)) {
            throw new NoSuchFileException(zip.toString());
        }
        FunctionJson config = zip != null ? FunctionJson.next(zip) : null;
        CpuArch architecture = ArchMixin.parse(arch != null ? arch
                : config != null ? config.string("architecture", "x86_64") : "x86_64");
        Prices prices = pricesFile == null ? Prices.DEFAULT : Prices.read(pricesFile);
        if (chart != null) {
            // before the sweep, not after it: a sweep takes minutes
            Path folder = chart.toAbsolutePath().getParent();
            try {
                Files.createDirectories(folder);
                Files.delete(Files.createTempFile(folder, ".lambert-tune", ".tmp"));
            } catch (IOException e) {
                throw new java.nio.file.AccessDeniedException(folder.toString(), null, "--chart " + chart
                        + " needs a folder lambert can write files in (" + e + ")");
            }
        }
        byte[] event = input != null ? input.bytes() : Events.text("Hey, how are you?");
        String subject = config != null ? config.string("model", zip.getFileName().toString()) : function;

        if (function != null && cpu != null) {
            throw new UsageException("--cpu is for --package (the emulator); a deployed function runs on AWS's CPUs");
        }
        Sweep.checkCounts(warmup, invocations); // usage errors before the package is read
        emulation = zip != null && function == null ? CpuOption.emulation(zip, cpu) : Emulation.host();
        Terminal t = Terminal.of(spec);
        if (emulation.emulated() && !json) {
            CpuOption.announce(t, emulation, ": this sweep shows that every size answers; for figures, tune the "
                    + "deployed function (--function)");
        }
        Sweep sweep;
        TuneTarget target = target(config);
        // On Ctrl-C the target is closed too, so a deployed function gets its configuration back.
        Thread restore = new Thread(() -> {
            try {
                target.close();
            } catch (Exception e) {
                System.err.println("lambert: tune could not restore " + target.describe() + ": " + e.getMessage());
            }
        }, "lambert-tune-restore");
        Runtime.getRuntime().addShutdownHook(restore);
        try (target) {
            sweep = new Sweep(target, prices, architecture, warmup, invocations);
            int[] index = {0};
            int[] last = {-1};
            TuneResult result = sweep.run(memory, event, (mb, step) -> {
                if (mb != last[0]) {
                    last[0] = mb;
                    index[0]++;
                }
                t.progress(String.format(Locale.ROOT, "tune %d/%d: %d MB, %s", index[0], memory.size(), mb, step));
            });
            t.clearProgress();
            if (chart != null) {
                TuneChart.writePng(result, subject, chart);
                TuneChart.writeSvg(result, subject, TuneChart.svgFor(chart));
            }
            if (json) {
                printJson(t, result);
            } else {
                print(t, result, event);
                if (emulation.emulated()) {
                    t.warn("emulated  " + Emulation.TIMINGS_WARNING + "; the choices above are not advice");
                }
            }
            return result.cheapest().isPresent() ? ExitCodes.OK : ExitCodes.CHECK_FAILED;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(restore);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook runs
            }
        }
    }

    private TuneTarget target(FunctionJson config) {
        if (function != null) {
            return RemoteTuneTarget.connect(aws.options(), function, line -> { });
        }
        int timeoutSeconds = timeout != null ? timeout
                : config.integer("timeout_s", FunctionConfig.TIMEOUT_SECONDS);
        return new LocalTuneTarget(zip, config.string("handler", FunctionConfig.HANDLER), config.environment(),
                timeoutSeconds, line -> {}, RuntimeJars.locate(), initializationType(), emulation);
    }

    private InitializationType initializationType() {
        return provisioned ? InitializationType.PROVISIONED_CONCURRENCY : InitializationType.ON_DEMAND;
    }

    /** How the emulator gives CPU (INIT and invocations), or, for a deployed function, that AWS does. */
    private String cpuLine() {
        if (function != null) {
            return "AWS's own: a new version's first invocation is an on-demand cold start";
        }
        if (emulation.emulated()) {
            return "emulated under qemu-user, no CPU quota; " + initializationType().lambdaName();
        }
        return CpuQuota.whyNotLimited().map(why -> why + "; " + initializationType().lambdaName())
                .orElse(initializationType().describe());
    }

    private void print(Terminal t, TuneResult r, byte[] event) {
        t.line(t.bold("tune") + String.format(Locale.ROOT, "  %s; %d measured invocations per size after a cold start "
                + "and %d warm-up; priced for %s", r.target(), r.invocations(), r.warmup(),
                r.architecture().lambdaName()));
        t.line(t.bold("cpu") + "   " + cpuLine());
        t.line(String.format(Locale.ROOT, "  %6s  %9s  %8s  %8s  %11s  %12s  %10s  %s", "memory", "init (ms)", "p50 (ms)",
                "p90 (ms)", "billed (ms)", "max mem (MB)", "$/million", "dropped"));
        for (SizeResult s : r.sizes()) {
            if (Double.isNaN(s.p50Ms())) {
                t.line(String.format(Locale.ROOT, "  %6d  %9s  %s", s.memoryMb(), s.initMs() < 0 ? "-"
                        : String.format(Locale.ROOT, "%.1f", s.initMs()), s.error()));
                continue;
            }
            t.line(String.format(Locale.ROOT, "  %6d  %9s  %8.2f  %8.2f  %11.2f  %12s  %10s  %d of %d%s",
                    s.memoryMb(), s.initMs() < 0 ? "-" : String.format(Locale.ROOT, "%.1f", s.initMs()), s.p50Ms(),
                    s.p90Ms(), s.billedMeanMs(), s.maxMemoryUsedMb() < 0 ? "-" : Long.toString(s.maxMemoryUsedMb()),
                    String.format(Locale.ROOT, "$%.4f", s.usdPerMillion()), s.dropped(), s.measured(),
                    s.usable() ? "" : "   " + s.error()));
        }
        choice(t, "cheapest", r.cheapest());
        choice(t, "fastest", r.fastest());
        choice(t, "balanced", r.balanced());
        t.line(t.dim(String.format(Locale.ROOT, "billed: mean of the measured invocations, each rounded up to 1 ms; "
                + "$/million: at that billed duration, the $%.2f request charge included (%s prices, %s); "
                + "outliers dropped: %s; balanced: the cheapest size with a p90 at most %.1fx the fastest p90",
                r.prices().requestPerMillion(),
                r.prices().date(), r.prices().region(), Sweep.OUTLIER_RULE, TuneResult.BALANCED_P90_FACTOR)));
        t.line(t.dim("event " + Format.abbreviate(new String(event, java.nio.charset.StandardCharsets.UTF_8))));
        if (chart != null) {
            t.line("chart     " + chart + "  (and " + TuneChart.svgFor(chart).getFileName() + ")");
        }
        r.balanced().ifPresent(b -> t.line(t.dim("next: lambert template --package " + (zip == null ? "function.zip"
                : zip) + " --memory " + b.memoryMb() + " --out template.yaml")));
    }

    private static void choice(Terminal t, String name, Optional<SizeResult> size) {
        t.line(String.format(Locale.ROOT, "%-9s ", name) + size.map(s -> t.good(String.format(Locale.ROOT,
                "%d MB", s.memoryMb())) + String.format(Locale.ROOT, "  p50 %.2f ms, p90 %.2f ms, $%.4f per million",
                s.p50Ms(), s.p90Ms(), s.usdPerMillion())).orElse("none: no size ran every invocation within its "
                + "memory"));
    }

    private void printJson(Terminal t, TuneResult r) throws IOException {
        boolean emulatorLimited = function == null && !emulation.emulated() && CpuQuota.whyNotLimited().isEmpty();
        try (JsonGenerator g = Json.generator(t.stream())) {
            g.writeStartObject();
            g.writeStringField("target", r.target());
            g.writeBooleanField("emulated", emulation.emulated());
            g.writeStringField("architecture", r.architecture().lambdaName());
            g.writeNumberField("warmup", r.warmup());
            g.writeNumberField("invocations", r.invocations());
            g.writeStringField("initialization_type", function != null ? InitializationType.ON_DEMAND.lambdaName()
                    : initializationType().lambdaName());
            g.writeStringField("cpu", cpuLine());
            g.writeStringField("outliers", Sweep.OUTLIER_RULE);
            g.writeStringField("prices_date", r.prices().date());
            g.writeStringField("prices_region", r.prices().region());
            g.writeArrayFieldStart("sizes");
            for (SizeResult s : r.sizes()) {
                g.writeStartObject();
                g.writeNumberField("memory_mb", s.memoryMb());
                number(g, "init_vcpu", emulatorLimited ? initializationType().initVcpu(s.memoryMb()) : Double.NaN);
                number(g, "vcpu", emulatorLimited ? InitializationType.invokeVcpu(s.memoryMb()) : Double.NaN);
                number(g, "init_duration_ms", s.initMs() < 0 ? Double.NaN : s.initMs());
                number(g, "duration_p50_ms", s.p50Ms());
                number(g, "duration_p90_ms", s.p90Ms());
                number(g, "billed_mean_ms", s.billedMeanMs());
                if (s.maxMemoryUsedMb() >= 0) {
                    g.writeNumberField("max_memory_used_mb", s.maxMemoryUsedMb());
                } else {
                    g.writeNullField("max_memory_used_mb");
                }
                number(g, "usd_per_million", s.usdPerMillion());
                g.writeNumberField("measured", s.measured());
                g.writeNumberField("dropped", s.dropped());
                g.writeNumberField("failed", s.failed());
                g.writeBooleanField("usable", s.usable());
                if (s.error() != null) {
                    g.writeStringField("error", s.error());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            choiceJson(g, "cheapest_mb", r.cheapest());
            choiceJson(g, "fastest_mb", r.fastest());
            choiceJson(g, "balanced_mb", r.balanced());
            g.writeEndObject();
        }
        t.stream().println();
    }

    private static void number(JsonGenerator g, String name, double value) throws IOException {
        if (Double.isNaN(value)) {
            g.writeNullField(name);
        } else {
            g.writeNumberField(name, value);
        }
    }

    private static void choiceJson(JsonGenerator g, String name, Optional<SizeResult> size) throws IOException {
        if (size.isPresent()) {
            g.writeNumberField(name, size.get().memoryMb());
        } else {
            g.writeNullField(name);
        }
    }
}

package lambert.benchmarks;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import lambert.runtime.bundle.ModelBundle;
import lambert.toolkit.emulator.Emulator;
import lambert.toolkit.emulator.Report;
import lambert.toolkit.emulator.RuntimeJars;
import lambert.toolkit.models.ModelResolver;
import lambert.toolkit.packaging.CpuArch;
import lambert.toolkit.packaging.FunctionConfig;
import lambert.toolkit.packaging.FunctionJson;
import lambert.toolkit.packaging.JdkNotFoundException;
import lambert.toolkit.packaging.PackageReport;
import lambert.toolkit.packaging.Packager;

/**
 * Functions against functions (issue 11, part 1): lambert's package (all-MiniLM-L6-v2 int8, x86_64) and the
 * transformers.js peer packaged as a custom-runtime function (the same int8 file, behind AWS's Node.js runtime
 * interface client, {@code benchmarks/build-transformersjs-function.sh}), both in the emulator, under the same CPU
 * quota and INIT model, alternating, at each memory size: cold start (Init Duration + first Duration), warm Duration
 * p50 and p99 over back-to-back invocations after a warm-up, Max Memory Used. Prints one Markdown table per size,
 * medians over the runs, with the ratios lambert / peer. Where a JDK 25 is found (as {@code lambert package --runtime
 * provided.al2023} finds it), lambert's custom-runtime package of the same bundle (issue 12: jlinked JDK, its own
 * Runtime API loop, the AOT cache trained at package time) runs in the same rotation, with its ratios to the managed
 * package and to the peer.
 *
 * <p>Run it from the repository root with {@code benchmarks/run-function-vs-function.sh [RUNS] [WARM]}, on a quiet
 * machine: it builds the peer function first.
 */
public final class FunctionVsFunction {
    private static final List<Integer> MEMORY_MB = List.of(1769, 512);
    private static final byte[] EVENT = "{\"text\": \"Hey, how are you?\"}".getBytes(StandardCharsets.UTF_8);

    private FunctionVsFunction() {}

    /** Arguments: the peer's zip (its {@code function.json} beside it), runs (default 5), warm invocations (300). */
    public static void main(String[] args) throws Exception {
        Path peer = Path.of(args[0]);
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int warm = args.length > 2 ? Integer.parseInt(args[2]) : 300;
        Path bundle = new ModelResolver(ModelResolver.defaultHome()).resolve("minilm-int8-export");
        Path zip = Files.createTempDirectory("lambert-bench").resolve("function.zip");
        PackageReport pkg = Packager.build(ModelBundle.open(bundle), CpuArch.X86_64, zip);
        Path customZip = Files.createTempDirectory("lambert-bench").resolve("function.zip");
        PackageReport custom;
        try {
            custom = Packager.build(ModelBundle.open(bundle), CpuArch.X86_64, "provided.al2023", customZip);
            System.out.printf(Locale.ROOT, "lambert provided.al2023 package %.1f MB zipped, %.1f MB unzipped%n",
                    custom.zipBytes() / 1048576.0, custom.unzippedBytes() / 1048576.0);
        } catch (JdkNotFoundException e) {
            custom = null;
            System.out.println("no provided.al2023 column: " + e.getMessage());
        }
        String peerHandler = FunctionJson.next(peer).string("handler", "index.handler");
        System.out.printf(Locale.ROOT, "lambert package %.1f MB zipped, %.1f MB unzipped; peer %.1f MB zipped; "
                + "medians of %d runs, %d warm invocations after 50 warm-up ones%n", pkg.zipBytes() / 1048576.0,
                pkg.unzippedBytes() / 1048576.0, Files.size(peer) / 1048576.0, runs, warm);
        for (int memoryMb : MEMORY_MB) {
            List<double[]> lambert = new ArrayList<>();
            List<double[]> node = new ArrayList<>();
            List<double[]> own = new ArrayList<>();
            for (int run = 0; run < runs; run++) {
                lambert.add(measure(zip, FunctionConfig.HANDLER, FunctionConfig.ENVIRONMENT, memoryMb, warm));
                node.add(measure(peer, peerHandler, Map.of(), memoryMb, warm));
                if (custom != null) {
                    own.add(measure(customZip, FunctionConfig.HANDLER, Map.of(), memoryMb, warm));
                }
                System.err.printf(Locale.ROOT, "%d MB run %d: lambert %s, transformers.js %s%s%n", memoryMb, run + 1,
                        Arrays.toString(lambert.get(run)), Arrays.toString(node.get(run)),
                        custom != null ? ", provided.al2023 " + Arrays.toString(own.get(run)) : "");
            }
            double[] l = FunctionVsTransformersJs.medians(lambert);
            double[] p = FunctionVsTransformersJs.medians(node);
            System.out.printf(Locale.ROOT, "%n%d MB%n%n| | cold start (ms) | warm p50 (ms) | warm p99 (ms) | Max Memory "
                    + "Used (MB) |%n|---|---|---|---|---|%n", memoryMb);
            System.out.printf(Locale.ROOT, "| lambert (java21, AWS's Java client) | %.0f (Init %.0f + first %.0f) | "
                    + "%.2f | %.2f | %.0f |%n", l[0] + l[1], l[0], l[1], l[2], l[3], l[4]);
            System.out.printf(Locale.ROOT, "| transformers.js q8 (provided.al2023, AWS's Node.js client) | %.0f "
                    + "(Init %.0f + first %.0f) | %.2f | %.2f | %.0f |%n", p[0] + p[1], p[0], p[1], p[2], p[3], p[4]);
            System.out.printf(Locale.ROOT, "| **ratio lambert / transformers.js** | **%.2f** | **%.2f** | **%.2f** | "
                    + "**%.2f** |%n", (l[0] + l[1]) / (p[0] + p[1]), l[2] / p[2], l[3] / p[3], l[4] / p[4]);
            if (custom != null) {
                double[] c = FunctionVsTransformersJs.medians(own);
                System.out.printf(Locale.ROOT, "| lambert (provided.al2023: jlinked JDK 25, own loop, AOT cache) | %.0f "
                        + "(Init %.0f + first %.0f) | %.2f | %.2f | %.0f |%n", c[0] + c[1], c[0], c[1], c[2], c[3], c[4]);
                System.out.printf(Locale.ROOT, "| **ratio provided.al2023 / java21** | **%.2f** | **%.2f** | **%.2f** | "
                        + "**%.2f** |%n", (c[0] + c[1]) / (l[0] + l[1]), c[2] / l[2], c[3] / l[3], c[4] / l[4]);
                System.out.printf(Locale.ROOT, "| **ratio provided.al2023 / transformers.js** | **%.2f** | **%.2f** | "
                        + "**%.2f** | **%.2f** |%n", (c[0] + c[1]) / (p[0] + p[1]), c[2] / p[2], c[3] / p[3], c[4] / p[4]);
            }
        }
    }

    /**
     * One fresh environment: Init ms, first Duration ms, warm Duration p50 and p99 ms, Max Memory Used MB (the most
     * over the run).
     */
    static double[] measure(Path zip, String handler, Map<String, String> env, int memoryMb, int warm)
            throws Exception {
        try (Emulator emulator = new Emulator(zip, handler, env, memoryMb, 30, line -> { }, RuntimeJars.locate())) {
            Report cold = emulator.invoke(EVENT);
            if (!cold.status().equals("success")) {
                throw new IllegalStateException(zip + " failed its first invocation: "
                        + new String(cold.response(), StandardCharsets.UTF_8));
            }
            emulator.invokeMany(EVENT, 50);
            double[] durations = new double[warm];
            long memory = cold.maxMemoryUsedMb();
            List<Report> reports = emulator.invokeMany(EVENT, warm);
            for (int i = 0; i < warm; i++) {
                durations[i] = reports.get(i).durationMs();
                memory = Math.max(memory, reports.get(i).maxMemoryUsedMb());
            }
            Arrays.sort(durations);
            return new double[] {cold.initDurationMs(), cold.durationMs(), durations[warm / 2],
                durations[Math.min(warm - 1, (int) Math.ceil(warm * 0.99) - 1)], memory};
        }
    }
}

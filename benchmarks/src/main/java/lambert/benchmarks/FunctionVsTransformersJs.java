package lambert.benchmarks;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import lambert.runtime.bundle.ModelBundle;
import lambert.base.json.Json;
import lambert.toolkit.emulator.CpuQuota;
import lambert.toolkit.emulator.Emulator;
import lambert.toolkit.emulator.InitializationType;
import lambert.toolkit.emulator.Report;
import lambert.toolkit.emulator.RuntimeJars;
import lambert.toolkit.models.ModelResolver;
import lambert.toolkit.packaging.CpuArch;
import lambert.toolkit.packaging.FunctionConfig;
import lambert.toolkit.packaging.PackageReport;
import lambert.toolkit.packaging.Packager;

/**
 * The packaged function (all-MiniLM-L6-v2 int8, x86_64) in the emulator at 1769 MB against the
 * transformers.js peer on the same int8 file ({@code ../shared/peers/transformersjs}), in one run,
 * alternating: cold start (Init Duration + first Duration vs the peer's time to first embedding),
 * warm latency (Duration p50 over 300 back-to-back invocations after 50 warm-up ones, vs the peer's
 * warm p50 over 300 back-to-back calls after 50), memory (Max Memory Used vs
 * the peer's peak RSS). The peer runs under the same CPU quota as the function (1 vCPU at 1769 MB) and,
 * for reference, without one.
 *
 * <p>Run it from the repository root with {@code benchmarks/run-function-vs-transformersjs.sh [RUNS]},
 * which installs the peer (npm, without its install scripts) and builds its model folder first.
 */
public final class FunctionVsTransformersJs {
    private static final int MEMORY_MB = 1769;
    private static final int WARM = 300;

    private FunctionVsTransformersJs() {}

    public static void main(String[] args) throws Exception {
        Path peerDir = Path.of(args[0]);
        Path modelsRoot = Path.of(args[1]);
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        Path bundle = new ModelResolver(ModelResolver.defaultHome()).resolve("minilm-int8-export");
        Path zip = Files.createTempDirectory("lambert-bench").resolve("function.zip");
        PackageReport pkg = Packager.build(ModelBundle.open(bundle), CpuArch.X86_64, zip);
        List<double[]> lambert = new ArrayList<>();
        List<double[]> peerLimited = new ArrayList<>();
        List<double[]> peerFree = new ArrayList<>();
        for (int run = 0; run < runs; run++) {
            lambert.add(function(zip));
            peerLimited.add(peer(peerDir, modelsRoot, true));
            peerFree.add(peer(peerDir, modelsRoot, false));
            System.err.printf(Locale.ROOT, "run %d: lambert %s, transformers.js 1 vCPU %s, unlimited %s%n", run + 1,
                    java.util.Arrays.toString(lambert.get(run)), java.util.Arrays.toString(peerLimited.get(run)),
                    java.util.Arrays.toString(peerFree.get(run)));
        }
        double[] l = medians(lambert);
        double[] p = medians(peerLimited);
        double[] f = medians(peerFree);
        System.out.printf(Locale.ROOT, "Medians of %d runs; package %.1f MB zipped, %.1f MB unzipped.%n%n", runs,
                pkg.zipBytes() / 1048576.0, pkg.unzippedBytes() / 1048576.0);
        System.out.println("| | cold start: to first embedding (ms) | warm p50 (ms) | memory (MB) |");
        System.out.println("|---|---|---|---|");
        System.out.printf(Locale.ROOT, "| lambert function, emulator, 1769 MB (1 vCPU) | %.0f (Init %.0f + first "
                + "Duration %.0f) | %.2f (Duration) | %.0f (Max Memory Used) |%n", l[0] + l[1], l[0], l[1], l[2], l[3]);
        System.out.printf(Locale.ROOT, "| transformers.js q8, same 1 vCPU quota | %.0f | %.2f | %.0f (peak RSS) |%n",
                p[0], p[2], p[3]);
        System.out.printf(Locale.ROOT, "| **ratio lambert / transformers.js (1 vCPU)** | **%.2f** | **%.2f** | "
                + "**%.2f** |%n", (l[0] + l[1]) / p[0], l[2] / p[2], l[3] / p[3]);
        System.out.printf(Locale.ROOT, "| transformers.js q8, no quota (2 cores) | %.0f | %.2f | %.0f (peak RSS) |%n",
                f[0], f[2], f[3]);
        System.out.printf(Locale.ROOT, "| ratio lambert / transformers.js (no quota) | %.2f | %.2f | %.2f |%n",
                (l[0] + l[1]) / f[0], l[2] / f[2], l[3] / f[3]);
    }

    /** Init ms, first Duration ms, warm p50 Duration ms, Max Memory Used MB. */
    private static double[] function(Path zip) throws Exception {
        try (Emulator emulator = new Emulator(zip, FunctionConfig.HANDLER, FunctionConfig.ENVIRONMENT, MEMORY_MB, 30,
                line -> { }, RuntimeJars.locate())) {
            byte[] event = "{\"text\": \"Hey, how are you?\"}".getBytes(StandardCharsets.UTF_8);
            Report cold = emulator.invoke(event);
            emulator.invokeMany(event, 50);
            double[] warm = new double[WARM];
            long memory = cold.maxMemoryUsedMb();
            List<Report> reports = emulator.invokeMany(event, WARM);
            for (int i = 0; i < WARM; i++) {
                warm[i] = reports.get(i).durationMs();
                memory = Math.max(memory, reports.get(i).maxMemoryUsedMb());
            }
            java.util.Arrays.sort(warm);
            return new double[] {cold.initDurationMs(), cold.durationMs(), warm[WARM / 2], memory};
        }
    }

    /** First embedding ms, unused, warm p50 ms, peak RSS MB. */
    private static double[] peer(Path peerDir, Path modelsRoot, boolean limited) throws Exception {
        // at 1769 MB an on-demand function gets one vCPU in INIT and after it: the peer gets that vCPU throughout
        try (CpuQuota quota = limited ? CpuQuota.forMemory(MEMORY_MB, InitializationType.ON_DEMAND) : null) {
            String prefix = quota == null ? "" : quota.shellPrefix();
            ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", prefix + "exec node bench.mjs '" + modelsRoot
                    + "' minilm q8");
            pb.directory(peerDir.toFile());
            pb.redirectError(ProcessBuilder.Redirect.INHERIT);
            Process process = pb.start();
            String last = null;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    last = line;
                }
            }
            if (process.waitFor() != 0 || last == null) {
                throw new IllegalStateException("the transformers.js peer failed (exit " + process.exitValue() + ")");
            }
            Map<?, ?> result = (Map<?, ?>) Json.parse(last.getBytes(StandardCharsets.UTF_8));
            return new double[] {number(result, "first_embedding_ms"), 0, number(result, "warm_p50_ms"),
                number(result, "peak_rss_mb")};
        }
    }

    private static double number(Map<?, ?> map, String key) {
        return ((Number) map.get(key)).doubleValue();
    }

    /** The median of each metric over the samples. */
    static double[] medians(List<double[]> samples) {
        double[] out = new double[samples.get(0).length];
        for (int m = 0; m < out.length; m++) {
            final int metric = m;
            double[] values = samples.stream().mapToDouble(s -> s[metric]).sorted().toArray();
            out[m] = values.length % 2 == 1 ? values[values.length / 2]
                    : (values[values.length / 2 - 1] + values[values.length / 2]) / 2;
        }
        return out;
    }
}

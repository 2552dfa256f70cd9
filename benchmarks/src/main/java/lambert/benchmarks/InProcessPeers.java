package lambert.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import lambert.base.json.Json;
import lambert.onnx.optimize.Optimizer;
import lambert.runtime.bundle.ModelBundle;
import lambert.toolkit.emulator.CpuQuota;
import lambert.toolkit.emulator.InitializationType;
import lambert.toolkit.models.DerivedBundle;
import lambert.toolkit.models.ModelResolver;

/**
 * In-process, under one vCPU: lambert's runtime against transformers.js and Python + onnxruntime + tokenizers (the
 * stack lambert replaces), all on the same int8 all-MiniLM-L6-v2 file, each run a fresh process under the CPU
 * quota of a 1769 MB function (one vCPU), the peers alternating run by run. lambert runs twice: on the bundle as
 * it comes ({@code minilm-int8-export}, an ONNX file) and on the same bundle in ONNX Runtime's own format
 * ({@code lambert optimize --format ort}, what {@code package} ships), and a third time on the ORT file the way a
 * service that cares about its start runs a JVM: with an application class-data-sharing archive (made once, before
 * the runs, by a training run of the same child with {@code -XX:ArchiveClassesAtExit}, JDK 13+) and C1 only
 * ({@code -XX:TieredStopAtLevel=1}, as the function runs). lambert's children get the library's own class path (the
 * runtime's jars, as a service that embeds lambert has them, plus this module's jar for the child's main), not the
 * benchmarks' whole class path.
 *
 * <p>"First embedding" is measured by this process for every peer alike: from starting the child (its shell, its
 * runtime's start, imports, model load) to the child's {@code FIRST} line, printed as soon as the first vector of
 * "Hey, how are you?" exists. Then each child reports warm single-text p50/p99 (50 warm-up calls, 300 timed),
 * throughput over the texts in batches of 32, and peak RSS. Prints medians and ratios to the fastest peer.
 *
 * <p>Run it with {@code benchmarks/run-in-process-peers.sh [RUNS]}, which installs transformers.js (npm) and a
 * Python venv with onnxruntime, tokenizers and numpy (from the machine's pip mirror), builds the peers' model
 * folder, then calls {@code InProcessPeers NODE_PEER_DIR MODELS_ROOT PYTHON TEXTS_FILE RUNS}.
 */
public final class InProcessPeers {
    private static final List<String> METRICS = List.of("first_ms", "warm_p50_ms", "warm_p99_ms", "throughput",
            "peak_rss_mb");

    private InProcessPeers() {}

    public static void main(String[] args) throws Exception {
        Path nodePeer = Path.of(args[0]);
        Path modelsRoot = Path.of(args[1]);
        String python = args[2];
        Path texts = Path.of(args[3]).toAbsolutePath();
        int runs = args.length > 4 ? Integer.parseInt(args[4]) : 3;
        Path peers = Path.of("benchmarks", "peers").toAbsolutePath();
        Path export = new ModelResolver(ModelResolver.defaultHome()).resolve("minilm-int8-export");
        Path ort = ortBundle(export, Path.of("benchmarks", "target", "in-process", "minilm-int8-export-ort"));
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String main = " -cp '" + libraryClassPath() + "' " + InProcessPeer.class.getName();
        String java = javaBin + main;
        Path archive = Path.of("benchmarks", "target", "in-process", "lambert-appcds.jsa").toAbsolutePath();
        String archived = javaBin + " -XX:TieredStopAtLevel=1 -XX:SharedArchiveFile='" + archive + "'" + main;
        trainArchive(javaBin + " -XX:TieredStopAtLevel=1 -XX:ArchiveClassesAtExit='" + archive + "'" + main + " '" + ort
                + "' '" + texts + "'", archive);
        Map<String, String> commands = new LinkedHashMap<>();
        commands.put("lambert, bundle as it comes (ONNX file)", java + " '" + export + "' '" + texts + "'");
        commands.put("lambert, ONNX Runtime format (what package ships)", java + " '" + ort + "' '" + texts + "'");
        commands.put("lambert, ORT format, AppCDS archive + C1", archived + " '" + ort + "' '" + texts + "'");
        // Node resolves the script's imports next to the script: it runs from the peer's folder (the run script
        // copies it there, next to node_modules)
        commands.put("transformers.js q8", "cd '" + nodePeer + "' && exec node first-embedding.mjs '" + modelsRoot
                + "' minilm '" + texts + "'");
        commands.put("Python onnxruntime + tokenizers", "exec '" + python + "' '" + peers.resolve(
                "first_embedding.py") + "' '" + modelsRoot.resolve("minilm") + "' '" + texts + "'");
        Map<String, List<Map<String, Double>>> samples = new LinkedHashMap<>();
        List<String> names = new ArrayList<>(commands.keySet());
        for (int run = 0; run < runs; run++) {
            for (int i = 0; i < names.size(); i++) {
                String name = names.get((i + run) % names.size());
                Map<String, Double> sample = runOnce(commands.get(name));
                samples.computeIfAbsent(name, k -> new ArrayList<>()).add(sample);
                System.err.printf(Locale.ROOT, "run %d, %s: %s%n", run + 1, name, sample);
            }
        }
        Map<String, Map<String, Double>> medians = new LinkedHashMap<>();
        for (String name : names) {
            medians.put(name, PeerComparison.medians(samples.get(name), METRICS));
        }
        String fastest = names.stream().filter(n -> !n.startsWith("lambert"))
                .min((a, b) -> Double.compare(medians.get(a).get("first_ms"), medians.get(b).get("first_ms")))
                .orElseThrow();
        System.out.printf(Locale.ROOT, "Medians of %d fresh processes per peer, each under a one-vCPU quota; %d "
                + "texts in batches of 32; fastest-starting peer: %s.%n%n", runs, Files.readAllLines(texts).stream()
                .filter(l -> !l.isBlank()).count(), fastest);
        System.out.println("| peer | first embedding from process start (ms) | warm p50 (ms) | warm p99 (ms) | "
                + "throughput (texts/s) | peak RSS (MB) |");
        System.out.println("|---|---|---|---|---|---|");
        for (String name : names) {
            Map<String, Double> m = medians.get(name);
            System.out.printf(Locale.ROOT, "| %s | %.0f | %.2f | %.2f | %.0f | %.0f |%n", name, m.get("first_ms"),
                    m.get("warm_p50_ms"), m.get("warm_p99_ms"), m.get("throughput"), m.get("peak_rss_mb"));
        }
        for (String name : names.stream().filter(n -> n.startsWith("lambert")).toList()) {
            Map<String, Double> l = medians.get(name);
            Map<String, Double> p = medians.get(fastest);
            System.out.printf(Locale.ROOT, "| **%s / %s** | **%.2f** | **%.2f** | **%.2f** | **%.2f** | **%.2f** |%n",
                    name.substring(0, name.indexOf(',')) + (name.contains("AppCDS") ? " (ORT, AppCDS + C1)"
                            : name.contains("format") ? " (ORT format)" : ""),
                    fastest, l.get("first_ms") / p.get("first_ms"), l.get("warm_p50_ms") / p.get("warm_p50_ms"),
                    l.get("warm_p99_ms") / p.get("warm_p99_ms"), l.get("throughput") / p.get("throughput"),
                    l.get("peak_rss_mb") / p.get("peak_rss_mb"));
        }
    }

    /**
     * The class path a service embedding lambert has: the runtime library's jars (the function's class path, which
     * the lambda module lists, found on this process's class path) and this module's jar for the child's main. Jars
     * only, as a class-data-sharing archive needs.
     */
    private static String libraryClassPath() throws IOException {
        Map<String, String> onClassPath = new LinkedHashMap<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            onClassPath.putIfAbsent(Path.of(entry).getFileName().toString(), entry);
        }
        List<String> jars = new ArrayList<>();
        try (var in = InProcessPeers.class.getClassLoader().getResourceAsStream("lambert/lambda/function-classpath.txt")) {
            if (in == null) {
                throw new IOException("no lambert/lambda/function-classpath.txt on the class path: build the lambda module");
            }
            for (String listed : new String(in.readAllBytes(), StandardCharsets.UTF_8).trim()
                    .split(java.io.File.pathSeparator)) {
                String name = Path.of(listed.trim()).getFileName().toString();
                String jar = onClassPath.getOrDefault(name, listed.trim());
                if (!jar.endsWith(".jar") || !Files.isRegularFile(Path.of(jar))) {
                    throw new IOException("the runtime's class path names " + listed + ", which is not a jar here: run "
                            + "benchmarks/run-in-process-peers.sh (it packages the modules first)");
                }
                jars.add(jar);
            }
        }
        Path classes = Path.of(InProcessPeer.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        try (var siblings = Files.list(classes.getParent())) {
            jars.add(siblings.filter(p -> p.getFileName().toString().matches("lambert-benchmarks-.*[0-9T]\\.jar"))
                    .findFirst().orElseThrow(() -> new IOException("no lambert-benchmarks jar next to " + classes))
                    .toString());
        }
        return String.join(java.io.File.pathSeparator, jars);
    }

    /** Writes the class-data-sharing archive afresh (the jars may have changed since the last run). */
    private static void trainArchive(String command, Path archive) throws Exception {
        Files.deleteIfExists(archive);
        Process process = new ProcessBuilder("/bin/sh", "-c", command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (process.waitFor() != 0 || !Files.isRegularFile(archive)) {
            throw new IllegalStateException("the training run did not write " + archive + ": " + command);
        }
    }

    /** The export in ONNX Runtime's own format, made once (as {@code lambert optimize --format ort} does). */
    private static Path ortBundle(Path export, Path out) throws IOException {
        if (Files.isRegularFile(out.resolve("lambert.json"))) {
            return out.toAbsolutePath();
        }
        ModelBundle source = ModelBundle.open(export);
        Path ort = Files.createTempFile("lambert-in-process", Optimizer.ORT_FORMAT_SUFFIX);
        try {
            Optimizer.optimize(source.modelPath(), ort, Optimizer.Level.EXTENDED);
            DerivedBundle.write(out, DerivedBundle.manifestOf(source).withOptimization("extended", "model"
                    + Optimizer.ORT_FORMAT_SUFFIX), ort, source, true);
        } finally {
            Files.deleteIfExists(ort);
        }
        return out.toAbsolutePath();
    }

    /** One fresh child under a one-vCPU quota: time to its FIRST line, then its JSON figures. */
    private static Map<String, Double> runOnce(String command) throws Exception {
        try (CpuQuota quota = CpuQuota.forMemory(CpuQuota.MB_PER_VCPU, InitializationType.ON_DEMAND)) {
            ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", quota.shellPrefix() + command);
            pb.redirectError(ProcessBuilder.Redirect.INHERIT);
            long start = System.nanoTime();
            Process process = pb.start();
            double firstMs = -1;
            String last = null;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    if (firstMs < 0 && line.startsWith("FIRST ")) {
                        firstMs = (System.nanoTime() - start) / 1e6;
                    }
                    last = line;
                }
            }
            if (process.waitFor() != 0 || firstMs < 0 || last == null) {
                throw new IllegalStateException("peer failed (exit " + process.exitValue() + "): " + command);
            }
            Map<?, ?> json = (Map<?, ?>) Json.parse(last.getBytes(StandardCharsets.UTF_8));
            Map<String, Double> sample = new LinkedHashMap<>();
            sample.put("first_ms", firstMs);
            for (String metric : METRICS.subList(1, METRICS.size())) {
                sample.put(metric, ((Number) json.get(metric)).doubleValue());
            }
            return sample;
        }
    }
}

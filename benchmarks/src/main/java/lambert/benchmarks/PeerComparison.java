package lambert.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import lambert.base.json.Json;
import lambert.base.json.JsonException;
import lambert.toolkit.models.ModelResolver;

/**
 * lambert against LangChain4j's in-process all-MiniLM-L6-v2, fp32 and int8, on the same model
 * files, the same texts, the same machine and the same ONNX Runtime version, in one run. Each
 * measurement is a fresh JVM ({@link PeerProcess}); the two peers alternate run by run so that
 * drift in the machine hits both. Prints a Markdown table of medians and the lambert/LangChain4j
 * ratios.
 *
 * <p>Run it from the repository root:
 * <pre>
 * ./mvnw -q -DskipTests -pl benchmarks -am package
 * java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
 *     lambert.benchmarks.PeerComparison [RUNS]
 * </pre>
 * ({@code benchmarks/run-peers.sh} does both.) RUNS defaults to 5. To try other lambert settings, pass
 * {@code -Dlambert.bench.spinning=false} or {@code -Dlambert.bench.parallelism=2} to the driver.
 */
public final class PeerComparison {
    private static final String[] METRICS = {"first_ms", "warm_p50_ms", "warm_p99_ms", "throughput", "peak_rss_mb"};

    private PeerComparison() {}

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        ModelResolver resolver = new ModelResolver(ModelResolver.defaultHome());
        // LangChain4j's int8 is the shipped export: the same file on both sides
        Map<String, Path> bundles = Map.of("fp32", resolver.resolve("minilm"), "int8",
                resolver.resolve("minilm-int8-export"));
        StringBuilder table = new StringBuilder();
        table.append("| model | peer | first embedding, fresh JVM (ms) | warm p50 (ms) | warm p99 (ms) "
                + "| throughput, 256 mixed texts (texts/s) | peak RSS (MB) |\n");
        table.append("|---|---|---|---|---|---|---|\n");
        for (String variant : List.of("fp32", "int8")) {
            Map<String, List<Map<String, Double>>> samples = new LinkedHashMap<>();
            for (int run = 0; run < runs; run++) {
                List<String> order = run % 2 == 0 ? List.of("lambert", "langchain4j") : List.of("langchain4j", "lambert");
                for (String peer : order) {
                    Map<String, Double> sample = runOnce(peer, variant, bundles.get(variant));
                    samples.computeIfAbsent(peer, k -> new ArrayList<>()).add(sample);
                    System.err.printf(Locale.ROOT, "%s %s run %d: %s%n", variant, peer, run + 1, sample);
                }
            }
            Map<String, Double> lambert = medians(samples.get("lambert"));
            Map<String, Double> peer = medians(samples.get("langchain4j"));
            table.append(row(variant, "lambert", lambert)).append(row(variant, "LangChain4j", peer));
            table.append(String.format(Locale.ROOT, "| %s | **ratio lambert / LangChain4j** | **%.2f** | **%.2f** "
                    + "| **%.2f** | **%.2f** | **%.2f** |%n", variant, ratio(lambert, peer, "first_ms"),
                    ratio(lambert, peer, "warm_p50_ms"), ratio(lambert, peer, "warm_p99_ms"),
                    ratio(lambert, peer, "throughput"), ratio(lambert, peer, "peak_rss_mb")));
        }
        System.out.printf(Locale.ROOT, "Medians of %d fresh processes per peer; %d processors; %s %s.%n%n", runs,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                System.getProperty("java.version"));
        System.out.print(table);
    }

    private static Map<String, Double> runOnce(String peer, String variant, Path bundle) throws IOException,
            InterruptedException, JsonException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString()));
        for (String property : List.of("lambert.bench.spinning", "lambert.bench.parallelism")) {
            if (System.getProperty(property) != null) {
                command.add("-D" + property + "=" + System.getProperty(property));
            }
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), PeerProcess.class.getName(), peer,
                variant, bundle.toString()));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        long start = System.nanoTime();
        Process process = pb.start();
        double firstMs = -1;
        String result = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.startsWith("FIRST")) {
                    firstMs = (System.nanoTime() - start) / 1e6;
                } else if (line.startsWith("{")) {
                    result = line;
                }
            }
        }
        if (process.waitFor() != 0 || result == null || firstMs < 0) {
            throw new IllegalStateException(peer + " " + variant + " failed (exit " + process.exitValue() + ")");
        }
        Map<String, Double> sample = new LinkedHashMap<>();
        sample.put("first_ms", firstMs);
        for (Map.Entry<?, ?> e : ((Map<?, ?>) Json.parse(result.getBytes(StandardCharsets.UTF_8))).entrySet()) {
            sample.put((String) e.getKey(), ((Number) e.getValue()).doubleValue());
        }
        return sample;
    }

    private static Map<String, Double> medians(List<Map<String, Double>> samples) {
        return medians(samples, List.of(METRICS));
    }

    /** The median of each of {@code metrics} over the samples (shared with {@link InProcessPeers}). */
    static Map<String, Double> medians(List<Map<String, Double>> samples, List<String> metrics) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String metric : metrics) {
            double[] values = samples.stream().mapToDouble(s -> s.get(metric)).sorted().toArray();
            out.put(metric, values.length % 2 == 1 ? values[values.length / 2]
                    : (values[values.length / 2 - 1] + values[values.length / 2]) / 2);
        }
        return out;
    }

    private static double ratio(Map<String, Double> a, Map<String, Double> b, String metric) {
        return a.get(metric) / b.get(metric);
    }

    private static String row(String variant, String peer, Map<String, Double> m) {
        return String.format(Locale.ROOT, "| %s | %s | %.0f | %.2f | %.2f | %.0f | %.0f |%n", variant, peer,
                m.get("first_ms"), m.get("warm_p50_ms"), m.get("warm_p99_ms"), m.get("throughput"),
                m.get("peak_rss_mb"));
    }
}

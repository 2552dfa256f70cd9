package lambert.benchmarks;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import lambert.runtime.bundle.ModelBundle;
import lambert.toolkit.emulator.Emulator;
import lambert.toolkit.emulator.Report;
import lambert.toolkit.emulator.RuntimeJars;
import lambert.toolkit.models.ModelResolver;
import lambert.toolkit.packaging.CpuArch;
import lambert.toolkit.packaging.FunctionConfig;
import lambert.toolkit.packaging.Packager;

/**
 * The default package in the emulator for many back-to-back invocations: failures, duration
 * percentiles, and Max Memory Used after 1, 1,000, 5,000, 10,000 and the last invocation, to tell
 * a leak from a heap that grows to its working size.
 *
 * <pre>
 * ./mvnw -q -DskipTests -pl benchmarks -am package
 * java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" lambert.benchmarks.Soak [N] [MB]
 * </pre>
 * N defaults to 20,000 invocations, MB to 512.
 */
public final class Soak {
    private Soak() {}

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int memory = args.length > 1 ? Integer.parseInt(args[1]) : 512;
        Path zip = Files.createTempDirectory("lambert-soak").resolve("function.zip");
        Packager.build(ModelBundle.open(new ModelResolver(ModelResolver.defaultHome()).resolve("minilm-int8")),
                CpuArch.X86_64, zip);
        byte[] event = "{\"text\": \"Hey, how are you?\"}".getBytes(StandardCharsets.UTF_8);
        List<Report> reports = new ArrayList<>();
        try (Emulator emulator = new Emulator(zip, FunctionConfig.HANDLER, FunctionConfig.ENVIRONMENT, memory, 30,
                line -> { }, RuntimeJars.locate())) {
            reports.add(emulator.invoke(event));
            while (reports.size() < count) {
                reports.addAll(emulator.invokeMany(event, Math.min(1000, count - reports.size())));
            }
        }
        long failed = reports.stream().filter(r -> !r.status().equals("success")).count();
        double[] durations = reports.stream().mapToDouble(Report::durationMs).sorted().toArray();
        System.out.printf(Locale.ROOT, "%d invocations at %d MB, %d failed; Duration p50 %.2f ms, p99 %.2f ms, "
                + "max %.2f ms%n", reports.size(), memory, failed, durations[durations.length / 2],
                durations[(int) (durations.length * 0.99)], durations[durations.length - 1]);
        StringBuilder memoryLine = new StringBuilder("Max Memory Used after");
        for (int n : new int[] {1, 1000, 5000, 10_000, reports.size()}) {
            if (n <= reports.size()) {
                memoryLine.append(String.format(Locale.ROOT, " %,d: %d MB;", n, reports.get(n - 1).maxMemoryUsedMb()));
            }
        }
        System.out.println(memoryLine);
    }
}

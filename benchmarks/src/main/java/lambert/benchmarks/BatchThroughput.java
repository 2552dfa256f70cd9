package lambert.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import lambert.toolkit.batch.BatchCost;
import lambert.toolkit.batch.BatchRun;
import lambert.toolkit.batch.EmulatorTarget;
import lambert.toolkit.batch.FunctionInfo;
import lambert.toolkit.batch.InputSpec;
import lambert.toolkit.batch.TokenCounter;
import lambert.toolkit.cost.Prices;
import lambert.toolkit.packaging.CpuArch;
import lambert.toolkit.packaging.FunctionJson;

/**
 * {@code lambert batch}'s driver against 1, 2 and 4 emulated Lambda environments of one package (each its own JVM
 * through AWS's runtime interface client, CPU limited to the memory's share of a vCPU as on Lambda): texts per second,
 * and the cost per million texts from the environments' billed durations at the package's memory size. The texts are
 * the benchmarks' mixed set (3 to 60 words), sent at the function's default limits (256 texts per request).
 *
 * <pre>
 * ./lambert package --model minilm-int8 --out /tmp/batch-bench/function.zip
 * ./mvnw -q -DskipTests -pl benchmarks -am package
 * java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" lambert.benchmarks.BatchThroughput \
 *     /tmp/batch-bench/function.zip [TEXTS] [ENVIRONMENTS,...]
 * </pre>
 * TEXTS defaults to 20,000 and ENVIRONMENTS to {@code 1,2,4}. On a machine with fewer cores than environments the
 * environments share them, so the figure then measures the machine, not the driver: say the core count and the load
 * average with the figures.
 */
public final class BatchThroughput {
    private BatchThroughput() {}

    public static void main(String[] args) throws Exception {
        Path zip = Path.of(args[0]);
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        String[] environments = (args.length > 2 ? args[2] : "1,2,4").split(",");
        int memoryMb = FunctionJson.next(zip).integer("memory_mb", 1769);
        BatchCost cost = new BatchCost(Prices.DEFAULT, memoryMb, CpuArch.X86_64);
        Path dir = Files.createTempDirectory("lambert-batch-bench");
        Path in = dir.resolve("texts.txt");
        List<String> texts = MixedTexts.generate(count, 42);
        Files.write(in, texts);
        System.out.printf(Locale.ROOT, "%d mixed texts, %s, %d MB, %d cores%n", count, zip, memoryMb,
                Runtime.getRuntime().availableProcessors());
        for (String n : environments) {
            int envs = Integer.parseInt(n.trim());
            try (EmulatorTarget target = EmulatorTarget.start(zip, envs)) {
                FunctionInfo info = target.info();
                Path out = dir.resolve("out-" + envs + ".jsonl");
                long start = System.nanoTime();
                BatchRun.Counts c = BatchRun.run(target, info, InputSpec.lines(in), new BatchRun.Files(out, null, null),
                        new BatchRun.Options(envs, 0, 0, 2, lambert.toolkit.batch.Backoff.defaults(), false, true),
                        TokenCounter.estimate(), x -> { }, null);
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf(Locale.ROOT, "environments %d: %d done, %d rejected in %.1f s = %.0f texts/s; "
                        + "%d requests, billed %d ms; $%.3f per million texts%n", envs, c.done(), c.rejected(), seconds,
                        c.done() / seconds, c.requests(), c.billedMs(), cost.spent(c) / c.done() * 1e6);
            }
        }
    }
}

package lambert.benchmarks;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import lambert.runtime.Model;
import lambert.runtime.ModelOptions;
import lambert.runtime.session.EngineOptions;
import lambert.runtime.session.Optimization;
import lambert.runtime.task.Parameters;
import lambert.toolkit.models.ModelResolver;

/**
 * lambert's own engine settings against each other, in one JVM: session creation time per
 * optimisation level, warm latency with idle time between calls, then warm single-text latency (a short text and
 * the longest of the 256) and 256-text throughput over threads x spinning x micro-batch size x parallelism, and
 * the same for the defaults as they resolve for the model. The figures behind lambert's defaults.
 *
 * <pre>
 * ./mvnw -q -DskipTests -pl benchmarks -am package
 * java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
 *     lambert.benchmarks.EngineSweep [minilm|minilm-int8]
 * </pre>
 */
public final class EngineSweep {
    private EngineSweep() {}

    public static void main(String[] args) throws Exception {
        String name = args.length > 0 ? args[0] : "minilm";
        Path bundle = new ModelResolver(ModelResolver.defaultHome()).resolve(name);
        List<String> texts = MixedTexts.generate(256, 42);
        System.out.println("model " + name);
        for (Optimization level : List.of(Optimization.NONE, Optimization.BASIC, Optimization.EXTENDED,
                Optimization.ALL)) {
            ModelOptions options = ModelOptions.defaults().withEngine(new EngineOptions(0, false, level));
            long best = Long.MAX_VALUE;
            for (int i = 0; i < 3; i++) {
                long s = System.nanoTime();
                try (Model model = Model.open(bundle, options)) {
                    best = Math.min(best, System.nanoTime() - s);
                }
            }
            System.out.printf(Locale.ROOT, "load with optimisation %-8s best of 3: %6.0f ms%n", level, best / 1e6);
        }
        idleGaps(bundle);
        // the longest mixed text: what a second thread buys a single call
        String longText = texts.get(0);
        for (String text : texts) {
            if (text.length() > longText.length()) {
                longText = text;
            }
        }
        System.out.println("threads spinning rows parallel  warm_p50_ms  long_p50_ms  throughput_texts_per_s");
        int processors = Runtime.getRuntime().availableProcessors();
        for (int threads : new int[] {1, processors}) {
            for (boolean spinning : new boolean[] {false, true}) {
                for (int[] batching : new int[][] {{1, 1}, {8, 1}, {32, 1}, {1, processors}, {8, processors}}) {
                    ModelOptions options = ModelOptions.defaults()
                            .withEngine(new EngineOptions(threads, spinning, Optimization.AUTO))
                            .withBatching(8192, batching[0], batching[1]);
                    sweepRow(bundle, options, texts, longText, String.format(Locale.ROOT, "%7d %8s %4d %8d",
                            threads, spinning, batching[0], batching[1]));
                }
            }
        }
        sweepRow(bundle, ModelOptions.defaults(), texts, longText, null);
    }

    /**
     * Warm p50 of a short and of a long text, then 256-text throughput, under {@code options}; a null label names
     * the defaults as they resolved for this model.
     */
    private static void sweepRow(Path bundle, ModelOptions options, List<String> texts, String longText,
            String label) {
        try (Model model = Model.open(bundle, options)) {
            if (label == null) {
                System.out.printf(Locale.ROOT, "defaults for this model: %d threads, %s%n", model.threads(),
                        model.manifest().batchInvariant() ? "micro-batches of 8, one after another"
                                : "one text per call, one call per processor at once");
                label = "defaults                    ";
            }
            double shortP50 = p50(model, PeerProcess.TEXT, 300);
            double longP50 = p50(model, longText, 50);
            model.predict(texts, Parameters.defaults());
            long s = System.nanoTime();
            for (int r = 0; r < 3; r++) {
                model.predict(texts, Parameters.defaults());
            }
            double throughput = 3 * texts.size() / ((System.nanoTime() - s) / 1e9);
            System.out.printf(Locale.ROOT, "%s  %11.3f  %11.3f  %10.1f%n", label, shortP50, longP50, throughput);
        }
    }

    /** The median of {@code calls} single-text calls after as many unmeasured ones, in ms. */
    private static double p50(Model model, String text, int calls) {
        List<String> one = List.of(text);
        for (int i = 0; i < calls; i++) {
            model.predict(one, Parameters.defaults());
        }
        long[] nanos = new long[calls];
        for (int i = 0; i < calls; i++) {
            long s = System.nanoTime();
            model.predict(one, Parameters.defaults());
            nanos[i] = System.nanoTime() - s;
        }
        java.util.Arrays.sort(nanos);
        return nanos[calls / 2] / 1e6;
    }

    /**
     * The same single-text call back to back and with idle time between calls (1 thread): what the
     * CPU does between calls shows in the latency, which is why the emulator queues invocations
     * back to back when it compares with a peer's back-to-back loop.
     */
    private static void idleGaps(Path bundle) throws InterruptedException {
        ModelOptions options = ModelOptions.defaults().withEngine(new EngineOptions(1, true, Optimization.AUTO));
        try (Model model = Model.open(bundle, options)) {
            List<String> text = List.of(PeerProcess.TEXT);
            for (int i = 0; i < 300; i++) {
                model.predict(text, Parameters.defaults());
            }
            for (int gapMs : new int[] {0, 2, 15}) {
                long[] nanos = new long[300];
                for (int i = 0; i < nanos.length; i++) {
                    if (gapMs > 0) {
                        Thread.sleep(gapMs);
                    }
                    long s = System.nanoTime();
                    model.predict(text, Parameters.defaults());
                    nanos[i] = System.nanoTime() - s;
                }
                java.util.Arrays.sort(nanos);
                System.out.printf(Locale.ROOT, "idle %2d ms between calls, 1 thread: warm p50 %.3f ms%n", gapMs,
                        nanos[nanos.length / 2] / 1e6);
            }
        }
    }
}

package lambert.benchmarks;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.io.InputStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import lambert.onnx.checkpoint.Checkpoint;
import lambert.onnx.checkpoint.ModelConfig;
import lambert.onnx.checkpoint.Tensor;
import lambert.toolkit.bundling.ConvertOptions;
import lambert.toolkit.bundling.ConvertReport;
import lambert.toolkit.bundling.Converter;
import lambert.toolkit.bundling.ExportedCheckpoint;

/**
 * Conversion time and peak heap for the largest checkpoint this machine makes easily: a random
 * BERT-base ({@code bert-base-uncased}'s sizes: hidden 768, 12 layers, 12 heads, intermediate 3072,
 * vocabulary 30522; 109.5 M parameters, 438 MB of float32 safetensors). {@code prepare} writes the
 * checkpoint (with all-MiniLM-L6-v2's BERT-uncased {@code tokenizer.json}); {@code convert} runs
 * {@code lambert convert} on it in this process, equality check included (and, with
 * {@code --skip-check}, without), and prints the wall time per step and the peak heap: the largest
 * heap in use sampled every 2 ms, the sum of the heap pools' peaks (an upper bound), and the largest
 * heap left after a collection (the live data, which is what a smaller {@code -Xmx} must hold). Run
 * {@code convert} in a fresh JVM with {@code -Xmx2g} to show that it fits the 2 GB target:
 *
 * <pre>
 * benchmarks/run-convert.sh
 * # or by hand:
 * ./mvnw -q -DskipTests -pl benchmarks -am package
 * CP="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
 * java -cp "$CP" lambert.benchmarks.ConvertBertBase prepare /tmp/bert-base
 * java -Xmx2g -cp "$CP" lambert.benchmarks.ConvertBertBase convert /tmp/bert-base /tmp/bert-base-bundle
 * </pre>
 */
public final class ConvertBertBase {
    static final int HIDDEN = 768;
    static final int LAYERS = 12;
    static final int HEADS = 12;
    static final int INTERMEDIATE = 3072;
    static final int VOCAB = 30522;
    static final int POSITIONS = 512;

    private ConvertBertBase() {}

    public static void main(String[] args) throws Exception {
        if (args.length >= 2 && args[0].equals("prepare")) {
            prepare(Path.of(args[1]));
        } else if (args.length >= 3 && args[0].equals("convert")) {
            convert(Path.of(args[1]), Path.of(args[2]), args.length > 3 && args[3].equals("--skip-check"));
        } else {
            System.err.println("usage: ConvertBertBase prepare DIR | convert DIR OUT [--skip-check]");
            System.exit(2);
        }
    }

    /** Writes the random BERT-base checkpoint folder. */
    static void prepare(Path dir) throws Exception {
        long start = System.nanoTime();
        Checkpoint checkpoint = randomBertBase(new Random(110));
        long parameters = checkpoint.weights().values().stream().mapToLong(t -> t.data().length).sum();
        ExportedCheckpoint.write(checkpoint, dir, false);
        try (InputStream in = ConvertBertBase.class.getClassLoader()
                .getResourceAsStream("all-minilm-l6-v2-tokenizer.json")) {
            Files.copy(in, dir.resolve("tokenizer.json"), StandardCopyOption.REPLACE_EXISTING);
        }
        System.out.printf(Locale.ROOT, "%s: random BERT-base, %.1f M parameters, model.safetensors %.0f MB (%.1f s)%n",
                dir, parameters / 1e6, Files.size(dir.resolve("model.safetensors")) / 1e6,
                (System.nanoTime() - start) / 1e9);
    }

    /** Converts the checkpoint and prints time per step and peak heap. */
    static void convert(Path dir, Path out, boolean skipCheck) throws Exception {
        AtomicLong peak = new AtomicLong();
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peak.accumulateAndGet(heapUsed(), Math::max);
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "heap-sampler");
        sampler.setDaemon(true);
        AtomicLong afterGc = new AtomicLong();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) gc).addNotificationListener((notification, handback) -> {
                if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                    GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from(
                            (CompositeData) notification.getUserData());
                    long used = info.getGcInfo().getMemoryUsageAfterGc().values().stream()
                            .mapToLong(MemoryUsage::getUsed).sum();
                    afterGc.accumulateAndGet(used, Math::max);
                }
            }, null, null);
        }
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            pool.resetPeakUsage();
        }
        sampler.start();
        long start = System.nanoTime();
        ConvertReport report = Converter.convert(ConvertOptions.of(dir, out).withForce(true).withSkipCheck(skipCheck),
                step -> System.out.printf(Locale.ROOT, "  %6.1f s  %s%n", (System.nanoTime() - start) / 1e9, step));
        double seconds = (System.nanoTime() - start) / 1e9;
        sampler.interrupt();
        sampler.join();
        long poolPeaks = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                poolPeaks += pool.getPeakUsage().getUsed();
            }
        }
        Map<String, Double> ms = new LinkedHashMap<>(report.timingsMs());
        List<String> steps = new ArrayList<>();
        ms.forEach((k, v) -> steps.add(String.format(Locale.ROOT, "%s %.1f s", k, v / 1000)));
        System.out.printf(Locale.ROOT, "converted %.1f M parameters in %.1f s (%s)%n", report.parameters() / 1e6,
                seconds, String.join(", ", steps));
        System.out.printf(Locale.ROOT, "check: %s%n", report.check() == null ? "skipped"
                : String.format(Locale.ROOT, "%d texts, max abs diff %.2e", report.check().texts(),
                        report.check().maxAbsDiff()));
        System.out.printf(Locale.ROOT, "peak heap used: %.0f MB sampled, %.0f MB sum of pool peaks, %.0f MB largest "
                + "after a collection (live data); max heap %.0f MB; %d processors; %s %s%n", peak.get() / 1048576.0,
                poolPeaks / 1048576.0, afterGc.get() / 1048576.0,
                Runtime.getRuntime().maxMemory() / 1048576.0, Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name"), System.getProperty("java.version"));
    }

    private static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** bert-base-uncased's shapes, weights drawn as transformers initialises them (normal, std 0.02). */
    static Checkpoint randomBertBase(Random random) {
        Map<String, Tensor> weights = new LinkedHashMap<>();
        table(weights, random, "embeddings.word_embeddings.weight", VOCAB, HIDDEN);
        table(weights, random, "embeddings.position_embeddings.weight", POSITIONS, HIDDEN);
        table(weights, random, "embeddings.token_type_embeddings.weight", 2, HIDDEN);
        norm(weights, "embeddings.LayerNorm", HIDDEN);
        for (int i = 0; i < LAYERS; i++) {
            String l = "encoder.layer." + i + ".";
            linear(weights, random, l + "attention.self.query", HIDDEN, HIDDEN);
            linear(weights, random, l + "attention.self.key", HIDDEN, HIDDEN);
            linear(weights, random, l + "attention.self.value", HIDDEN, HIDDEN);
            linear(weights, random, l + "attention.output.dense", HIDDEN, HIDDEN);
            norm(weights, l + "attention.output.LayerNorm", HIDDEN);
            linear(weights, random, l + "intermediate.dense", INTERMEDIATE, HIDDEN);
            linear(weights, random, l + "output.dense", HIDDEN, INTERMEDIATE);
            norm(weights, l + "output.LayerNorm", HIDDEN);
        }
        linear(weights, random, "pooler.dense", HIDDEN, HIDDEN);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("architectures", List.of("BertModel"));
        config.put("model_type", "bert");
        config.put("vocab_size", (long) VOCAB);
        config.put("hidden_size", (long) HIDDEN);
        config.put("num_hidden_layers", (long) LAYERS);
        config.put("num_attention_heads", (long) HEADS);
        config.put("intermediate_size", (long) INTERMEDIATE);
        config.put("hidden_act", "gelu");
        config.put("max_position_embeddings", (long) POSITIONS);
        config.put("type_vocab_size", 2L);
        config.put("layer_norm_eps", 1e-12);
        config.put("pad_token_id", 0L);
        return new Checkpoint(ModelConfig.of(config), weights);
    }

    private static void table(Map<String, Tensor> w, Random random, String name, int rows, int width) {
        w.put(name, new Tensor(name, new long[] {rows, width}, normal(random, rows * width)));
    }

    private static void linear(Map<String, Tensor> w, Random random, String name, int out, int in) {
        w.put(name + ".weight", new Tensor(name + ".weight", new long[] {out, in}, normal(random, out * in)));
        w.put(name + ".bias", new Tensor(name + ".bias", new long[] {out}, new float[out]));
    }

    private static void norm(Map<String, Tensor> w, String name, int size) {
        float[] ones = new float[size];
        java.util.Arrays.fill(ones, 1f);
        w.put(name + ".weight", new Tensor(name + ".weight", new long[] {size}, ones));
        w.put(name + ".bias", new Tensor(name + ".bias", new long[] {size}, new float[size]));
    }

    private static float[] normal(Random random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (0.02 * random.nextGaussian());
        }
        return v;
    }
}

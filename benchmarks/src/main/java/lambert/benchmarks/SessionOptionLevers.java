package lambert.benchmarks;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import lambert.runtime.bundle.ModelBundle;
import lambert.runtime.tokenize.TextTokenizer;
import lambert.toolkit.models.ModelResolver;

/**
 * ONNX Runtime session options at init, each lever alone against the options lambert's function uses on one vCPU
 * (full optimisation, one intra-op thread, no spinning), alternating in one JVM: session creation, the session's
 * first run, warm single-text p50, and the largest difference of any output value from the defaults' on the same
 * real texts (0 means the lever keeps the answers). Run it pinned to one core, as a function of 1,769 MB or less gets:
 *
 * <pre>
 * ./mvnw -q -DskipTests -pl benchmarks -am package
 * taskset -c 1 java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
 *     -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
 *     lambert.benchmarks.SessionOptionLevers [minilm-int8|BUNDLE] [ROUNDS] [PRE_OPTIMISED_BUNDLE]
 * </pre>
 *
 * PRE_OPTIMISED_BUNDLE ({@code lambert optimize --model minilm-int8 --out B2}) adds the lever "file saved optimised
 * at EXTENDED, loaded with no optimisation", which is what {@code Optimization.AUTO} does for such a bundle.
 */
public final class SessionOptionLevers {
    private SessionOptionLevers() {}

    private interface Lever {
        void apply(OrtSession.SessionOptions options) throws OrtException;
    }

    public static void main(String[] args) throws Exception {
        ModelResolver resolver = new ModelResolver(ModelResolver.defaultHome());
        ModelBundle bundle = ModelBundle.open(resolver.resolve(args.length > 0 ? args[0] : "minilm-int8"));
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        Path preOptimised = args.length > 2 ? ModelBundle.open(Path.of(args[2])).modelPath() : null;
        Map<String, Lever> levers = new LinkedHashMap<>();
        levers.put("defaults (ALL)", o -> { });
        levers.put("EXTENDED", o -> o.setOptimizationLevel(OptLevel.EXTENDED_OPT));
        levers.put("BASIC", o -> o.setOptimizationLevel(OptLevel.BASIC_OPT));
        levers.put("NO_OPT", o -> o.setOptimizationLevel(OptLevel.NO_OPT));
        levers.put("no CPU arena", o -> o.setCPUArenaAllocator(false));
        levers.put("no pre-packing", o -> o.addConfigEntry("session.disable_prepacking", "1"));
        levers.put("no memory pattern", o -> o.setMemoryPatternOptimization(false));
        if (preOptimised != null) {
            levers.put("pre-optimised + NO_OPT", o -> o.setOptimizationLevel(OptLevel.NO_OPT));
        }
        List<long[]> texts = new ArrayList<>();
        try (TextTokenizer tokenizer = TextTokenizer.load(bundle.tokenizerPath(), bundle.manifest().maxLength())) {
            for (String text : List.of("Hey, how are you?", String.join(" ", MixedTexts.generate(6, 42)),
                    String.join(" ", MixedTexts.generate(24, 7)))) {
                texts.add(tokenizer.encode(text).ids());
            }
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Map<String, List<double[]>> results = new LinkedHashMap<>();
        float[][] reference = null;
        for (int round = -1; round < rounds; round++) { // round -1 warms the JVM and is left out
            for (Map.Entry<String, Lever> lever : levers.entrySet()) {
                Path model = lever.getKey().startsWith("pre-optimised") ? preOptimised : bundle.modelPath();
                try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                    options.setIntraOpNumThreads(1);
                    options.setInterOpNumThreads(1);
                    options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
                    options.addConfigEntry("session.intra_op.allow_spinning", "0");
                    options.setOptimizationLevel(OptLevel.ALL_OPT);
                    lever.getValue().apply(options);
                    long start = System.nanoTime();
                    try (OrtSession session = env.createSession(model.toString(), options)) {
                        double create = (System.nanoTime() - start) / 1e6;
                        long firstStart = System.nanoTime();
                        float[][] out = run(env, session, texts);
                        double first = (System.nanoTime() - firstStart) / 1e6;
                        double[] warm = new double[61];
                        for (int i = 0; i < warm.length; i++) {
                            long s = System.nanoTime();
                            run(env, session, texts.subList(0, 1));
                            warm[i] = (System.nanoTime() - s) / 1e6;
                        }
                        Arrays.sort(warm);
                        if (reference == null) {
                            reference = out;
                        }
                        double diff = 0;
                        for (int t = 0; t < out.length; t++) {
                            for (int i = 0; i < out[t].length; i++) {
                                diff = Math.max(diff, Math.abs(out[t][i] - reference[t][i]));
                            }
                        }
                        if (round >= 0) {
                            results.computeIfAbsent(lever.getKey(), k -> new ArrayList<>())
                                    .add(new double[] {create, first, warm[warm.length / 2], diff});
                        }
                    }
                }
            }
        }
        System.out.printf(Locale.ROOT, "%s, %d rounds, medians%n%-24s %10s %10s %10s %12s%n", bundle.dir(), rounds,
                "lever", "create ms", "first ms", "warm p50", "max |diff|");
        for (Map.Entry<String, List<double[]>> e : results.entrySet()) {
            System.out.printf(Locale.ROOT, "%-24s %10.1f %10.2f %10.3f %12.2e%n", e.getKey(), median(e.getValue(), 0),
                    median(e.getValue(), 1), median(e.getValue(), 2),
                    e.getValue().stream().mapToDouble(x -> x[3]).max().orElse(0));
        }
    }

    private static double median(List<double[]> rows, int column) {
        double[] v = rows.stream().mapToDouble(x -> x[column]).sorted().toArray();
        return v[v.length / 2];
    }

    /** The first output of each text, run one text at a time (all ones for the mask, zeros for the type ids). */
    private static float[][] run(OrtEnvironment env, OrtSession session, List<long[]> texts) throws OrtException {
        float[][] outs = new float[texts.size()][];
        for (int t = 0; t < texts.size(); t++) {
            long[] ids = texts.get(t);
            long[] mask = new long[ids.length];
            Arrays.fill(mask, 1);
            long[] shape = {1, ids.length};
            Map<String, OnnxTensor> feeds = new HashMap<>();
            try {
                for (String name : session.getInputNames()) {
                    long[] data = name.equals("input_ids") ? ids : name.equals("attention_mask") ? mask
                            : new long[ids.length];
                    feeds.put(name, OnnxTensor.createTensor(env, LongBuffer.wrap(data), shape));
                }
                try (OrtSession.Result result = session.run(feeds)) {
                    var buffer = ((OnnxTensor) result.get(0)).getFloatBuffer();
                    outs[t] = new float[buffer.remaining()];
                    buffer.get(outs[t]);
                }
            } finally {
                feeds.values().forEach(OnnxTensor::close);
            }
        }
        return outs;
    }
}

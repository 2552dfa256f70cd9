package lambert.benchmarks;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import lambert.onnx.io.ModelFiles;
import lambert.onnx.optimize.Optimizer;
import lambert.onnx.proto.Onnx;
import lambert.onnx.quantize.QuantizeOptions;
import lambert.onnx.quantize.Quantizer;
import lambert.onnx.quantize.SharedInputFusion;
import lambert.runtime.Model;
import lambert.runtime.ModelOptions;
import lambert.runtime.bundle.ModelBundle;
import lambert.runtime.session.EngineOptions;
import lambert.runtime.session.Optimization;
import lambert.runtime.task.Parameters;
import lambert.toolkit.models.DerivedBundle;
import lambert.toolkit.models.ModelResolver;
import lambert.toolkit.verify.ProseTexts;
import lambert.toolkit.verify.Verifier;
import lambert.toolkit.verify.VerifyReport;
import lambert.toolkit.verify.VerifyTexts;

/**
 * lambert's int8 all-MiniLM-L6-v2 against the int8 export shipped on Maven Central (made with ONNX
 * Runtime's Python quantiser) and the fp32 original, in one run, on the same texts: lambert's dynamic int8
 * ({@code --method contrib}, activations per tensor) and its blockwise int8 ({@code --method blockwise},
 * {@code MatMulNBits}, one variant per argument {@code BLOCK[:ACCURACY_LEVEL[:fused]]}, default {@code 32:4};
 * {@code fused} first makes each layer's query, key and value projections one MatMul) and its per-row int8
 * ({@code --method rowwise}, {@code MatMulIntegerToFloat} on activations quantised per token: argument
 * {@code rows[:fused]}). For
 * each: size, mean and minimum cosine against fp32 on the 1,100 verify texts and on 600 sentences of real prose
 * never tuned on ({@link ProseTexts}), warm single-text latency at
 * 1 thread (p50 of 500 calls after 300) and throughput on 256 mixed texts at 2 threads in micro-batches of
 * up to 32 texts (models whose answers depend on the batch run one text per call, on both threads) and with one
 * text per call, one call per processor at once on 1 thread each, all in five interleaved rounds; plus ONNX Runtime session creation (best of 7) of each model optimised offline
 * ({@code lambert optimize}) with optimisation off, against the raw file with full optimisation, and of the
 * ORT format. Needs a quiet machine (load average well under the number of cores).
 *
 * <pre>
 * ./mvnw -q -DskipTests -pl benchmarks -am package
 * java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" lambert.benchmarks.Int8Comparison 32 64 128
 * </pre>
 */
public final class Int8Comparison {
    private Int8Comparison() {}

    public static void main(String[] args) throws Exception {
        ModelResolver resolver = new ModelResolver(ModelResolver.defaultHome());
        Path fp32 = resolver.resolve("minilm");
        Path shipped = resolver.resolve("minilm-int8-export");
        Path work = Files.createTempDirectory("lambert-int8");
        Map<String, Path> models = new LinkedHashMap<>();
        models.put("fp32 original", fp32);
        models.put("shipped int8 export (ONNX Runtime's Python quantiser)", shipped);
        models.put("lambert int8 contrib (per-channel, activations per tensor)",
                quantize(fp32, work.resolve("lambert-q8"), QuantizeOptions.defaults(), false));
        for (String variant : args.length == 0 ? new String[] {"32:4"} : args) {
            String[] parts = variant.split(":");
            if (parts[0].equals("rows")) {
                boolean fused = parts.length > 1 && parts[1].equals("fused");
                models.put("lambert int8 per row (MatMulIntegerToFloat, weights per column"
                        + (fused ? ", query/key/value fused" : "") + ")",
                        quantize(fp32, work.resolve("lambert-rows" + (fused ? "-fused" : "")),
                                new QuantizeOptions(true, true, QuantizeOptions.Method.ROWWISE), fused));
                continue;
            }
            int block = Integer.parseInt(parts[0]);
            int level = parts.length > 1 ? Integer.parseInt(parts[1]) : QuantizeOptions.DEFAULT_ACCURACY_LEVEL;
            boolean fused = parts.length > 2 && parts[2].equals("fused");
            models.put("lambert int8 blockwise (block " + block + ", accuracy level " + level
                    + (fused ? ", query/key/value fused" : "") + ")",
                    quantize(fp32, work.resolve("lambert-blockwise-" + variant.replace(':', '-')),
                            new QuantizeOptions(true, true, QuantizeOptions.Method.BLOCKWISE, block, level), fused));
        }
        // -Dint8.verifyTexts=false skips the 1,100 verify texts (the slow part on a loaded machine: fp32 on texts
        // up to 512 tokens); -Dint8.sessions=false skips the session-creation table.
        List<String> texts = Boolean.parseBoolean(System.getProperty("int8.verifyTexts", "true"))
                ? VerifyTexts.builtIn() : List.of();
        List<String> mixed = MixedTexts.generate(256, 42);
        List<String> prose = ProseTexts.commonsJavadoc();
        List<double[]> rows = new ArrayList<>();
        List<String> names = new ArrayList<>(models.keySet());
        for (Path bundle : models.values()) {
            double[] row = new double[8];
            row[0] = Files.size(bundle.resolve("model.onnx")) / 1048576.0;
            rows.add(row);
        }
        // Latency and throughput first: all models open at once, measured in interleaved rounds so that
        // drift in this noisy machine hits each of them alike.
        List<Model> oneThread = new ArrayList<>();
        List<Model> twoThreads = new ArrayList<>();
        List<Model> onePerCall = new ArrayList<>();
        try {
            for (Path bundle : models.values()) {
                oneThread.add(Model.open(bundle, ModelOptions.defaults()
                        .withEngine(new EngineOptions(1, true, Optimization.AUTO))));
                twoThreads.add(Model.open(bundle, ModelOptions.defaults()
                        .withEngine(new EngineOptions(2, true, Optimization.AUTO)).withBatching(32 * 256, 32, 0)));
                // one text per session call, one call per processor at once, each on 1 thread: how models whose
                // answers depend on the batch always run, and an option for batch-invariant ones
                onePerCall.add(Model.open(bundle, ModelOptions.defaults()
                        .withEngine(new EngineOptions(1, true, Optimization.AUTO)).withBatching(32 * 256, 1, 2)));
            }
            List<String> text = List.of(PeerProcess.TEXT);
            List<List<Long>> nanos = new ArrayList<>();
            double[] seconds = new double[models.size()];
            double[] singleSeconds = new double[models.size()];
            for (int i = 0; i < models.size(); i++) {
                nanos.add(new ArrayList<>());
                for (int w = 0; w < 300; w++) {
                    oneThread.get(i).predict(text, Parameters.defaults());
                }
                twoThreads.get(i).predict(mixed, Parameters.defaults());
                onePerCall.get(i).predict(mixed, Parameters.defaults());
            }
            for (int round = 0; round < 5; round++) {
                for (int i = 0; i < models.size(); i++) {
                    for (int c = 0; c < 100; c++) {
                        long s = System.nanoTime();
                        oneThread.get(i).predict(text, Parameters.defaults());
                        nanos.get(i).add(System.nanoTime() - s);
                    }
                    long s = System.nanoTime();
                    twoThreads.get(i).predict(mixed, Parameters.defaults());
                    seconds[i] += (System.nanoTime() - s) / 1e9;
                    s = System.nanoTime();
                    onePerCall.get(i).predict(mixed, Parameters.defaults());
                    singleSeconds[i] += (System.nanoTime() - s) / 1e9;
                }
                System.err.printf(Locale.ROOT, "speed round %d done%n", round + 1);
            }
            for (int i = 0; i < models.size(); i++) {
                List<Long> sorted = new ArrayList<>(nanos.get(i));
                sorted.sort(null);
                rows.get(i)[3] = sorted.get(sorted.size() / 2) / 1e6;
                rows.get(i)[4] = 5 * mixed.size() / seconds[i];
                rows.get(i)[7] = 5 * mixed.size() / singleSeconds[i];
                System.err.printf(Locale.ROOT, "%s: warm p50 %.3f ms, %.0f texts/s, one per call %.0f texts/s%n",
                        names.get(i), rows.get(i)[3], rows.get(i)[4], rows.get(i)[7]);
            }
        } finally {
            oneThread.forEach(Model::close);
            twoThreads.forEach(Model::close);
            onePerCall.forEach(Model::close);
        }
        try (Model reference = Model.open(fp32, ModelOptions.defaults())) {
            for (int i = 0; i < models.size(); i++) {
                double[] row = rows.get(i);
                try (Model model = Model.open(models.get(names.get(i)), ModelOptions.defaults())) {
                    if (!texts.isEmpty()) {
                        VerifyReport r = Verifier.compare(reference, model, texts, 1);
                        row[1] = r.meanCosine();
                        row[2] = r.minCosine();
                    }
                    VerifyReport p = Verifier.compare(reference, model, prose, 1);
                    row[5] = p.meanCosine();
                    row[6] = p.minCosine();
                }
                System.err.printf(Locale.ROOT, "accuracy of %s done%n", names.get(i));
            }
        }
        System.out.println("| model | size (MB) | mean cosine vs fp32, 1,100 verify texts | min cosine | mean cosine, "
                + "600 prose sentences | min cosine | warm p50, 1 thread (ms) "
                + "| throughput, 2 threads, batches of 32 (texts/s) | throughput, 1 text per call x 2 (texts/s) |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        for (int i = 0; i < models.size(); i++) {
            double[] row = rows.get(i);
            System.out.printf(Locale.ROOT, "| %s | %.1f | %s | %s | %.5f | %.5f | %.3f | %.0f | %.0f |%n", names.get(i),
                    row[0], texts.isEmpty() ? "-" : String.format(Locale.ROOT, "%.5f", row[1]),
                    texts.isEmpty() ? "-" : String.format(Locale.ROOT, "%.5f", row[2]), row[5], row[6], row[3], row[4],
                    row[7]);
        }
        System.out.println();
        for (int i = 2; i < names.size(); i++) {
            System.out.printf(Locale.ROOT, "%s / shipped int8: latency %.2f, throughput %.2f (best of its two modes "
                    + "against the export's best: %.2f); / fp32: latency %.2f, throughput %.2f%n", names.get(i),
                    rows.get(i)[3] / rows.get(1)[3], rows.get(i)[4] / rows.get(1)[4],
                    Math.max(rows.get(i)[4], rows.get(i)[7]) / Math.max(rows.get(1)[4], rows.get(1)[7]),
                    rows.get(i)[3] / rows.get(0)[3], rows.get(i)[4] / rows.get(0)[4]);
        }
        if (!Boolean.parseBoolean(System.getProperty("int8.sessions", "true"))) {
            return;
        }
        System.out.println();
        System.out.println("| model | session, raw file, full optimisation (ms) | session, optimised .onnx, none (ms) "
                + "| ratio | session, .ort format, none (ms) |");
        System.out.println("|---|---|---|---|---|");
        for (Map.Entry<String, Path> m : models.entrySet()) {
            Path raw = m.getValue().resolve("model.onnx");
            Path optimised = work.resolve("optimised.onnx");
            Path ort = work.resolve("optimised.ort");
            Optimizer.optimize(raw, optimised, Optimizer.Level.EXTENDED);
            saveOrtFormat(raw, ort);
            double rawMs = bestSessionMs(raw, OrtSession.SessionOptions.OptLevel.ALL_OPT);
            double optMs = bestSessionMs(optimised, OrtSession.SessionOptions.OptLevel.NO_OPT);
            double ortMs = bestSessionMs(ort, OrtSession.SessionOptions.OptLevel.NO_OPT);
            System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %.2f | %.1f |%n", m.getKey(), rawMs, optMs,
                    optMs / rawMs, ortMs);
        }
    }

    /** The ORT format, saved to measure whether it loads faster (it did not: see the README). */
    private static void saveOrtFormat(Path in, Path out) throws OrtException {
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.EXTENDED_OPT);
            so.addConfigEntry("session.save_model_format", "ORT");
            so.setOptimizedModelFilePath(out.toString());
            OrtEnvironment.getEnvironment().createSession(in.toString(), so).close();
        }
    }

    /** Best of 7 session creations, after 3 unmeasured ones. */
    private static double bestSessionMs(Path file, OrtSession.SessionOptions.OptLevel level) throws OrtException {
        double best = Double.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
                so.setOptimizationLevel(level);
                so.setIntraOpNumThreads(1);
                if (file.toString().endsWith(".ort")) {
                    so.addConfigEntry("session.load_model_format", "ORT");
                }
                long start = System.nanoTime();
                OrtEnvironment.getEnvironment().createSession(file.toString(), so).close();
                if (i >= 3) {
                    best = Math.min(best, (System.nanoTime() - start) / 1e6);
                }
            }
        }
        return best;
    }

    /** {@code fused}: attention's query, key and value projections made one MatMul first ({@link SharedInputFusion}). */
    private static Path quantize(Path fp32, Path out, QuantizeOptions options, boolean fused) throws Exception {
        Onnx.Model model = ModelFiles.read(fp32.resolve("model.onnx"));
        Quantizer.Result result = Quantizer.quantize(fused ? SharedInputFusion.fuse(model).model() : model, options);
        ModelBundle source = ModelBundle.open(fp32);
        DerivedBundle.write(out, DerivedBundle.manifestOf(source).quantized("all-MiniLM-L6-v2-q8",
                result.description()), result.model(), source, true);
        return out;
    }
}

package lambert.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import lambert.cli.models.ModelResolver;
import lambert.cli.verify.Verifier;
import lambert.cli.verify.VerifyReport;
import lambert.cli.verify.VerifyTexts;
import lambert.onnx.io.ModelFiles;
import lambert.onnx.quantize.QuantizeOptions;
import lambert.onnx.quantize.Quantizer;
import lambert.runtime.Model;
import lambert.runtime.ModelOptions;
import lambert.runtime.bundle.BundleWriter;
import lambert.runtime.bundle.Manifest;
import lambert.runtime.session.EngineOptions;
import lambert.runtime.session.Optimization;
import lambert.runtime.task.Parameters;

/**
 * lambert's int8 all-MiniLM-L6-v2 against the int8 export shipped on Maven Central (made with ONNX
 * Runtime's Python quantiser) and the fp32 original, in one run, on the same texts: size, mean and
 * minimum cosine against fp32 on the 1,100 verify texts, warm single-text latency at 1 thread (p50 of
 * 500 calls after 300), and throughput on 256 mixed texts at 2 threads; plus session creation of the
 * optimised model with optimisation off against the raw model with full optimisation.
 *
 * <pre>
 * ./mvnw -q -DskipTests -pl benchmarks -am package
 * java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" lambert.benchmarks.Int8Comparison
 * </pre>
 */
public final class Int8Comparison {
    private Int8Comparison() {}

    public static void main(String[] args) throws Exception {
        ModelResolver resolver = new ModelResolver(ModelResolver.defaultHome());
        Path fp32 = resolver.resolve("minilm");
        Path shipped = resolver.resolve("minilm-int8");
        Path work = Files.createTempDirectory("lambert-int8");
        Path ours = quantize(fp32, work.resolve("lambert-q8"));
        Map<String, Path> models = new LinkedHashMap<>();
        models.put("lambert int8 (per-channel, int8 embeddings)", ours);
        models.put("shipped int8 export (ONNX Runtime's Python quantiser)", shipped);
        models.put("fp32 original", fp32);
        List<String> texts = VerifyTexts.builtIn();
        List<String> mixed = MixedTexts.generate(256, 42);
        System.out.println("| model | size (MB) | mean cosine vs fp32 | min cosine | warm p50, 1 thread (ms) "
                + "| throughput, 2 threads (texts/s) |");
        System.out.println("|---|---|---|---|---|---|");
        List<double[]> rows = new ArrayList<>();
        try (Model reference = Model.open(fp32, ModelOptions.defaults())) {
            for (Map.Entry<String, Path> m : models.entrySet()) {
                double[] row = new double[5];
                row[0] = Files.size(m.getValue().resolve("model.onnx")) / 1048576.0;
                try (Model model = Model.open(m.getValue(), ModelOptions.defaults())) {
                    VerifyReport r = Verifier.compare(reference, model, texts, 1);
                    row[1] = r.meanCosine();
                    row[2] = r.minCosine();
                }
                row[3] = warmP50(m.getValue());
                row[4] = throughput(m.getValue(), mixed);
                rows.add(row);
                System.out.printf(Locale.ROOT, "| %s | %.1f | %.5f | %.5f | %.3f | %.0f |%n", m.getKey(), row[0], row[1],
                        row[2], row[3], row[4]);
            }
        }
        System.out.printf(Locale.ROOT, "%nlambert int8 / shipped int8: latency %.2f, throughput %.2f; lambert int8 / "
                + "fp32 latency %.2f%n", rows.get(0)[3] / rows.get(1)[3], rows.get(0)[4] / rows.get(1)[4],
                rows.get(0)[3] / rows.get(2)[3]);
    }

    private static Path quantize(Path fp32, Path out) throws Exception {
        Quantizer.Result result = Quantizer.quantize(ModelFiles.read(fp32.resolve("model.onnx")),
                QuantizeOptions.defaults());
        Path onnx = Files.createTempFile("lambert-q8", ".onnx");
        ModelFiles.write(result.model(), onnx);
        Manifest source;
        try (Model model = Model.open(fp32, ModelOptions.defaults())) {
            source = model.manifest();
        }
        Manifest manifest = new Manifest(source.name() + "-q8", source.task(), "model.onnx", "tokenizer.json",
                source.maxLength(), source.pooling(), source.normalize(), source.labels(), source.multiLabel(),
                source.inputs(), source.output(), source.outputSize(), source.vocabSize(),
                "int8 dynamic, per-channel weights, int8 embeddings (lambert)", "none", Map.of(), Map.of(),
                source.lambertVersion());
        BundleWriter.write(out, manifest, Map.of("model.onnx", BundleWriter.file(onnx),
                "tokenizer.json", BundleWriter.file(fp32.resolve("tokenizer.json"))), true);
        Files.delete(onnx);
        return out;
    }

    private static double warmP50(Path bundle) {
        ModelOptions options = ModelOptions.defaults().withEngine(new EngineOptions(1, true, Optimization.AUTO));
        try (Model model = Model.open(bundle, options)) {
            List<String> text = List.of(PeerProcess.TEXT);
            for (int i = 0; i < 300; i++) {
                model.predict(text, Parameters.defaults());
            }
            long[] nanos = new long[500];
            for (int i = 0; i < nanos.length; i++) {
                long s = System.nanoTime();
                model.predict(text, Parameters.defaults());
                nanos[i] = System.nanoTime() - s;
            }
            Arrays.sort(nanos);
            return nanos[nanos.length / 2] / 1e6;
        }
    }

    private static double throughput(Path bundle, List<String> texts) {
        ModelOptions options = ModelOptions.defaults().withEngine(new EngineOptions(2, true, Optimization.AUTO));
        try (Model model = Model.open(bundle, options)) {
            model.predict(texts, Parameters.defaults());
            long s = System.nanoTime();
            for (int r = 0; r < 3; r++) {
                model.predict(texts, Parameters.defaults());
            }
            return 3 * texts.size() / ((System.nanoTime() - s) / 1e9);
        }
    }
}

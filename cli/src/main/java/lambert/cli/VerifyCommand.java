package lambert.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import lambert.runtime.Model;
import lambert.runtime.bundle.Task;
import lambert.base.json.Json;
import lambert.toolkit.emulator.Emulation;
import lambert.toolkit.emulator.Emulator;
import lambert.toolkit.models.ModelResolver;
import lambert.toolkit.verify.Answers;
import lambert.toolkit.verify.PackageAnswers;
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
 * {@code lambert verify}: does the converted (or optimised, or quantised) model still answer the
 * same, and does the arm64 package answer as the x86_64 one? Runs both sides on the same texts and fails
 * (exit 1) past the thresholds. A side may be a function package, which runs in the emulator (under qemu
 * for another architecture, on the CPU {@code --cpu} names).
 *
 * <pre>{@code
 * lambert verify --reference minilm --candidate minilm-int8
 * lambert verify --reference ./fp32 --candidate ./converted --texts my-texts.txt --json
 * lambert verify --reference x86/function.zip --candidate arm64/function.zip --cpu graviton3
 * }</pre>
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Compares a candidate model with its reference on the same texts and fails past the "
                + "thresholds.", "Texts: a built-in set of 1,100 (lengths from one word to past 512 tokens, ten "
                + "languages, numbers, punctuation, code, emoji), plus --texts FILE (one per line).",
            "Either side may be a function zip: it runs in the emulator, under qemu-user for another architecture, and "
                    + "is compared on 8 of the texts by default (--sample), with the platform profile."})
final class VerifyCommand implements Callable<Integer> {
    @Option(names = "--reference", required = true, paramLabel = "B", description = "The original model, or a "
            + "function zip.")
    String reference;

    @Option(names = "--candidate", required = true, paramLabel = "B2", description = "The model to check, or a "
            + "function zip.")
    String candidate;

    @Option(names = "--cpu", paramLabel = "CPU", description = "Where a candidate zip runs: " + CpuOption.HELP)
    String cpu;

    @Option(names = "--reference-cpu", paramLabel = "CPU", description = "Where a reference zip runs (as --cpu).")
    String referenceCpu;

    @Option(names = "--sample", paramLabel = "N", description = "Compare on N of the built-in texts, spread over the "
            + "set (default: all 1,100; 8 when a side is a zip, since emulated inference is slow).")
    Integer sample;

    @Option(names = "--texts", paramLabel = "FILE", description = "More texts, one per line.")
    Path textsFile;

    @Option(names = "--only-texts", description = "Use only --texts, not the built-in set.")
    boolean onlyTexts;

    @Option(names = "--profile", paramLabel = "P", description = "converted (outputs within 1e-4), quantised "
            + "(mean cosine >= 0.99, label agreement >= 0.98) or platform (every cosine >= 0.99999 for fp32, 0.99 "
            + "quantised); default: quantised when the candidate's quantisation differs from the reference's, else "
            + "platform when a side is a zip, else converted.")
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
        boolean packages = isPackage(reference) || isPackage(candidate);
        List<String> texts = new java.util.ArrayList<>();
        if (!onlyTexts) {
            try {
                texts.addAll(sample != null ? VerifyTexts.spread(sample) : packages ? VerifyTexts.spread(PACKAGE_SAMPLE)
                        : VerifyTexts.builtIn());
            } catch (IllegalArgumentException e) {
                throw new UsageException("--sample: " + e.getMessage());
            }
        }
        if (textsFile != null) {
            texts.addAll(TextFiles.read(textsFile));
        }
        if (texts.isEmpty()) {
            throw new UsageException("no texts to compare: --only-texts needs --texts FILE with at least one line");
        }
        ModelResolver resolver = new ModelResolver(ModelResolver.defaultHome());
        Terminal t = Terminal.of(spec);
        try (Answers ref = open(t, reference, referenceCpu, "--reference-cpu", resolver);
                Answers cand = open(t, candidate, cpu, "--cpu", resolver)) {
            Thresholds thresholds = thresholds(ref, cand, packages);
            t.progress("comparing on " + texts.size() + " texts");
            VerifyReport report;
            try {
                report = Verifier.compare(ref, cand, texts, worst);
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            // A text alone against the same text among others: only in this process (a package would need one
            // emulated invocation per text).
            Verifier.BatchDrift drift = null;
            if (!isPackage(candidate)) {
                t.progress("answering " + BATCH_DRIFT_TEXTS + " texts alone and together");
                drift = Verifier.batchDrift(cand, onlyTexts ? texts.subList(0, Math.min(BATCH_DRIFT_TEXTS,
                        texts.size())) : VerifyTexts.spread(BATCH_DRIFT_TEXTS));
            }
            t.clearProgress();
            List<String> failures = thresholds.failures(report);
            if (json) {
                printJson(t, report, thresholds, failures, ref, cand, drift);
            } else {
                if (packages) {
                    t.line(t.bold("reference") + " " + ref.describe());
                    t.line(t.bold("candidate") + " " + cand.describe());
                }
                print(t, report, thresholds, failures, drift);
            }
            return failures.isEmpty() ? ExitCodes.OK : ExitCodes.CHECK_FAILED;
        }
    }

    /** Texts answered alone and together to measure how far the candidate's answers move with the batch. */
    static final int BATCH_DRIFT_TEXTS = 32;

    /** Texts compared by default when a side is a package: emulated int8 takes about 0.25 s a text, fp32 14 s. */
    static final int PACKAGE_SAMPLE = 8;

    private static boolean isPackage(String spec) {
        return spec.toLowerCase(java.util.Locale.ROOT).endsWith(".zip");
    }

    /** A model in this process, or a package in the emulator on {@code cpuName}. */
    private Answers open(Terminal t, String spec, String cpuName, String cpuOption, ModelResolver resolver)
            throws IOException {
        if (!isPackage(spec)) {
            if (cpuName != null) {
                throw new UsageException(cpuOption + " is for a function zip; " + spec + " is a model, which runs in "
                        + "this process");
            }
            return Answers.owning(Model.open(resolver.resolve(spec), engine.modelOptions()));
        }
        Path zip = Path.of(spec);
        if (!Files.isRegularFile(zip)) {
            throw new java.nio.file.NoSuchFileException(spec);
        }
        Emulation emulation = CpuOption.emulation(zip, cpuName);
        t.progress("starting " + zip + " (" + emulation.describe() + ")");
        Emulator emulator = Emulator.forPackage(zip, emulation, line -> { });
        try {
            return new PackageAnswers(zip, emulator);
        } catch (IOException | RuntimeException e) {
            emulator.close();
            throw e;
        }
    }

    private Thresholds thresholds(Answers ref, Answers cand, boolean packages) {
        return Thresholds.forProfile(profile, ref.manifest(), cand.manifest(), packages)
                .override(maxAbsDiff, minMeanCosine, minCosine, minLabelAgreement);
    }

    static void print(Terminal t, VerifyReport r, Thresholds thresholds, List<String> failures,
            Verifier.BatchDrift drift) {
        t.line(t.bold("verify") + String.format(Locale.ROOT, "  %d texts, task %s, profile %s", r.texts(),
                r.task().id(), thresholds.name()));
        t.line(String.format(Locale.ROOT, "  abs diff   max %.3g, mean %.3g", r.maxAbsDiff(), r.meanAbsDiff()));
        if (r.task() == Task.EMBED) {
            t.line(String.format(Locale.ROOT, "  cosine     mean %.5f, min %.5f", r.meanCosine(), r.minCosine()));
        } else {
            t.line(String.format(Locale.ROOT, "  labels     agreement %.4f", r.labelAgreement()));
        }
        if (drift != null) {
            t.line(drift.batched()
                    ? String.format(Locale.ROOT, "  batching   candidate alone vs batched, %d texts: max abs diff %.3g",
                            drift.texts(), drift.maxAbsDiff())
                    : "  batching   candidate answers one text per session call (its answers would depend on the batch)");
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

    private static void printJson(Terminal t, VerifyReport r, Thresholds thresholds, List<String> failures,
            Answers ref, Answers cand, Verifier.BatchDrift drift) throws IOException {
        try (JsonGenerator g = Json.generator(t.stream())) {
            g.writeStartObject();
            g.writeBooleanField("pass", failures.isEmpty());
            g.writeStringField("reference", ref.describe());
            g.writeStringField("candidate", cand.describe());
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
            if (drift != null) {
                g.writeObjectFieldStart("batching");
                g.writeBooleanField("batched", drift.batched());
                g.writeNumberField("texts", drift.texts());
                g.writeNumberField("alone_vs_batched_max_abs_diff", drift.maxAbsDiff());
                g.writeStringField("worst_text", drift.worstText());
                g.writeEndObject();
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

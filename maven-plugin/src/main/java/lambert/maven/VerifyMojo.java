package lambert.maven;

import java.util.List;
import java.util.Locale;
import lambert.runtime.Model;
import lambert.runtime.ModelOptions;
import lambert.runtime.bundle.Task;
import lambert.toolkit.models.ModelResolver;
import lambert.toolkit.verify.Answers;
import lambert.toolkit.verify.Thresholds;
import lambert.toolkit.verify.Verifier;
import lambert.toolkit.verify.VerifyReport;
import lambert.toolkit.verify.VerifyTexts;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * {@code lambert:verify}: does the candidate model answer as its reference does, on lambert's built-in texts (1,100:
 * one word to past 512 tokens, ten languages, numbers, code, emoji)? Fails the build past the profile's thresholds,
 * naming each bound broken and the text that differs most. Both sides run in this process.
 *
 * <pre>{@code
 * <configuration><reference>minilm</reference><candidate>minilm-int8</candidate></configuration>
 * }</pre>
 */
@Mojo(name = "verify", defaultPhase = LifecyclePhase.VERIFY, threadSafe = true)
public class VerifyMojo extends LambertMojo {
    /** The original model: a built-in name or a bundle or Hugging Face folder. */
    @Parameter(property = "lambert.reference", required = true)
    String reference;

    /** The model to check (converted, optimised or quantised): a built-in name or a folder. */
    @Parameter(property = "lambert.candidate", required = true)
    String candidate;

    /**
     * {@code converted} (outputs within 1e-4), {@code quantised} (mean cosine at least 0.99, label agreement at least
     * 0.98) or {@code platform}; by default {@code quantised} when the two quantisations differ, else
     * {@code converted}.
     */
    @Parameter(property = "lambert.profile")
    String profile;

    /** Compare on this many of the built-in texts, spread over the set (default: all 1,100). */
    @Parameter(property = "lambert.sample")
    Integer sample;

    /** Override: the largest output difference allowed. */
    @Parameter
    Double maxAbsDiff;

    /** Override: the lowest mean cosine allowed (embeddings). */
    @Parameter
    Double minMeanCosine;

    /** Override: the lowest per-text cosine allowed (embeddings). */
    @Parameter
    Double minCosine;

    /** Override: the lowest label agreement allowed (classifiers, taggers). */
    @Parameter
    Double minLabelAgreement;

    /** Skips this goal. */
    @Parameter(property = "lambert.verify.skip", defaultValue = "false")
    boolean skip;

    @Override
    boolean skip() {
        return skip;
    }

    @Override
    void run() throws Exception {
        List<String> texts;
        try {
            texts = sample != null ? VerifyTexts.spread(sample) : VerifyTexts.builtIn();
        } catch (IllegalArgumentException e) {
            throw badParameter("<sample>: " + e.getMessage());
        }
        ModelResolver resolver = new ModelResolver(ModelResolver.defaultHome());
        try (Answers ref = Answers.owning(Model.open(resolver.resolve(reference), ModelOptions.defaults()));
                Answers cand = Answers.owning(Model.open(resolver.resolve(candidate), ModelOptions.defaults()))) {
            Thresholds thresholds = Thresholds.forProfile(profile, ref.manifest(), cand.manifest(), false)
                    .override(maxAbsDiff, minMeanCosine, minCosine, minLabelAgreement);
            getLog().info("lambert: verifying " + candidate + " against " + reference + " on " + texts.size()
                    + " texts, profile " + thresholds.name());
            VerifyReport report = Verifier.compare(ref, cand, texts, 1);
            getLog().info("lambert: " + figures(report));
            List<String> failures = thresholds.failures(report);
            if (!failures.isEmpty()) {
                throw new MojoFailureException("lambert: " + candidate + " does not answer as " + reference
                        + " (profile " + thresholds.name() + "): " + String.join("; ", failures) + worst(report));
            }
            getLog().info("lambert: PASS");
        }
    }

    /** "max abs diff 0.0123, mean cosine 0.99512, min cosine 0.97011" or the label agreement. */
    static String figures(VerifyReport r) {
        return String.format(Locale.ROOT, "%d texts, max abs diff %.3g, ", r.texts(), r.maxAbsDiff())
                + (r.task() == Task.EMBED ? String.format(Locale.ROOT, "mean cosine %.5f, min cosine %.5f",
                        r.meanCosine(), r.minCosine())
                        : String.format(Locale.ROOT, "label agreement %.4f", r.labelAgreement()));
    }

    /** "; worst text #12 (0.95012): "the text, cut at 70 characters..."". */
    static String worst(VerifyReport r) {
        if (r.worst().isEmpty()) {
            return "";
        }
        VerifyReport.Worst w = r.worst().get(0);
        String text = w.text().replace('\n', ' ');
        return String.format(Locale.ROOT, "; worst text #%d (%.5f): \"%s\"", w.index(), w.measure(),
                text.length() > 70 ? text.substring(0, 67) + "..." : text);
    }
}

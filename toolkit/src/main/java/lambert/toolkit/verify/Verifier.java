package lambert.toolkit.verify;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import lambert.runtime.Model;
import lambert.runtime.bundle.Task;
import lambert.runtime.task.Classification;
import lambert.runtime.task.Embedding;
import lambert.runtime.task.Entity;
import lambert.runtime.task.LabelScore;
import lambert.runtime.task.Prediction;
import lambert.runtime.task.Tagging;

/**
 * Runs a reference and a candidate model on the same texts and measures how closely the candidate
 * answers: the check teams skip after converting or quantising a model, and regret.
 *
 * <pre>{@code
 * VerifyReport r = Verifier.compare(fp32, int8, VerifyTexts.builtIn(), 5);
 * List<String> failures = Thresholds.quantised().failures(r);
 * }</pre>
 */
public final class Verifier {
    private static final int CHUNK = 64;

    private Verifier() {}

    /** Compares the two models on {@code texts}; {@code worst} texts are kept for the report. */
    public static VerifyReport compare(Model reference, Model candidate, List<String> texts, int worst) {
        try {
            return compare(Answers.of(reference), Answers.of(candidate), texts, worst);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // models in this process answer without I/O
        }
    }

    /**
     * Compares two answerers (models or packages) on {@code texts}; {@code worst} texts are kept for the report.
     *
     * @throws IOException if a package cannot answer (its function failed to start, or answered with an error)
     */
    public static VerifyReport compare(Answers reference, Answers candidate, List<String> texts, int worst)
            throws IOException {
        if (reference.manifest().task() != candidate.manifest().task()) {
            throw new IllegalArgumentException("the models answer different tasks: reference "
                    + reference.manifest().task().id() + ", candidate " + candidate.manifest().task().id());
        }
        double maxAbs = 0;
        double sumAbs = 0;
        long values = 0;
        double sumCos = 0;
        double minCos = Double.POSITIVE_INFINITY;
        double agreement = 0;
        double agreementWeight = 0;
        List<VerifyReport.Worst> measured = new ArrayList<>();
        for (int from = 0; from < texts.size(); from += CHUNK) {
            List<String> chunk = texts.subList(from, Math.min(texts.size(), from + CHUNK));
            List<Prediction> a = reference.predict(chunk);
            List<Prediction> b = candidate.predict(chunk);
            for (int i = 0; i < chunk.size(); i++) {
                int index = from + i;
                Comparison c = compare(a.get(i), b.get(i));
                maxAbs = Math.max(maxAbs, c.maxAbs);
                sumAbs += c.sumAbs;
                values += c.values;
                if (!Double.isNaN(c.cosine)) {
                    sumCos += c.cosine;
                    minCos = Math.min(minCos, c.cosine);
                }
                agreement += c.agreed;
                agreementWeight += c.agreementWeight;
                measured.add(new VerifyReport.Worst(index, chunk.get(i), c.measure));
            }
        }
        Task task = reference.manifest().task();
        boolean embed = task == Task.EMBED;
        boolean higherIsBetter = task != Task.CLASSIFY;
        measured.sort(higherIsBetter ? Comparator.comparingDouble(VerifyReport.Worst::measure)
                : Comparator.comparingDouble(VerifyReport.Worst::measure).reversed());
        return new VerifyReport(task, texts.size(), maxAbs, values == 0 ? 0 : sumAbs / values,
                embed ? sumCos / texts.size() : Double.NaN, embed ? minCos : Double.NaN,
                agreementWeight == 0 ? 1 : agreement / agreementWeight, measured.subList(0, Math.min(worst,
                        measured.size())));
    }

    /**
     * How far a model's answers move with their batch mates.
     *
     * @param texts how many texts were compared
     * @param batched whether the model batches texts at all; a model whose answers would depend on the batch
     *     (per-tensor int8) answers one text per session call, and its difference is 0 by construction
     * @param maxAbsDiff the largest difference of one value between a text answered alone and inside the batch
     * @param worstText the text with that difference, or empty when there is none
     */
    public record BatchDrift(int texts, boolean batched, double maxAbsDiff, String worstText) {}

    /**
     * Answers {@code texts} together (micro-batched as the model's options say) and then each alone, and measures
     * the largest difference: 0 up to float rounding for a model whose activations are never quantised per batch.
     */
    public static BatchDrift batchDrift(Answers model, List<String> texts) throws IOException {
        List<Prediction> together = model.predict(texts);
        double worst = 0;
        String worstText = "";
        for (int i = 0; i < texts.size(); i++) {
            double diff = compare(model.predict(List.of(texts.get(i))).get(0), together.get(i)).maxAbs;
            if (diff > worst) {
                worst = diff;
                worstText = texts.get(i);
            }
        }
        return new BatchDrift(texts.size(), model.manifest().batchInvariant(), worst, worstText);
    }

    /** The differences for one text. */
    private static final class Comparison {
        double maxAbs;
        double sumAbs;
        long values;
        double cosine = Double.NaN;
        double agreed;
        double agreementWeight;
        double measure;
    }

    private static Comparison compare(Prediction a, Prediction b) {
        Comparison c = new Comparison();
        if (a instanceof Embedding) {
            float[] x = ((Embedding) a).vector();
            float[] y = ((Embedding) b).vector();
            for (int d = 0; d < x.length; d++) {
                double diff = Math.abs(x[d] - y[d]);
                c.maxAbs = Math.max(c.maxAbs, diff);
                c.sumAbs += diff;
            }
            c.values = x.length;
            c.cosine = Embedding.cosine(x, y);
            c.measure = c.cosine;
        } else if (a instanceof Classification) {
            Map<String, Float> p = scores(((Classification) a).labels());
            Map<String, Float> q = scores(((Classification) b).labels());
            for (Map.Entry<String, Float> e : p.entrySet()) {
                double diff = Math.abs(e.getValue() - q.getOrDefault(e.getKey(), 0f));
                c.maxAbs = Math.max(c.maxAbs, diff);
                c.sumAbs += diff;
            }
            c.values = p.size();
            c.agreed = ((Classification) a).labels().get(0).label().equals(((Classification) b).labels().get(0).label())
                    ? 1 : 0;
            c.agreementWeight = 1;
            c.measure = c.maxAbs;
        } else {
            List<Entity> x = ((Tagging) a).entities();
            List<Entity> y = ((Tagging) b).entities();
            Map<String, Float> ys = new HashMap<>();
            for (Entity e : y) {
                ys.put(key(e), e.score());
            }
            Set<String> union = new HashSet<>(ys.keySet());
            int same = 0;
            for (Entity e : x) {
                union.add(key(e));
                Float other = ys.get(key(e));
                if (other != null) {
                    same++;
                    double diff = Math.abs(e.score() - other);
                    c.maxAbs = Math.max(c.maxAbs, diff);
                    c.sumAbs += diff;
                    c.values++;
                }
            }
            c.agreed = same;
            c.agreementWeight = union.size();
            c.measure = union.isEmpty() ? 1 : same / (double) union.size();
        }
        return c;
    }

    private static String key(Entity e) {
        return e.label() + "@" + e.start() + ":" + e.end();
    }

    private static Map<String, Float> scores(List<LabelScore> labels) {
        Map<String, Float> out = new HashMap<>();
        for (LabelScore s : labels) {
            out.put(s.label(), s.score());
        }
        return out;
    }
}

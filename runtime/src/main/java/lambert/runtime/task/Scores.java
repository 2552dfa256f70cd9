package lambert.runtime.task;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Logits to probabilities, and probabilities to ranked labels. */
final class Scores {
    private Scores() {}

    /** Softmax over {@code count} logits starting at {@code offset}. */
    static float[] softmax(float[] logits, int offset, int count) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < count; i++) {
            max = Math.max(max, logits[offset + i]);
        }
        double[] exp = new double[count];
        double sum = 0;
        for (int i = 0; i < count; i++) {
            exp[i] = Math.exp(logits[offset + i] - max);
            sum += exp[i];
        }
        float[] out = new float[count];
        for (int i = 0; i < count; i++) {
            out[i] = (float) (exp[i] / sum);
        }
        return out;
    }

    /** Independent sigmoid per logit (multi-label models). */
    static float[] sigmoid(float[] logits, int offset, int count) {
        float[] out = new float[count];
        for (int i = 0; i < count; i++) {
            out[i] = (float) (1 / (1 + Math.exp(-logits[offset + i])));
        }
        return out;
    }

    /** Labels by descending score, at most {@code topK} (0 for all); ties keep label order. */
    static List<LabelScore> ranked(float[] probabilities, List<String> labels, int topK) {
        List<LabelScore> all = new ArrayList<>(probabilities.length);
        for (int i = 0; i < probabilities.length; i++) {
            all.add(new LabelScore(labels.get(i), probabilities[i]));
        }
        all.sort(Comparator.comparingDouble((LabelScore s) -> s.score()).reversed());
        return topK == 0 || topK >= all.size() ? all : all.subList(0, topK);
    }

    /** Index of the largest value. */
    static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}

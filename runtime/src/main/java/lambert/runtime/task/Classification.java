package lambert.runtime.task;

import java.util.List;

/**
 * Labels for a whole text, highest score first.
 *
 * @param labels scored labels, at most {@code top_k}
 * @param tokens tokens the model saw
 * @param truncated whether the text was cut
 */
public record Classification(List<LabelScore> labels, int tokens, boolean truncated) implements Prediction {
    public Classification {
        labels = List.copyOf(labels);
    }
}

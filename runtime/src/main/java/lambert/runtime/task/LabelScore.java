package lambert.runtime.task;

/**
 * A label and its probability.
 *
 * @param label the label name
 * @param score softmax probability, or sigmoid for multi-label models
 */
public record LabelScore(String label, float score) {}

package lambert.runtime;

import java.util.List;
import lambert.runtime.task.Prediction;

/**
 * The answers to one request, in the caller's order, with what it cost.
 *
 * @param predictions one per input text
 * @param tokens tokens over all texts, special tokens included, padding excluded
 * @param truncated how many texts were cut at the maximum length
 * @param batches how many micro-batches ran
 * @param tokenizeNanos time spent tokenizing
 * @param inferenceNanos time spent in ONNX Runtime and decoding its output
 */
public record Predictions(List<Prediction> predictions, int tokens, int truncated, int batches, long tokenizeNanos,
        long inferenceNanos) {
    public Predictions {
        predictions = List.copyOf(predictions);
    }
}

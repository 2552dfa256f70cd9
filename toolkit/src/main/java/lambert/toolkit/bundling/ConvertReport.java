package lambert.toolkit.bundling;

import java.nio.file.Path;
import java.util.Map;
import lambert.onnx.family.Head;
import lambert.runtime.bundle.Manifest;

/**
 * What a conversion did.
 *
 * @param bundle the bundle folder written
 * @param modelType the checkpoint's {@code model_type}
 * @param head the head converted
 * @param manifest the bundle's manifest, completed by loading it
 * @param opset the graph's ONNX opset
 * @param parameters the checkpoint's weight count
 * @param nodes the graph's node count
 * @param modelBytes the size of {@code model.onnx}
 * @param tokenizer where the tokenizer came from
 * @param check the equality check, or null when it was skipped
 * @param timingsMs milliseconds per step ({@code read}, {@code graph}, {@code check}, {@code write}, {@code total})
 */
public record ConvertReport(Path bundle, String modelType, Head head, Manifest manifest, int opset, long parameters,
        int nodes, long modelBytes, String tokenizer, EqualityCheck.Result check, Map<String, Double> timingsMs) {
    public ConvertReport {
        timingsMs = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(timingsMs));
    }
}

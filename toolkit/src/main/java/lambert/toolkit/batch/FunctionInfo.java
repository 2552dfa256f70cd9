package lambert.toolkit.batch;

import java.util.Map;
import lambert.base.json.Json;
import lambert.base.json.JsonException;
import lambert.toolkit.BadInputException;

/**
 * What the function says about itself in its GET answer (the model information of the contract, the same from
 * {@code lambert serve}, a function URL, or an HTTP event to the function): its task and the limits a request must
 * keep to.
 *
 * @param model the model's name
 * @param task {@code embed}, {@code classify} or {@code tag}
 * @param maxLength the most tokens per text (longer texts are truncated)
 * @param outputSize the embedding's dimensions (0 for other tasks)
 * @param maxTexts the most texts per request
 * @param maxInputBytes the largest request body
 * @param maxTokens the most tokens per request after truncation ({@link Integer#MAX_VALUE} when there is no limit)
 */
public record FunctionInfo(String model, String task, int maxLength, int outputSize, int maxTexts, int maxInputBytes,
        int maxTokens) {
    public FunctionInfo {
        if (maxLength < 1 || maxTexts < 1 || maxInputBytes < 1 || maxTokens < 1 || outputSize < 0) {
            throw new BadInputException("the function's limits must be positive, found max_length " + maxLength
                    + ", max_texts " + maxTexts + ", max_input_bytes " + maxInputBytes + ", max_tokens " + maxTokens);
        }
    }

    /**
     * Parses the GET answer ({@code {"model": ..., "task": ..., "max_length": ..., "max_texts": ...}}).
     *
     * @throws BadInputException if it is not the contract's model information
     */
    public static FunctionInfo parse(byte[] answer, String from) {
        Object value;
        try {
            value = Json.parse(answer);
        } catch (JsonException e) {
            throw new BadInputException("the model information from " + from + " is " + e.getMessage());
        }
        if (!(value instanceof Map)) {
            throw new BadInputException("the model information from " + from + " is a JSON " + Json.typeName(value)
                    + ", expected an object with \"task\" and \"max_texts\"");
        }
        Map<?, ?> m = (Map<?, ?>) value;
        return new FunctionInfo(string(m, "model", from), string(m, "task", from), integer(m, "max_length", -1, from),
                integer(m, "output_size", 0, from), integer(m, "max_texts", -1, from),
                integer(m, "max_input_bytes", -1, from), integer(m, "max_tokens", Integer.MAX_VALUE, from));
    }

    /** Whether answers are embeddings (asked for as base64, the smaller form). */
    public boolean embeds() {
        return task.equals("embed");
    }

    private static String string(Map<?, ?> m, String field, String from) {
        Object v = m.get(field);
        if (!(v instanceof String)) {
            throw new BadInputException("the model information from " + from + " has no \"" + field
                    + "\" string, found " + (v == null ? "none" : Json.typeName(v)) + "; is it a lambert function?");
        }
        return (String) v;
    }

    private static int integer(Map<?, ?> m, String field, int absent, String from) {
        Object v = m.get(field);
        if (v == null && absent >= 0) {
            return absent;
        }
        if (!(v instanceof Number) || ((Number) v).longValue() != ((Number) v).doubleValue()) {
            throw new BadInputException("the model information from " + from + " has no \"" + field
                    + "\" integer, found " + (v == null ? "none" : Json.typeName(v)) + "; is it a lambert function?");
        }
        return (int) Math.min(Integer.MAX_VALUE, ((Number) v).longValue());
    }
}

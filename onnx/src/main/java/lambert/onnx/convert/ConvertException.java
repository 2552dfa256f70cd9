package lambert.onnx.convert;

/**
 * A checkpoint that cannot be converted: a missing file, a config field of the wrong type, a
 * tensor whose shape disagrees with the config, an unsupported architecture. The message names
 * the file, field or tensor and says what was expected and what was found.
 */
public final class ConvertException extends Exception {
    private static final long serialVersionUID = 1L;

    public ConvertException(String message) {
        super(message);
    }

    public ConvertException(String message, Throwable cause) {
        super(message, cause);
    }
}

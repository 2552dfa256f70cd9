package lambert.onnx.checkpoint;

/**
 * A checkpoint that cannot be converted: a missing file, a config field of the wrong type, a
 * tensor whose shape disagrees with the config, an unsupported architecture. The message names
 * the file, field or tensor and says what was expected and what was found.
 */
public final class CheckpointException extends Exception {
    private static final long serialVersionUID = 1L;

    /** An error whose {@code message} names the file, field or tensor, expected and found. */
    public CheckpointException(String message) {
        super(message);
    }

    /** As {@link #CheckpointException(String)}, with the error that revealed it. */
    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}

package lambert.runtime.session;

/**
 * ONNX Runtime refused a session call (loading a file that is not a complete model, an unknown operator, a run
 * that failed). Its message is ONNX Runtime's own; callers add what they were doing. It keeps ONNX Runtime's
 * exception type inside this package.
 */
public final class SessionException extends Exception {
    private static final long serialVersionUID = 1L;

    SessionException(String message, Throwable cause) {
        super(message, cause);
    }

    SessionException(String message) {
        super(message);
    }
}

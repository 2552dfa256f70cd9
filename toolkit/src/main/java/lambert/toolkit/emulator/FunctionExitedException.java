package lambert.toolkit.emulator;

import java.io.IOException;

/**
 * The function's process ended while invocations were waiting for it (Lambda reports this as
 * {@code Runtime.ExitError}); the environment is gone and the next invocation starts a new one.
 */
public final class FunctionExitedException extends IOException {
    private static final long serialVersionUID = 1L;

    /** @param message what ended and when */
    public FunctionExitedException(String message) {
        super(message);
    }
}

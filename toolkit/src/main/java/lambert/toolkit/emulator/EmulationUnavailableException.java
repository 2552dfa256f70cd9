package lambert.toolkit.emulator;

import java.io.IOException;

/**
 * A package of another architecture cannot run here: qemu-user or a JVM of its architecture is not installed.
 * The message names what is missing and the Debian packages that provide it (an environment problem, exit 3).
 */
public final class EmulationUnavailableException extends IOException {
    private static final long serialVersionUID = 1L;

    /** @param message what is missing and how to install it */
    public EmulationUnavailableException(String message) {
        super(message);
    }
}

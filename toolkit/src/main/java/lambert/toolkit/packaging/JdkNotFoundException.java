package lambert.toolkit.packaging;

import lambert.toolkit.ToolkitException;

/** No JDK to build a custom runtime from: an environment problem (exit 3), with what to install or set. */
public final class JdkNotFoundException extends ToolkitException {
    private static final long serialVersionUID = 1L;

    public JdkNotFoundException(String message) {
        super(message);
    }
}

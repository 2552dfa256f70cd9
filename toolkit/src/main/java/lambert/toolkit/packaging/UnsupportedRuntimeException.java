package lambert.toolkit.packaging;

/** A Lambda runtime the function cannot run on: unknown, too old a Java, or an OS its native libraries cannot load on. */
public final class UnsupportedRuntimeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UnsupportedRuntimeException(String message) {
        super(message);
    }
}

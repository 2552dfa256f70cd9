package lambert.toolkit.packaging;

/** A package whose unpacked size is over Lambda's 250 MB limit. */
public final class PackageTooLargeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PackageTooLargeException(long unzippedBytes) {
        super(String.format("the package unpacks to %.1f MB; Lambda's limit is 250 MB unzipped (quantise the model, "
                + "or deploy it as a container image)", unzippedBytes / 1048576.0));
    }
}

package lambert.toolkit.packaging;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@code lambert package} wrote.
 *
 * @param zip the function zip
 * @param config the {@code function.json} next to it
 * @param zipBytes the zip's size
 * @param unzippedBytes the size of everything in it, unpacked (what Lambda's 250 MB limit counts)
 * @param entries each entry: name, unzipped and zipped bytes, largest first
 * @param naiveZipBytes the zip size if every dependency jar were shipped as it is
 * @param naiveUnzippedBytes the unpacked size in that case
 * @param sha256 the zip's SHA-256, hex
 * @param runtime the Lambda runtime it was packaged for ({@code java21})
 * @param nativeLibraries what each native library needs from the OS
 * @param modelOptimization the ONNX Runtime optimisation level {@code model/model.onnx} was saved at, and why
 *     ({@code "extended (saved optimised by ONNX Runtime at package time; ...)"}, {@code "none (...)"})
 */
public record PackageReport(Path zip, Path config, long zipBytes, long unzippedBytes, List<Entry> entries,
        long naiveZipBytes, long naiveUnzippedBytes, String sha256, String runtime,
        List<NativeRequirement> nativeLibraries, String modelOptimization) {

    /** Lambda's limit for a zip uploaded in the request itself. */
    public static final long DIRECT_UPLOAD_LIMIT = 50L * 1024 * 1024;
    /** Lambda's limit for the unpacked package. */
    public static final long UNZIPPED_LIMIT = 250L * 1024 * 1024;

    /**
     * One entry of the zip.
     *
     * @param name its path
     * @param bytes unpacked size
     * @param zippedBytes compressed size
     */
    public record Entry(String name, long bytes, long zippedBytes) {}

    public PackageReport {
        entries = List.copyOf(entries);
        nativeLibraries = List.copyOf(nativeLibraries);
    }

    /** {@code function.json} for {@code function.zip}; {@code NAME.function.json} for {@code NAME.zip}. */
    public static String configName(Path zip) {
        String name = zip.getFileName().toString();
        return name.equals("function.zip") ? "function.json"
                : (name.endsWith(".zip") ? name.substring(0, name.length() - 4) : name) + ".function.json";
    }

}

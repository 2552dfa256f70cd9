package lambert.toolkit.emulator;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import java.util.zip.ZipFile;
import lambert.toolkit.BadInputException;
import lambert.toolkit.packaging.FunctionJson;
import lambert.toolkit.packaging.LambdaRuntime;

/**
 * Which of Lambda's runtimes starts a package: one of the managed Java runtimes (AWS's runtime interface client in a
 * JVM, the handler named by {@code _HANDLER}), or an OS-only one ({@code provided.al2023}, {@code provided.al2}), which
 * runs the executable {@code bootstrap} at the package's root and leaves the Runtime API to it. The
 * {@code function.json} next to the zip decides when it names a runtime; otherwise a {@code bootstrap} at the zip's
 * root makes it {@code provided.al2023}, and its absence lambert's default Java runtime.
 *
 * @param id Lambda's identifier of the runtime ({@code java21}, {@code provided.al2023})
 * @param osOnly whether the runtime runs {@link #BOOTSTRAP} rather than a JVM with the runtime interface client
 */
record FunctionRuntime(String id, boolean osOnly) {
    /** The executable an OS-only runtime starts, at the root of the package. */
    static final String BOOTSTRAP = "bootstrap";

    /**
     * The runtime of {@code zip}, from its {@code function.json} or, failing that, from whether it has a
     * {@code bootstrap} at its root.
     *
     * @throws BadInputException if {@code function.json} names a runtime that is neither Java nor OS-only
     */
    static FunctionRuntime of(Path zip) throws IOException {
        FunctionJson config = FunctionJson.next(zip);
        String id = config.string("runtime", null);
        if (id == null) {
            return hasBootstrap(zip) ? new FunctionRuntime(LambdaRuntime.PROVIDED_AL2023.id(), true)
                    : new FunctionRuntime(LambdaRuntime.DEFAULT.id(), false);
        }
        LambdaRuntime runtime = LambdaRuntime.byId(id).orElseThrow(() -> new BadInputException(config.file()
                + ": runtime \"" + id + "\" cannot be emulated: expected one of Lambda's Java or OS-only runtimes ("
                + Arrays.stream(LambdaRuntime.values()).map(LambdaRuntime::id).collect(Collectors.joining(", "))
                + ")"));
        return new FunctionRuntime(runtime.id(), runtime.javaVersion() == 0);
    }

    private static boolean hasBootstrap(Path zip) throws IOException {
        try (ZipFile file = new ZipFile(zip.toFile())) {
            return file.getEntry(BOOTSTRAP) != null;
        } catch (java.util.zip.ZipException e) {
            throw new IOException(zip + " is not a valid zip: " + e.getMessage(), e);
        }
    }

    /** {@code AWS_EXECUTION_ENV} as Lambda sets it ({@code AWS_Lambda_java21}); null on OS-only runtimes, which have none. */
    String executionEnv() {
        return osOnly ? null : "AWS_Lambda_" + id;
    }
}

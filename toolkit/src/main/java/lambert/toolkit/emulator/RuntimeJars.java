package lambert.toolkit.emulator;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import lambert.toolkit.packaging.ClassPath;
import lambert.toolkit.packaging.CpuArch;

/**
 * The jars of Lambda's Java runtime itself: the official runtime interface client and what it needs,
 * found on lambert's own classpath ({@link ClassPath}: Maven resolved them with the CLI, or with the Maven plugin). Lambda keeps these in
 * {@code /var/runtime/lib}, apart from the function's own jars.
 */
public final class RuntimeJars {
    private static final List<String> PREFIXES = List.of("aws-lambda-java-runtime-interface-client-",
            "aws-lambda-java-serialization-", "aws-lambda-java-core-", "utils-lite-");

    /**
     * The system property that gives the runtime interface client its JNI library. Without it the client copies
     * each of its four libraries in turn to the fixed {@code /tmp/.libaws-lambda-jni.so} and loads the first that
     * links: one file shared by every emulated function on the machine, whatever its architecture.
     */
    static final String JNI_PROPERTY = "com.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI";

    private RuntimeJars() {}

    /**
     * Copies the runtime interface client's JNI library for {@code architecture} (glibc) out of its jar, one of
     * {@code jars}, to {@code target}.
     */
    static void copyJni(List<Path> jars, CpuArch architecture, Path target) throws IOException {
        String entryName = "jni/libaws-lambda-jni." + architecture.runtimeClientName() + ".so";
        for (Path jar : jars) {
            if (!jar.getFileName().toString().startsWith(PREFIXES.get(0))) {
                continue;
            }
            try (ZipFile zip = new ZipFile(jar.toFile())) {
                ZipEntry entry = zip.getEntry(entryName);
                if (entry == null) {
                    throw new IOException(jar + " has no " + entryName + ": the runtime interface client cannot run "
                            + "on " + architecture.lambdaName());
                }
                try (InputStream in = zip.getInputStream(entry)) {
                    Files.copy(in, target);
                }
                return;
            }
        }
        throw new IOException("no " + PREFIXES.get(0) + "*.jar among the runtime jars " + jars);
    }

    /** The jars, or an error naming the one that is missing. */
    public static List<Path> locate() {
        List<Path> found = new ArrayList<>();
        for (String prefix : PREFIXES) {
            Path jar = null;
            for (Path p : ClassPath.entries()) {
                if (p.getFileName() != null && p.getFileName().toString().startsWith(prefix)
                        && p.getFileName().toString().endsWith(".jar") && Files.isRegularFile(p)) {
                    jar = p;
                }
            }
            if (jar == null) {
                throw new IllegalStateException("the Lambda runtime interface client needs " + prefix + "*.jar, which "
                        + "is not on lambert's classpath; rebuild with ./mvnw install");
            }
            found.add(jar);
        }
        return found;
    }
}

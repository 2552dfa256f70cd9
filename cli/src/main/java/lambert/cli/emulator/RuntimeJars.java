package lambert.cli.emulator;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The jars of Lambda's Java runtime itself: the official runtime interface client and what it needs,
 * found on lambert's own classpath (Maven resolved them with the CLI). Lambda keeps these in
 * {@code /var/runtime/lib}, apart from the function's own jars.
 */
public final class RuntimeJars {
    private static final List<String> PREFIXES = List.of("aws-lambda-java-runtime-interface-client-",
            "aws-lambda-java-serialization-", "aws-lambda-java-core-", "utils-lite-");

    private RuntimeJars() {}

    /** The jars, or an error naming the one that is missing. */
    public static List<Path> locate() {
        List<Path> found = new ArrayList<>();
        for (String prefix : PREFIXES) {
            Path jar = null;
            for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
                Path p = Path.of(entry);
                if (p.getFileName() != null && p.getFileName().toString().startsWith(prefix)
                        && entry.endsWith(".jar") && Files.isRegularFile(p)) {
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

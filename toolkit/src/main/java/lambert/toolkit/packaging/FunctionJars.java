package lambert.toolkit.packaging;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The jars the function needs: the {@code lambda} module and its runtime dependencies, no more.
 * The {@code lambda} build lists them in a resource ({@code lambert/lambda/function-classpath.txt});
 * each is found on this process's classpath ({@link ClassPath}) by file name (or at its listed path). A classes folder
 * (a module compiled but not yet packaged) stands for its jar.
 */
final class FunctionJars {
    private static final String LIST = "lambert/lambda/function-classpath.txt";
    private static final String HANDLER = "lambert/lambda/Handler.class";

    private FunctionJars() {}

    /** Jar name in the package to the file or classes folder it comes from. */
    static Map<String, Path> locate() {
        Map<String, Path> byName = new LinkedHashMap<>();
        for (Path entry : ClassPath.entries()) {
            // Jars by file name; classes folders are all called "classes", so they are used as listed.
            if (entry.getFileName() != null && !Files.isDirectory(entry)) {
                byName.putIfAbsent(entry.getFileName().toString(), entry);
            }
        }
        Map<String, Path> jars = new LinkedHashMap<>();
        Path handler = root(HANDLER);
        jars.put(jarName(handler), handler);
        for (String listed : readList()) {
            Path path = Path.of(listed);
            String name = path.getFileName().toString();
            // A module's classes folder is taken as listed: every module's is called "classes", so looking it up
            // by file name would pick whichever module comes first on this classpath (seen with `mvn test`).
            Path found = Files.isDirectory(path) ? path : byName.getOrDefault(name, path);
            if (!Files.exists(found)) {
                throw new UncheckedIOException(new IOException("the function needs " + name + ", which is neither on "
                        + "the classpath nor at " + path + "; rebuild with ./mvnw install"));
            }
            jars.put(jarName(found), found);
        }
        return jars;
    }

    /** A jar keeps its file name; a module's classes folder ({@code runtime/target/classes}) becomes its jar. */
    private static String jarName(Path path) {
        if (!Files.isDirectory(path)) {
            return path.getFileName().toString();
        }
        Path module = path.getParent() == null ? null : path.getParent().getParent();
        return "lambert-" + (module == null ? "classes" : module.getFileName()) + ".jar";
    }

    private static List<String> readList() {
        try (InputStream in = FunctionJars.class.getClassLoader().getResourceAsStream(LIST)) {
            if (in == null) {
                throw new IOException("no " + LIST + " on the classpath: the lambda module is missing from this build");
            }
            List<String> out = new ArrayList<>();
            for (String part : new String(in.readAllBytes(), StandardCharsets.UTF_8).trim()
                    .split(java.io.File.pathSeparator)) {
                if (!part.isBlank()) {
                    out.add(part.trim());
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The jar or classes folder that holds a resource. */
    private static Path root(String resource) {
        URL url = FunctionJars.class.getClassLoader().getResource(resource);
        if (url == null) {
            throw new UncheckedIOException(new IOException("no " + resource + " on the classpath"));
        }
        try {
            if (url.getProtocol().equals("jar")) {
                String file = url.getPath().substring(0, url.getPath().indexOf("!/"));
                return Path.of(new URL(file).toURI());
            }
            Path path = Path.of(url.toURI());
            for (int i = 0; i < resource.split("/").length; i++) {
                path = path.getParent();
            }
            return path;
        } catch (URISyntaxException | IOException e) {
            throw new UncheckedIOException(new IOException("cannot locate " + resource + ": " + url, e));
        }
    }
}

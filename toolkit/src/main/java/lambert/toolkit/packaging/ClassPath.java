package lambert.toolkit.packaging;

import java.io.File;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The jars and classes folders this code runs from: the JVM's class path ({@code java.class.path}), then the
 * entries of every {@link URLClassLoader} from the toolkit's own class loader up. The second part matters where
 * the toolkit is loaded by a class loader of its own, as a Maven plugin is (Maven's class path holds only its
 * launcher): the packager and the emulator find the function's jars and the runtime interface client there.
 */
public final class ClassPath {
    private ClassPath() {}

    /** Every entry once, the JVM's class path first. */
    public static List<Path> entries() {
        return entries(System.getProperty("java.class.path", ""), ClassPath.class.getClassLoader());
    }

    /** Every entry of {@code classPath} and of the URL class loaders from {@code loader} up, once each. */
    static List<Path> entries(String classPath, ClassLoader loader) {
        Set<Path> out = new LinkedHashSet<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            if (!entry.isBlank()) {
                out.add(Path.of(entry));
            }
        }
        List<ClassLoader> chain = new ArrayList<>();
        for (ClassLoader l = loader; l != null; l = l.getParent()) {
            chain.add(l);
        }
        for (ClassLoader l : chain) {
            if (l instanceof URLClassLoader urls) {
                for (URL url : urls.getURLs()) {
                    if (url.getProtocol().equals("file")) {
                        try {
                            out.add(Path.of(url.toURI()));
                        } catch (URISyntaxException | IllegalArgumentException e) {
                            // not a path on this machine: nothing the packager could copy
                        }
                    }
                }
            }
        }
        return List.copyOf(out);
    }
}

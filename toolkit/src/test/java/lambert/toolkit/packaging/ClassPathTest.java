package lambert.toolkit.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The class path as the packager and emulator see it, including a class loader of the toolkit's own (Maven's). */
class ClassPathTest {
    @TempDir
    Path dir;

    @Test
    void entries_includeTheUrlClassLoadersEntriesAfterTheJvmsClassPath() throws Exception {
        Path launcher = dir.resolve("plexus-classworlds.jar");
        Path pluginJar = dir.resolve("aws-lambda-java-core-1.4.0.jar");
        Path parentJar = dir.resolve("parent.jar");
        try (URLClassLoader parent = new URLClassLoader(new URL[] {parentJar.toUri().toURL()}, null);
                URLClassLoader plugin = new URLClassLoader(new URL[] {pluginJar.toUri().toURL(),
                    launcher.toUri().toURL()}, parent)) {
            assertThat(ClassPath.entries(launcher + File.pathSeparator, plugin))
                    .containsExactly(launcher, pluginJar, parentJar);
        }
    }

    @Test
    void entries_ofThisJvmHoldTheHandlersModuleOnce() {
        assertThat(ClassPath.entries()).doesNotHaveDuplicates()
                .anyMatch(p -> p.getFileName().toString().startsWith("aws-lambda-java-core-"));
    }
}

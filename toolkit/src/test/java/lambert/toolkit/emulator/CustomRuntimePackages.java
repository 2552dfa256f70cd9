package lambert.toolkit.emulator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import lambert.base.io.Trees;
import lambert.runtime.bundle.ModelBundle;
import lambert.runtime.testing.TestModels;
import lambert.toolkit.packaging.CpuArch;
import lambert.toolkit.packaging.LambdaRuntime;
import lambert.toolkit.packaging.PackageReport;
import lambert.toolkit.packaging.Packager;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;

/**
 * Custom-runtime packages for tests (here and, through the test-jar, the command line's): the real model's, shared,
 * and a shell {@code bootstrap} that execs this machine's {@code java} on {@link BootstrapLoop}, with the classes the
 * loop and {@link ProbeHandler} need.
 */
public final class CustomRuntimePackages {
    private static PackageReport minilmInt8;

    private CustomRuntimePackages() {}

    /**
     * The real int8 MiniLM ({@link TestModels#minilmInt8()}) packaged for {@code provided.al2023}, built once per test
     * JVM (linking the JDK and the cache's training run take about a minute) into a temp folder deleted at exit. Tests
     * read it and copy it; none may change it.
     */
    public static synchronized PackageReport minilmInt8() throws IOException {
        if (minilmInt8 == null) {
            Path dir = Files.createTempDirectory("lambert-custom-package");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> Trees.delete(dir)));
            minilmInt8 = Packager.build(ModelBundle.open(TestModels.minilmInt8()), CpuArch.X86_64,
                    LambdaRuntime.PROVIDED_AL2023.id(), dir.resolve("function.zip"));
        }
        return minilmInt8;
    }

    /** Writes {@code zip} with a {@code bootstrap} of Unix mode {@code bootstrapMode} (0755 to run, 0644 not to). */
    public static Path loop(Path zip, int bootstrapMode) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String bootstrap = "#!/bin/sh\n# a custom runtime: this machine's JVM running the test loop\nexec '" + java
                + "' -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData -cp \"$LAMBDA_TASK_ROOT\" "
                + BootstrapLoop.class.getName() + "\n";
        try (ZipArchiveOutputStream out = new ZipArchiveOutputStream(Files.newOutputStream(zip))) {
            put(out, "bootstrap", bootstrap.getBytes(StandardCharsets.UTF_8), bootstrapMode);
            for (Class<?> type : List.of(BootstrapLoop.class, Cgroup.class, ProbeHandler.class)) {
                String entry = type.getName().replace('.', '/') + ".class";
                try (var in = CustomRuntimePackages.class.getClassLoader().getResourceAsStream(entry)) {
                    put(out, entry, in.readAllBytes(), 0644);
                }
            }
        }
        return zip;
    }

    private static void put(ZipArchiveOutputStream out, String name, byte[] bytes, int mode) throws IOException {
        ZipArchiveEntry entry = new ZipArchiveEntry(name);
        entry.setUnixMode(0100000 | mode);
        out.putArchiveEntry(entry);
        out.write(bytes);
        out.closeArchiveEntry();
    }
}

package lambert.toolkit.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import lambert.base.io.Trees;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The custom runtime's {@code bootstrap} run as it is written, by {@code dash} (POSIX sh, this machine's
 * {@code /bin/sh}) and by {@code bash} (Amazon Linux 2023's {@code /bin/sh}), over a task root whose {@code jre/bin/java}
 * is a script that prints glibc's malloc variables and the arguments it was started with: which jar sizes keep the
 * ahead-of-time cache, which leave it out and how {@code -Dlambert.aot} names the jar, how many programs it starts
 * before the JVM, and the malloc settings it exports.
 */
class CustomRuntimeBootstrapTest {
    /** Jars of the sizes the cache was "trained" with; more than one digit count, so that wc pads its columns. */
    private static final Map<String, Long> JARS = new TreeMap<>(Map.of("aws-lambda-java-core-1.4.0.jar", 8147L,
            "crac-1.5.0.jar", 10734L, "jackson-core-2.20.1.jar", 579663L, "lambert-runtime-0.1.0-SNAPSHOT.jar", 175996L,
            "onnxruntime-1.24.2.jar", 156049L));

    private Path root;

    @AfterEach
    void clean() {
        if (root != null) {
            Trees.delete(root);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dash", "bash"})
    void bootstrap_everyJarAsTrained_startsJavaWithTheCache(String shell) throws Exception {
        taskRoot(Map.of());
        String args = run(shell);
        assertThat(args).contains("-XX:AOTCache=" + root + "/aot/function.aot\n").contains("-Dlambert.aot=\n")
                .contains("-cp\n" + root + "/lib/aws-lambda-java-core-1.4.0.jar:" + root + "/lib/crac-1.5.0.jar:")
                .endsWith("lambert.lambda.runtime.RuntimeLoop\n");
        // C1 only and the serial collector as on the managed runtime, but a 4 MB young generation, given once
        assertThat(args.lines().filter(a -> a.startsWith("-Xmn"))).containsExactly("-Xmn4m");
        assertThat(args.lines()).contains("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx435m");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dash", "bash"})
    void bootstrap_exportsMallocSettingsUnlessTheFunctionSetsThem(String shell) throws Exception {
        taskRoot(Map.of());
        assertThat(run(shell)).startsWith("env MALLOC_ARENA_MAX=1 MALLOC_TOP_PAD_=16777216\n");
        assertThat(FunctionConfig.MALLOC).containsExactlyInAnyOrderEntriesOf(Map.of("MALLOC_ARENA_MAX", "1",
                "MALLOC_TOP_PAD_", "16777216"));
        // the function's own environment wins, each variable on its own
        assertThat(run(shell, Map.of("MALLOC_ARENA_MAX", "4"))).startsWith("env MALLOC_ARENA_MAX=4 "
                + "MALLOC_TOP_PAD_=16777216\n");
        assertThat(run(shell, Map.of("MALLOC_TOP_PAD_", "0"))).startsWith("env MALLOC_ARENA_MAX=1 MALLOC_TOP_PAD_=0\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dash", "bash"})
    void bootstrap_aJarOfAnotherSize_leavesTheCacheOutNamingIt(String shell) throws Exception {
        for (String jar : JARS.keySet()) {
            taskRoot(Map.of(jar, JARS.get(jar) + 1));
            assertThat(run(shell)).as(jar).doesNotContain("-XX:AOTCache")
                    .contains("-Dlambert.aot=lib/" + jar + " is not the jar the cache was trained with (" + JARS.get(jar)
                            + " bytes)\n");
            Trees.delete(root);
        }
        root = null;
    }

    @ParameterizedTest
    @ValueSource(strings = {"dash", "bash"})
    void bootstrap_aJarMissing_leavesTheCacheOutNamingIt(String shell) throws Exception {
        taskRoot(Map.of("jackson-core-2.20.1.jar", -1L));
        assertThat(run(shell)).doesNotContain("-XX:AOTCache")
                .contains("-Dlambert.aot=lib/jackson-core-2.20.1.jar is not the jar the cache was trained with (579663 "
                        + "bytes)\n");
        Trees.delete(root);
        taskRoot(Map.of("onnxruntime-1.24.2.jar", -1L));
        assertThat(run(shell)).contains("-Dlambert.aot=lib/onnxruntime-1.24.2.jar is not the jar");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dash", "bash"})
    void bootstrap_noCacheInThePackage_saysSoAndChecksNoJar(String shell) throws Exception {
        taskRoot(Map.of("crac-1.5.0.jar", 1L));
        Files.delete(root.resolve("aot/function.aot"));
        assertThat(run(shell)).doesNotContain("-XX:AOTCache")
                .contains("-Dlambert.aot=the package has no aot/function.aot\n");
    }

    /** One {@code wc} for all the jars: the shell starts two programs, wc and then java (was one wc per jar). */
    @ParameterizedTest
    @ValueSource(strings = {"dash", "bash"})
    void bootstrap_checksTheJarsWithOneChildProcess(String shell) throws Exception {
        Path strace = Path.of("/usr/bin/strace");
        Assumptions.assumeTrue(Files.isExecutable(strace), "strace is not installed");
        taskRoot(Map.of());
        Path trace = root.resolve("trace.txt");
        String args = run(shell, strace.toString(), "-f", "-e", "trace=execve", "-o", trace.toString());
        assertThat(args).contains("-XX:AOTCache=");
        List<String> programs = Files.readAllLines(trace).stream().filter(l -> l.contains("execve(\"") && l.endsWith("= 0"))
                .map(l -> l.replaceAll(".*execve\\(\"([^\"]+)\".*", "$1")).map(p -> Path.of(p).getFileName().toString())
                .toList();
        assertThat(programs).containsExactly(shell, "wc", "java");
    }

    /**
     * A task root with the bootstrap, a cache file, a {@code jre/bin/java} that prints its arguments one a line, and
     * {@link #JARS} with the sizes in {@code changed} instead (-1: the jar is missing).
     */
    private void taskRoot(Map<String, Long> changed) throws IOException {
        root = Files.createTempDirectory("lambert-bootstrap-test");
        Files.createDirectories(root.resolve("lib"));
        Files.createDirectories(root.resolve("aot"));
        Files.createDirectories(root.resolve("jre/bin"));
        Files.write(root.resolve("aot/function.aot"), new byte[16]);
        for (Map.Entry<String, Long> jar : JARS.entrySet()) {
            long size = changed.getOrDefault(jar.getKey(), jar.getValue());
            if (size >= 0) {
                Files.write(root.resolve("lib").resolve(jar.getKey()), new byte[(int) size]);
            }
        }
        Path java = root.resolve("jre/bin/java");
        Files.writeString(java, "#!/bin/sh\nprintf 'env MALLOC_ARENA_MAX=%s MALLOC_TOP_PAD_=%s\\n' "
                + "\"$MALLOC_ARENA_MAX\" \"$MALLOC_TOP_PAD_\"\nprintf '%s\\n' \"$@\"\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(root.resolve("bootstrap"), CustomRuntime.bootstrap(JARS), StandardCharsets.UTF_8);
    }

    /** Runs the bootstrap with {@code shell}, behind {@code prefix}; returns what the fake java printed. */
    private String run(String shell, String... prefix) throws Exception {
        return run(shell, Map.of(), prefix);
    }

    /** {@link #run(String, String...)} with {@code functionEnv} in the bootstrap's environment as well. */
    private String run(String shell, Map<String, String> functionEnv, String... prefix) throws Exception {
        Path program = Path.of("/usr/bin", shell);
        Assumptions.assumeTrue(Files.isExecutable(program), shell + " is not installed");
        List<String> command = new java.util.ArrayList<>(List.of(prefix));
        command.add(program.toString());
        command.add(root.resolve("bootstrap").toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("LAMBDA_TASK_ROOT", root.toString());
        builder.environment().put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512");
        builder.environment().remove("MALLOC_ARENA_MAX");
        builder.environment().remove("MALLOC_TOP_PAD_");
        builder.environment().putAll(functionEnv);
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        return out;
    }
}

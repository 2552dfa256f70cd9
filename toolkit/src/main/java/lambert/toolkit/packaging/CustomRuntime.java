package lambert.toolkit.packaging;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The parts of a {@code provided.al2023} package that Lambda's managed Java runtime would otherwise bring: a JDK
 * image linked from a JDK {@value #MIN_FEATURE} ({@code jre/}, with only the modules the function loads) and the
 * {@code bootstrap} that starts it on lambert's own Runtime API loop ({@value #MAIN_CLASS}) with the function's jars
 * as an explicit class path under the task root ({@code /var/task} on Lambda).
 *
 * <p>The JDK comes from {@code LAMBERT_CUSTOM_JDK}, else the JDK running lambert if it is {@value #MIN_FEATURE} or
 * later, else the newest {@code /usr/lib/jvm/temurin-25*}. It must be an x86_64 Linux JDK: {@code jlink} links from
 * its own run-time image (JEP 493), which cannot make an image for another CPU, and no aarch64 JDK 25 is at hand.
 *
 * <pre>{@code
 * Path jre = CustomRuntime.link(CustomRuntime.findJdk(System.getenv()), work.resolve("jre"));
 * }</pre>
 */
final class CustomRuntime {
    /** The oldest JDK feature release the custom runtime is linked from (ahead-of-time cache, JEP 483). */
    static final int MIN_FEATURE = 25;
    /** The environment variable that names the JDK to link from. */
    static final String JDK_VARIABLE = "LAMBERT_CUSTOM_JDK";
    /** The custom runtime's main class, in the {@code lambda} module. */
    static final String MAIN_CLASS = "lambert.lambda.runtime.RuntimeLoop";
    /**
     * The modules of the image: what the function loads ({@code -Xlog:class+load} over the emulator tests: classes from
     * {@code java.base} and, through ONNX Runtime's logger, {@code java.logging}; {@code jdeps} also names
     * {@code java.desktop}, {@code java.compiler} and {@code java.management} for DJL classes the function never loads).
     */
    static final List<String> MODULES = List.of("java.base", "java.logging");
    /**
     * Files of the image the function never runs or reads: the key tool, the launcher of executable jars, jrt-fs for
     * javac, and the TLS trust store and public suffix list (the function makes no TLS connection: it has no network
     * but the Runtime API's plain HTTP; strace of the function's process in the emulator, answering, refusing bad
     * input and failing its INIT, opens neither; 0.2 MB zipped). {@code lib/classlist} stays: the cache's training run
     * reads it. {@code lib/libsimdsort.so} stays: the JVM loads it at start for its array-sort intrinsics.
     */
    static final List<String> DROPPED = List.of("bin/keytool", "lib/jexec", "lib/jrt-fs.jar", "lib/security/cacerts",
            "lib/security/public_suffix_list.dat");
    /**
     * The custom runtime's young generation, in place of {@link FunctionConfig#JAVA_TOOL_OPTIONS}' 8 MB: Max Memory Used
     * 107 -> 103 MB over 2,000 invocations of the int8 export at 1769 MB, warm p50 and p99 and the cold start unchanged
     * (3 alternating rounds; 2 MB: 101 MB; notes/slim.md). Each young collection of this function's small live set is
     * short, and a request larger than the young generation is allocated in the old one.
     */
    static final String YOUNG_GENERATION = "-Xmn4m";
    /** The ahead-of-time cache in the package. */
    static final String AOT_CACHE = "aot/function.aot";
    /** Where Lambda unpacks the function, which the class path and the cache's paths name. */
    static final String TASK_ROOT = "/var/task";

    /**
     * A JDK to link from.
     *
     * @param home its folder
     * @param version its {@code JAVA_VERSION} ({@code 25.0.3})
     */
    record Jdk(Path home, String version) {
        /** Its {@code bin/java}. */
        Path java() {
            return home.resolve("bin/java");
        }
    }

    private CustomRuntime() {}

    /** The JDK to link from, found as the class comment says. */
    static Jdk findJdk(Map<String, String> env) {
        return findJdk(env, Path.of(System.getProperty("java.home")), Path.of("/usr/lib/jvm"));
    }

    /**
     * The JDK to link from: {@code env}'s {@value #JDK_VARIABLE} (refused, naming it, if it is not a usable JDK), else
     * {@code running} if usable, else the newest usable {@code temurin-25*} under {@code jvms}.
     *
     * @throws JdkNotFoundException if none is usable, saying what to install or set
     */
    static Jdk findJdk(Map<String, String> env, Path running, Path jvms) {
        String given = env.get(JDK_VARIABLE);
        if (given != null && !given.isBlank()) {
            Path home = Path.of(given);
            String problem = problem(home);
            if (problem != null) {
                throw new JdkNotFoundException(JDK_VARIABLE + "=" + given + " " + problem);
            }
            return new Jdk(home, version(home));
        }
        if (problem(running) == null) {
            return new Jdk(running, version(running));
        }
        List<Path> candidates = new ArrayList<>();
        if (Files.isDirectory(jvms)) {
            try (Stream<Path> list = Files.list(jvms)) {
                list.filter(p -> p.getFileName().toString().startsWith("temurin-25")).sorted().forEach(candidates::add);
            } catch (IOException e) {
                throw new JdkNotFoundException("cannot list " + jvms + " to find a JDK " + MIN_FEATURE + ": "
                        + e.getMessage());
            }
        }
        for (int i = candidates.size() - 1; i >= 0; i--) {
            if (problem(candidates.get(i)) == null) {
                return new Jdk(candidates.get(i), version(candidates.get(i)));
            }
        }
        throw new JdkNotFoundException("no JDK " + MIN_FEATURE + " to build the custom runtime from: lambert is running on "
                + "Java " + Runtime.version().feature() + " and " + jvms + " has no temurin-25* JDK; install Temurin "
                + MIN_FEATURE + " for x86_64 Linux (" + jvms + "/temurin-25-jdk-amd64) or set " + JDK_VARIABLE
                + " to a JDK " + MIN_FEATURE + " or later");
    }

    /** Why {@code home} cannot be linked from, as words after its name; null if it can. */
    static String problem(Path home) {
        Path release = home.resolve("release");
        if (!Files.isRegularFile(release)) {
            return "is not a JDK: it has no release file";
        }
        Properties p = release(home);
        String version = p.getProperty("JAVA_VERSION", "");
        int feature;
        try {
            feature = Integer.parseInt(version.split("[.+-]")[0]);
        } catch (NumberFormatException e) {
            return "has a release file without a JAVA_VERSION such as \"25.0.3\", found \"" + version + "\"";
        }
        if (feature < MIN_FEATURE) {
            return "is Java " + version + ", and the custom runtime needs a JDK " + MIN_FEATURE + " or later (its "
                    + "ahead-of-time cache)";
        }
        String arch = p.getProperty("OS_ARCH", "");
        if (!p.getProperty("OS_NAME", "").equals("Linux") || !(arch.equals("x86_64") || arch.equals("amd64"))) {
            return "is a JDK for " + p.getProperty("OS_NAME", "?") + " " + arch + ", and the custom runtime needs one "
                    + "for Linux x86_64 (Lambda's CPU; jlink cannot link for another platform from a run-time image)";
        }
        if (!Files.isExecutable(home.resolve("bin/jlink"))) {
            return "has no bin/jlink: it is a JRE, and the custom runtime is linked with a JDK's jlink";
        }
        return null;
    }

    private static String version(Path home) {
        return release(home).getProperty("JAVA_VERSION");
    }

    private static Properties release(Path home) {
        Properties p = new Properties();
        try {
            for (String line : Files.readAllLines(home.resolve("release"), StandardCharsets.UTF_8)) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    p.setProperty(line.substring(0, eq).trim(), line.substring(eq + 1).trim().replace("\"", ""));
                }
            }
        } catch (IOException e) {
            throw new JdkNotFoundException("cannot read " + home.resolve("release") + ": " + e.getMessage());
        }
        return p;
    }

    /**
     * Links the image into {@code out} (which must not exist): {@code jlink} with {@link #MODULES}, no debug
     * attributes, man pages or headers, and no jimage compression ({@code --compress=zip-0}: the zip compresses the
     * modules file better, 17.0 against 22.0 MB zipped, and nothing is inflated at start); then drops
     * {@link #DROPPED} and strips the native libraries' symbol tables ({@code libjvm.so} ships with one: 28 to 24 MB)
     * where {@code strip} is installed.
     */
    static Path link(Jdk jdk, Path out) throws IOException {
        run(List.of(jdk.home().resolve("bin/jlink").toString(), "--add-modules", String.join(",", MODULES),
                "--strip-debug", "--no-man-pages", "--no-header-files", "--compress=zip-0", "--output",
                out.toString()), "jlink");
        for (String dropped : DROPPED) {
            Files.deleteIfExists(out.resolve(dropped));
        }
        Path strip = Path.of("/usr/bin/strip");
        if (Files.isExecutable(strip)) {
            List<String> command = new ArrayList<>(List.of(strip.toString(), "--strip-unneeded"));
            try (Stream<Path> files = Files.walk(out.resolve("lib"))) {
                files.filter(f -> f.getFileName().toString().endsWith(".so") && Files.isRegularFile(f))
                        .sorted().forEach(f -> command.add(f.toString()));
            }
            run(command, "strip");
        }
        return out;
    }

    private static void run(List<String> command, String what) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        try {
            int code = process.waitFor();
            if (code != 0) {
                throw new IOException(what + " failed (exit " + code + "): " + output.replace('\n', ' '));
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(what + " was interrupted", e);
        }
    }

    /** {@link FunctionConfig#JAVA_TOOL_OPTIONS} with the custom runtime's {@link #YOUNG_GENERATION} instead of its own. */
    static String jvmOptions() {
        return FunctionConfig.JAVA_TOOL_OPTIONS.replaceAll("\\s*-Xmn\\S+", "") + " " + YOUNG_GENERATION;
    }

    /**
     * The {@code bootstrap}: a POSIX shell script that {@code exec}s the image's {@code java} (so that the JVM is the
     * runtime process and gets Lambda's signals) and glibc's {@link FunctionConfig#MALLOC} settings (exported unless
     * the function's environment sets them) with {@link #jvmOptions()}, a heap of 85% of the
     * memory setting, no {@code hsperfdata} file, native access for ONNX Runtime's {@code System.load}, the
     * ahead-of-time cache {@value #AOT_CACHE} when it is there and every jar has the size it had when the cache was
     * trained, and the jars in {@code lib/} in name order under {@code $LAMBDA_TASK_ROOT} ({@code /var/task} on Lambda).
     * The size check is lambert's own: JDK 25.0.3 does not notice a changed jar and would run the cached classes
     * (JDK-8377932, fixed in 25.0.4). It costs one child process, a single {@code wc -c} over all the jars (one per
     * jar was 11 fork-and-execs, about 10 ms of the cold start on one CPU). When the cache is left out,
     * {@code -Dlambert.aot} says why, naming the first jar that differs or is missing, and the loop's first log line
     * repeats it.
     *
     * @param jars each jar of {@code lib/} with its size in bytes
     */
    static String bootstrap(Map<String, Long> jars) {
        java.util.TreeMap<String, Long> sorted = new java.util.TreeMap<>(jars);
        StringBuilder cp = new StringBuilder();
        StringBuilder expected = new StringBuilder();
        StringBuilder names = new StringBuilder();
        StringBuilder exports = new StringBuilder();
        for (Map.Entry<String, String> variable : FunctionConfig.MALLOC.entrySet()) {
            exports.append(' ').append(variable.getKey()).append("=\"${").append(variable.getKey()).append(":-")
                    .append(variable.getValue()).append("}\"");
        }
        for (Map.Entry<String, Long> jar : sorted.entrySet()) {
            cp.append(cp.length() == 0 ? "" : ":").append("$root/lib/").append(jar.getKey());
            expected.append(" \\\n    ").append(jar.getKey()).append('=').append(jar.getValue());
            names.append(' ').append(jar.getKey());
        }
        return "#!/bin/sh\n"
                + "# lambert's custom runtime (" + LambdaRuntime.PROVIDED_AL2023.id() + "): the JDK image in jre/ runs\n"
                + "# lambert's Runtime API loop with the function's jars. Written by lambert package.\n"
                + "root=${LAMBDA_TASK_ROOT:-" + TASK_ROOT + "}\n"
                + "mem=${AWS_LAMBDA_FUNCTION_MEMORY_SIZE:-" + Packager.SUGGESTED_MEMORY_MB + "}\n"
                + "aot=\"-XX:AOTCache=$root/" + AOT_CACHE + "\"\n"
                + "why=\n"
                + "[ -r \"$root/" + AOT_CACHE + "\" ] || { aot=; why=\"the package has no " + AOT_CACHE + "\"; }\n"
                + "# the cache holds these jars' classes: a jar of another size would be run from the cache.\n"
                + "# The arguments are one wc's output (\"size name\" per jar, then the total): one child process.\n"
                + "same() {\n"
                + "  for jar in" + expected + "; do\n"
                + "    if [ \"$1\" != \"${jar##*=}\" ] || [ \"$2\" != \"${jar%=*}\" ]; then\n"
                + "      aot=; why=\"lib/${jar%=*} is not the jar the cache was trained with (${jar##*=} bytes)\"; return\n"
                + "    fi\n"
                + "    shift 2\n"
                + "  done\n"
                + "}\n"
                + "[ -z \"$aot\" ] || same $(cd \"$root/lib\" 2>/dev/null && wc -c" + names + " 2>/dev/null)\n"
                + "# glibc's malloc: one arena, grown 16 MB at a time (not one mprotect per 128 KB in INIT)\n"
                + "export" + exports + "\n"
                + "exec \"$root/jre/bin/java\" " + jvmOptions() + " -Xmx$((mem * 85 / 100))m "
                + "-XX:-UsePerfData --enable-native-access=ALL-UNNAMED ${aot:+\"$aot\"} \"-Dlambert.aot=$why\" \\\n"
                + "  -cp \"" + cp + "\" \\\n"
                + "  " + MAIN_CLASS + "\n";
    }
}

package lambert.toolkit.emulator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import lambert.base.io.Trees;

/**
 * One Lambda execution environment on this machine: the package unpacked into a fresh task root
 * (read-only for the function), a writable {@code /tmp}-like folder (the JVM's {@code java.io.tmpdir} on a Java
 * runtime; bound at {@code /tmp} for an OS-only runtime run in its own mount namespace), the runtime's own jars in a
 * runtime folder, and the function's process with Lambda's environment variables: for a Java runtime a JVM running
 * the official runtime interface client with a heap sized from the memory setting, for an OS-only runtime
 * ({@link FunctionRuntime}) the package's own {@code bootstrap}, run from the task root; and, where the machine allows
 * it, a cgroup CPU
 * quota ({@link CpuQuota}): during INIT what the {@link InitializationType} gives, from the first
 * {@code invocation/next} on memory/1769 vCPU. As root the function runs as {@code nobody}, so the task root really is
 * read-only to it, as on Lambda. A package of another architecture, or a stand-in CPU, runs under qemu-user with a
 * JVM of its architecture ({@link Emulation}); the runtime interface client is given its JNI library for that
 * architecture, and no CPU quota is set (emulated time means nothing).
 */
final class Sandbox implements AutoCloseable {

    private final Path root;
    /** Lambda's task root, where an OS-only runtime's package is bound when the machine allows it. */
    static final String LAMBDA_TASK_ROOT = "/var/task";
    private static final Path UNSHARE = Path.of("/usr/bin/unshare");
    private static final Path MOUNT = Path.of("/usr/bin/mount");

    private final Path taskRoot;
    private Path visibleTaskRoot;
    private final Path tmp;
    private final Path runtimeDir;
    private final Emulation emulation;
    private final FunctionRuntime runtime;
    private CpuQuota quota;
    private Process process;
    private long launchNanos;
    private boolean readOnly;
    private boolean unwritableTmp;
    private InitializationType initializationType = InitializationType.ON_DEMAND;

    private Sandbox(Path root, Emulation emulation, FunctionRuntime runtime) {
        this.root = root;
        this.emulation = emulation;
        this.runtime = runtime;
        this.taskRoot = root.resolve("task");
        this.visibleTaskRoot = taskRoot;
        this.tmp = root.resolve("tmp");
        this.runtimeDir = root.resolve("runtime");
    }

    /**
     * Unpacks {@code zip} into a new sandbox; an entry that would land outside the task root is refused. The runtime
     * interface client's jars are copied in for a Java runtime only.
     *
     * @throws lambert.toolkit.BadInputException if the package's runtime is OS-only and {@code emulation} runs
     *     under qemu (a {@code bootstrap} runs on this machine's CPU only)
     */
    static Sandbox create(Path zip, List<Path> runtimeJars, Emulation emulation) throws IOException {
        FunctionRuntime runtime = FunctionRuntime.of(zip);
        if (runtime.osOnly() && emulation.emulated()) {
            throw new lambert.toolkit.BadInputException(zip + " runs on " + runtime.id() + ", whose bootstrap the "
                    + "emulator starts on this machine's CPU only, not under qemu (" + emulation.describe() + ")");
        }
        Sandbox sandbox = new Sandbox(Files.createTempDirectory("lambert-emulate-"), emulation, runtime);
        try {
            Files.createDirectories(sandbox.taskRoot);
            Files.createDirectories(sandbox.tmp);
            Files.createDirectories(sandbox.runtimeDir.resolve("lib"));
            Unzip.into(zip, sandbox.taskRoot);
            if (!runtime.osOnly()) {
                for (Path jar : runtimeJars) {
                    Files.copy(jar, sandbox.runtimeDir.resolve("lib").resolve(jar.getFileName()));
                }
                RuntimeJars.copyJni(runtimeJars, emulation.architecture(), sandbox.jniLibrary());
            }
            return sandbox;
        } catch (IOException | RuntimeException e) {
            sandbox.close();
            throw e;
        }
    }

    /** The runtime interface client's JNI library for the function's architecture. */
    private Path jniLibrary() {
        return runtimeDir.resolve("libaws-lambda-jni.so");
    }

    /** Whether the temp folder is made unwritable for the function (a fault injected by tests). */
    void unwritableTmp(boolean unwritable) {
        this.unwritableTmp = unwritable;
    }

    /** How the environment starts (INIT's CPU, {@code AWS_LAMBDA_INITIALIZATION_TYPE}); on demand unless set. */
    void initializationType(InitializationType type) {
        this.initializationType = type;
    }

    /** The INIT phase is over: the function's CPU drops to the memory's share. */
    void invocationsStart() {
        if (quota != null) {
            quota.invocationsStart();
        }
    }

    /**
     * When the function's process was launched ({@link System#nanoTime()}), after the sandbox's own set-up (the task
     * root made read-only, the cgroup made): where Lambda's Init Duration starts.
     */
    long launchNanos() {
        return launchNanos;
    }

    /** The runtime that starts the function. */
    FunctionRuntime runtime() {
        return runtime;
    }

    /**
     * Why the function cannot be started, as Lambda's init error says it ({@code Runtime.InvalidEntrypoint}): an
     * OS-only runtime whose package has no {@code bootstrap} at its root, or one that is not an executable file.
     * Empty for a Java runtime.
     */
    java.util.Optional<String> invalidEntrypoint() throws IOException {
        if (!runtime.osOnly()) {
            return java.util.Optional.empty();
        }
        Path bootstrap = taskRoot.resolve(FunctionRuntime.BOOTSTRAP);
        if (!Files.exists(bootstrap, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return java.util.Optional.of("the package has no " + FunctionRuntime.BOOTSTRAP + " at its root, which "
                    + runtime.id() + " runs to start the function (Lambda: \"Couldn't find valid bootstrap(s)\")");
        }
        if (!Files.isRegularFile(bootstrap)) {
            return java.util.Optional.of(FunctionRuntime.BOOTSTRAP + " at the package's root is not a file: "
                    + runtime.id() + " runs it as a program");
        }
        var mode = Files.getPosixFilePermissions(bootstrap);
        if (!mode.contains(java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE)) {
            return java.util.Optional.of(FunctionRuntime.BOOTSTRAP + " at the package's root is not executable "
                    + "(mode in the zip without execute bits, found " + PosixFilePermissions.toString(mode) + "): "
                    + runtime.id() + " runs it as a program; chmod 755 it before zipping (zip keeps the mode)");
        }
        return java.util.Optional.empty();
    }

    /** The unpacked package ({@code LAMBDA_TASK_ROOT}). */
    Path taskRoot() {
        return taskRoot;
    }

    /**
     * Starts the function: its JVM, or for an OS-only runtime its {@code bootstrap}.
     *
     * @param handler the handler string
     * @param memoryMb the memory setting
     * @param functionEnv the function's own environment variables
     * @param runtimeApi {@code host:port} of the Runtime API
     */
    Process start(String handler, int memoryMb, Map<String, String> functionEnv, String runtimeApi)
            throws IOException {
        boolean asRoot = "root".equals(System.getProperty("user.name"));
        boolean dropToNobody = asRoot && Files.isExecutable(Path.of("/usr/bin/setpriv"));
        makeReadOnly(dropToNobody);
        quota = emulation.emulated() ? null : CpuQuota.forMemory(memoryMb, initializationType);
        visibleTaskRoot = runtime.osOnly() && asRoot && Files.isExecutable(UNSHARE) && Files.isExecutable(MOUNT)
                && mountPoint() ? Path.of(LAMBDA_TASK_ROOT) : taskRoot;
        List<String> command = runtime.osOnly() ? List.of(visibleTaskRoot.resolve(FunctionRuntime.BOOTSTRAP).toString())
                : emulation.command(List.of(
                "-XX:MaxHeapSize=" + (memoryMb * 85L / 100) + "m", "-XX:+UseSerialGC", "-Xshare:auto",
                "-Djava.io.tmpdir=" + tmp, "-D" + RuntimeJars.JNI_PROPERTY + "=" + jniLibrary(),
                "-cp", runtimeDir.resolve("lib") + "/*:" + taskRoot + ":" + taskRoot.resolve("lib") + "/*",
                "com.amazonaws.services.lambda.runtime.api.client.AWSLambda", handler));
        StringBuilder script = new StringBuilder(quota == null ? "" : quota.shellPrefix()).append("exec ");
        if (!visibleTaskRoot.equals(taskRoot)) {
            // A private mount namespace (same process: unshare execs) where the task root is bound, read-only, at
            // /var/task, so that the bootstrap's paths and an ahead-of-time cache's are Lambda's, and the sandbox's
            // temp folder at /tmp, the environment's own as on Lambda (a JVM the bootstrap starts writes there).
            String inner = "mount --bind " + quote(taskRoot.toString()) + " " + LAMBDA_TASK_ROOT + " && mount -o "
                    + "remount,bind,ro " + LAMBDA_TASK_ROOT + " && mount --bind " + quote(tmp.toString()) + " /tmp"
                    + " && cd " + LAMBDA_TASK_ROOT + " && exec \"$@\"";
            script.append(UNSHARE).append(" -m --propagation private /bin/sh -c ").append(quote(inner)).append(" sh ");
        }
        if (dropToNobody) {
            script.append("/usr/bin/setpriv --reuid=65534 --regid=65534 --clear-groups ");
        }
        for (String arg : command) {
            script.append(quote(arg)).append(' ');
        }
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", script.toString());
        pb.environment().clear();
        pb.environment().putAll(environment(handler, memoryMb, functionEnv, runtimeApi));
        pb.redirectErrorStream(true);
        pb.directory(taskRoot.toFile());
        launchNanos = System.nanoTime();
        process = pb.start();
        return process;
    }

    /**
     * The variables Lambda defines for every runtime (AWS's "Defined runtime environment variables"), with this
     * sandbox's folders standing in for {@code /var/task} and {@code /var/runtime}; {@code AWS_EXECUTION_ENV} only on a
     * Java runtime, as Lambda leaves it out on OS-only ones. The function's own variables come last.
     */
    private Map<String, String> environment(String handler, int memoryMb, Map<String, String> functionEnv,
            String runtimeApi) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", "/usr/local/bin:/usr/bin/:/bin:/opt/bin");
        env.put("LD_LIBRARY_PATH", String.join(":", "/lib64", "/usr/lib64", runtimeDir.toString(),
                runtimeDir.resolve("lib").toString(), visibleTaskRoot.toString(), visibleTaskRoot.resolve("lib").toString(),
                "/opt/lib"));
        env.put("LANG", "en_US.UTF-8");
        env.put("TZ", ":UTC");
        env.put("LAMBDA_TASK_ROOT", visibleTaskRoot.toString());
        env.put("LAMBDA_RUNTIME_DIR", runtimeDir.toString());
        env.put("AWS_LAMBDA_RUNTIME_API", runtimeApi);
        env.put("AWS_LAMBDA_FUNCTION_NAME", "lambert-emulated");
        env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(memoryMb));
        env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/lambert-emulated");
        env.put("AWS_LAMBDA_LOG_STREAM_NAME", "emulated");
        env.put("AWS_LAMBDA_INITIALIZATION_TYPE", initializationType.lambdaName());
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_DEFAULT_REGION", "us-east-1");
        if (runtime.executionEnv() != null) {
            env.put("AWS_EXECUTION_ENV", runtime.executionEnv());
        }
        env.put("_HANDLER", handler);
        env.putAll(functionEnv);
        return env;
    }

    /** {@code arg} quoted for {@code /bin/sh}. */
    private static String quote(String arg) {
        return "'" + arg.replace("'", "'\\''") + "'";
    }

    /** Whether {@value #LAMBDA_TASK_ROOT} exists as a folder to bind the task root on (made if missing, as root). */
    private static boolean mountPoint() {
        try {
            Files.createDirectories(Path.of(LAMBDA_TASK_ROOT));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Where the function sees its task root ({@code LAMBDA_TASK_ROOT}): {@value #LAMBDA_TASK_ROOT} for an OS-only
     * runtime when lambert runs as root with {@code unshare} (a private mount namespace), else the sandbox's folder.
     */
    Path visibleTaskRoot() {
        return visibleTaskRoot;
    }

    private void makeReadOnly(boolean enforced) throws IOException {
        try (Stream<Path> paths = Files.walk(taskRoot)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                boolean searchable = Files.isDirectory(p) || Files.getPosixFilePermissions(p).contains(
                        java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE);
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(searchable ? "r-xr-xr-x" : "r--r--r--"));
            }
        }
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(runtimeDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(unwritableTmp ? "r-xr-xr-x" : "rwxrwxrwx"));
        readOnly = enforced;
    }

    /** How the CPU is limited, for the report. */
    String cpuNote() {
        if (emulation.emulated()) {
            return "not limited: emulated, " + emulation.describe() + "; " + Emulation.TIMINGS_WARNING;
        }
        return quota == null ? "not started" : quota.note();
    }

    /** Whether the function's CPU is limited by a cgroup quota. */
    boolean cpuLimited() {
        return quota != null && quota.limited();
    }

    /** Whether the task root is read-only to the function (not when lambert itself is not root). */
    boolean readOnlyEnforced() {
        return readOnly;
    }

    /**
     * The function's peak resident memory in MB, or -1 if it cannot be read: the peak (VmHWM) of its process, plus
     * those of the processes it started (a {@code bootstrap} that starts its runtime without {@code exec}), an upper
     * bound of their peak together.
     */
    long maxMemoryUsedMb() {
        if (process == null) {
            return -1;
        }
        long kb = peakKb(process.pid());
        if (kb < 0) {
            return -1;
        }
        for (ProcessHandle child : (Iterable<ProcessHandle>) process.descendants()::iterator) {
            kb += Math.max(0, peakKb(child.pid()));
        }
        return (kb + 1023) / 1024;
    }

    private static long peakKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    @Override
    public void close() {
        if (process != null) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (quota != null) {
            quota.close();
        }
        Trees.delete(root);
    }
}

package lambert.toolkit.packaging;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Lambda's Java runtimes and its OS-only ones, with the Java version and the operating system each
 * runs: what decides whether a package runs on it. The function's classes need Java
 * {@value #FUNCTION_JAVA_VERSION}, and its native libraries need the glibc and libstdc++ versions
 * {@link NativeRequirement} reads from them; {@code libtokenizers.so} needs glibc 2.34, which only
 * Amazon Linux 2023 has.
 *
 * <p>Sources: AWS's "Building Lambda functions with Java" page (java25 and java21 on Amazon Linux
 * 2023; java17, java11 and java8.al2 on Amazon Linux 2, deprecated June 30, 2027), "When to use
 * Lambda's OS-only runtimes" (provided.al2023, provided.al2), and the {@code java17.al2023},
 * {@code java11.al2023} and {@code java8.al2023} identifiers of July 2026 (the AWS SDK's
 * {@code Runtime} enum, AWS SAM CLI 1.x release notes).
 *
 * <pre>{@code
 * LambdaRuntime runtime = LambdaRuntime.check("java21", requirements); // or UnsupportedRuntimeException
 * }</pre>
 */
public enum LambdaRuntime {
    /** Java 21 on Amazon Linux 2023: lambert's default. */
    JAVA21("java21", 21, AmazonLinux.AL2023),
    /** Java 25 on Amazon Linux 2023. */
    JAVA25("java25", 25, AmazonLinux.AL2023),
    /** Java 17 on Amazon Linux 2023. */
    JAVA17_AL2023("java17.al2023", 17, AmazonLinux.AL2023),
    /** Java 11 on Amazon Linux 2023. */
    JAVA11_AL2023("java11.al2023", 11, AmazonLinux.AL2023),
    /** Java 8 on Amazon Linux 2023. */
    JAVA8_AL2023("java8.al2023", 8, AmazonLinux.AL2023),
    /** Java 17 on Amazon Linux 2. */
    JAVA17("java17", 17, AmazonLinux.AL2),
    /** Java 11 on Amazon Linux 2. */
    JAVA11("java11", 11, AmazonLinux.AL2),
    /** Java 8 on Amazon Linux 2. */
    JAVA8_AL2("java8.al2", 8, AmazonLinux.AL2),
    /** OS-only, Amazon Linux 2023: the function brings its own {@code bootstrap}. */
    PROVIDED_AL2023("provided.al2023", 0, AmazonLinux.AL2023),
    /** OS-only, Amazon Linux 2. */
    PROVIDED_AL2("provided.al2", 0, AmazonLinux.AL2);

    /** The runtime {@code lambert package} writes into {@code function.json} unless told otherwise. */
    public static final LambdaRuntime DEFAULT = JAVA21;
    /** The Java version the function's classes are compiled for ({@code maven.compiler.release} in the build). */
    public static final int FUNCTION_JAVA_VERSION = 17;

    private final String id;
    private final int javaVersion;
    private final AmazonLinux os;

    LambdaRuntime(String id, int javaVersion, AmazonLinux os) {
        this.id = id;
        this.javaVersion = javaVersion;
        this.os = os;
    }

    /** Lambda's identifier: {@code java21}. */
    public String id() {
        return id;
    }

    /** The Java version it runs, 0 for an OS-only runtime. */
    public int javaVersion() {
        return javaVersion;
    }

    /** The operating system it runs on. */
    public AmazonLinux os() {
        return os;
    }

    /** The runtime with this identifier (exact, as Lambda spells it), if there is one. */
    public static Optional<LambdaRuntime> byId(String id) {
        return Arrays.stream(values()).filter(r -> r.id.equals(id)).findFirst();
    }

    /**
     * Why a function with these native libraries cannot run here, as words that follow the runtime's
     * name ("runs Java 11, and ..."); empty when it can. For a package made for a managed Java runtime.
     */
    public Optional<String> refusal(Collection<NativeRequirement> natives) {
        return refusal(natives, false);
    }

    /**
     * Like {@link #refusal(Collection)}, for a package with ({@code bootstrap}) or without its own {@code bootstrap} and
     * JDK ({@code lambert package --runtime provided.al2023}): such a package is for the OS-only runtimes, the others
     * for the managed Java runtimes.
     */
    public Optional<String> refusal(Collection<NativeRequirement> natives, boolean bootstrap) {
        if (javaVersion == 0 && !bootstrap) {
            return Optional.of("is an OS-only runtime (" + os.displayName() + ") that runs a bootstrap executable, which "
                    + "the package does not have: it is made for Lambda's managed Java runtimes (lambert package "
                    + "--runtime " + PROVIDED_AL2023.id + " makes one with a bootstrap)");
        }
        if (javaVersion != 0 && bootstrap) {
            return Optional.of("is a managed Java runtime, and the package carries its own JDK and bootstrap for an "
                    + "OS-only runtime (" + PROVIDED_AL2023.id + "); package it again with --runtime " + id);
        }
        if (javaVersion != 0 && javaVersion < FUNCTION_JAVA_VERSION) {
            return Optional.of("runs Java " + javaVersion + ", and the function's classes need Java "
                    + FUNCTION_JAVA_VERSION + " (class file version " + (44 + FUNCTION_JAVA_VERSION) + ")");
        }
        List<String> missing = unloadable(natives);
        if (missing.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("runs on " + os.describe() + ", where the native libraries cannot load: "
                + String.join(", ", missing));
    }

    /** Whether this is an OS-only runtime, which starts the package's own {@code bootstrap}. */
    public boolean osOnly() {
        return javaVersion == 0;
    }

    /** Whether {@code id} names an OS-only runtime ({@code provided.al2023}): a package with its own bootstrap. */
    public static boolean osOnly(String id) {
        return byId(id).map(LambdaRuntime::osOnly).orElse(false);
    }

    /** The libraries this runtime's OS cannot load, as "native/libtokenizers.so needs GLIBC_2.34". */
    public List<String> unloadable(Collection<NativeRequirement> natives) {
        List<String> missing = new ArrayList<>();
        for (NativeRequirement lib : natives) {
            List<String> lacks = lib.missingOn(os);
            if (!lacks.isEmpty()) {
                missing.add(lib.file() + " needs " + String.join(" and ", lacks));
            }
        }
        return missing;
    }

    /** The runtimes a function with these native libraries runs on, in this table's order. */
    public static List<LambdaRuntime> compatible(Collection<NativeRequirement> natives) {
        return compatible(natives, false);
    }

    /** The runtimes a package with ({@code bootstrap}) or without its own bootstrap and these libraries runs on. */
    public static List<LambdaRuntime> compatible(Collection<NativeRequirement> natives, boolean bootstrap) {
        return Arrays.stream(values()).filter(r -> r.refusal(natives, bootstrap).isEmpty()).toList();
    }

    /**
     * The runtime {@code id}, if the function's classes and these native libraries run on it; else an
     * {@link UnsupportedRuntimeException} whose message starts with {@code id}, says why, and names the
     * runtimes that work ("java17 runs on Amazon Linux 2 (glibc 2.26, ...), where ...; runtimes that
     * work: java21, java25, java17.al2023").
     */
    public static LambdaRuntime check(String id, Collection<NativeRequirement> natives) {
        return check(id, natives, false);
    }

    /** Like {@link #check(String, Collection)}, for a package with ({@code bootstrap}) or without its own bootstrap. */
    public static LambdaRuntime check(String id, Collection<NativeRequirement> natives, boolean bootstrap) {
        Optional<LambdaRuntime> runtime = byId(id);
        String why;
        if (runtime.isEmpty()) {
            why = "is not one of Lambda's Java or OS-only runtimes (" + Arrays.stream(values()).map(LambdaRuntime::id)
                    .collect(Collectors.joining(", ")) + ")";
        } else {
            Optional<String> refusal = runtime.get().refusal(natives, bootstrap);
            if (refusal.isEmpty()) {
                return runtime.get();
            }
            why = refusal.get();
        }
        List<LambdaRuntime> working = compatible(natives, bootstrap);
        throw new UnsupportedRuntimeException(id + " " + why + "; " + (working.isEmpty()
                ? "no Lambda runtime can load them: the newest OS is " + AmazonLinux.AL2023.describe()
                : "runtimes that work: " + working.stream().map(LambdaRuntime::id).collect(Collectors.joining(", "))));
    }
}

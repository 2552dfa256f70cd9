package lambert.toolkit.packaging;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import lambert.lambda.Handler;
import lambert.base.json.Json;

/**
 * {@code function.json}, written next to the zip: everything {@code lambert deploy} (or a person with
 * the console) needs to create the function.
 *
 * @param handler the handler string
 * @param runtime the managed runtime
 * @param architecture {@code x86_64} or {@code arm64}
 * @param memoryMb suggested memory
 * @param timeoutSeconds suggested timeout
 * @param environment environment variables
 * @param zipSha256 hex SHA-256 of the zip
 * @param zipSha256Base64 base64 SHA-256 of the zip, as Lambda reports it ({@code CodeSha256})
 * @param zipBytes the zip's size
 * @param unzippedBytes the unpacked size
 * @param model the model's name
 * @param lambertVersion the lambert version that packaged it
 * @param nativeLibraries what each native library in the zip needs from the OS (glibc, libstdc++), from
 *     which deploy and template check a runtime the package was not built for
 */
public record FunctionConfig(String handler, String runtime, String architecture, int memoryMb, int timeoutSeconds,
        Map<String, String> environment, String zipSha256, String zipSha256Base64, long zipBytes,
        long unzippedBytes, String model, String lambertVersion, List<NativeRequirement> nativeLibraries) {

    /** The handler class and method of every lambert function. */
    public static final String HANDLER = "lambert.lambda.Handler::handleRequest";
    /**
     * The suggested timeout, in seconds: {@link Handler#SUGGESTED_TIMEOUT_SECONDS} (28), so that the handler's own
     * 504 comes before API Gateway's at 29 s; a function not behind API Gateway may take longer.
     */
    public static final int TIMEOUT_SECONDS = Handler.SUGGESTED_TIMEOUT_SECONDS;
    /**
     * JVM options for the function. Tiered compilation stopped at C1 is AWS's advice for short-lived
     * Java functions; serial GC suits one request at a time in a small heap; an 8 MB young generation
     * keeps the resident memory from growing with the heap ({@code lambert.benchmarks.Soak} at 512 MB:
     * Max Memory Used 138 MB after 20,000 invocations with 24 MB, against 220 MB without a bound; 8 MB
     * against 24 MB, minilm-int8-export, 5,000 invocations at 512 MB in the emulator: 112 against 129 MB,
     * warm p50 unchanged). {@code -Djdk.reflect.useNativeAccessorOnly=true}: since JDK 18 (JEP 416) core
     * reflection spins method-handle classes for each constructor and method it first calls, and INIT calls some
     * (the JDK's security providers, behind ONNX Runtime's temp folder): on one vCPU about 30 LambdaForm classes and
     * 20-50 ms, none of which an AOT cache keeps. With native accessors the same calls cost nothing to set up;
     * JDK 17 has no such classes and ignores the property. {@link #LATE_COMPILATION}: C1 compiles a method only after
     * four times as many calls and loop turns, so INIT spends less of its one vCPU compiling code it runs a few times
     * (docs/cold-start.md).
     */
    public static final String JAVA_TOOL_OPTIONS = "-XX:+TieredCompilation -XX:TieredStopAtLevel=1 "
            + "-XX:CompileThresholdScaling=4 -XX:+UseSerialGC -Xmn8m -Djdk.reflect.useNativeAccessorOnly=true";

    /** The C1-only flag of {@link #JAVA_TOOL_OPTIONS}, which environments initialised ahead of requests drop. */
    public static final String C1_ONLY = "-XX:TieredStopAtLevel=1";
    /**
     * The compile thresholds of {@link #JAVA_TOOL_OPTIONS}, four times the JVM's: on one vCPU, INIT compiled 172
     * methods in 32 ms of compiler time with the JVM's and about a third of that with these, while the warm Duration
     * stayed the same (ONNX Runtime's time dominates it). Cold start in the emulator (minilm-int8-export, 1769 MB,
     * 12 alternating starts, medians): java21 453 -> 424 ms; provided.al2023 on one CPU 266 -> 250 ms (24 starts).
     * Environments initialised ahead of requests drop it with {@link #C1_ONLY}.
     */
    public static final String LATE_COMPILATION = "-XX:CompileThresholdScaling=4";

    /**
     * glibc's malloc settings for the function's process, in name order: one arena for every thread, grown 16 MB
     * beyond each request. The JVM runs {@code main} on a thread of its own, so ONNX Runtime's schemas and session,
     * built through JNI in INIT, come from a thread arena, which glibc grows with one {@code mprotect} per 128 KB:
     * 2,415 {@code mprotect} calls and 9 thread arenas in one provided.al2023 cold start (strace), against 45 calls,
     * 7 {@code brk} and no thread arena with these. Cold start on one CPU, alternating starts of the same package
     * (notes/coldpath.md, session 8): provided.al2023 236.1 -> 229.3 ms and 250.1 -> 239.3 ms (30 each); java21
     * (AWS's client on the image's JDK) 444.7 -> 439.4 ms (20) and 453.4 -> 447.4 ms (30). provided.al2023's warm
     * Duration of 64 texts at 3538 MB (two threads) and Max Memory Used the same: padding never written is address
     * space, not memory. The custom runtime's {@code bootstrap} exports them unless the function's environment sets
     * them; a managed runtime's function gets them in its environment ({@link #ENVIRONMENT}).
     */
    public static final Map<String, String> MALLOC = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(
            Map.of("MALLOC_ARENA_MAX", "1", "MALLOC_TOP_PAD_", "16777216")));
    /** The environment of a function on a managed Java runtime: {@link #JAVA_TOOL_OPTIONS} and {@link #MALLOC}. */
    public static final Map<String, String> ENVIRONMENT = managedEnvironment();

    public FunctionConfig {
        environment = Map.copyOf(environment);
        nativeLibraries = List.copyOf(nativeLibraries);
    }

    /** A configuration without native-library requirements (a zip without {@code native/}). */
    public FunctionConfig(String handler, String runtime, String architecture, int memoryMb, int timeoutSeconds,
            Map<String, String> environment, String zipSha256, String zipSha256Base64, long zipBytes,
            long unzippedBytes, String model, String lambertVersion) {
        this(handler, runtime, architecture, memoryMb, timeoutSeconds, environment, zipSha256, zipSha256Base64,
                zipBytes, unzippedBytes, model, lambertVersion, List.of());
    }

    /**
     * The environment for a function whose environments are initialised before requests arrive
     * (SnapStart, provisioned concurrency) when {@code initialisedAhead}: {@code JAVA_TOOL_OPTIONS}
     * without {@code -XX:TieredStopAtLevel=1}, so that the priming run before the snapshot (or in the
     * provisioned environment, before its first request) can reach C2, the optimising compiler, and the
     * requests are not left on C1 code for the environment's life, and without {@link #LATE_COMPILATION}, so that
     * priming compiles at the JVM's own thresholds. Both are for on-demand cold starts, where INIT is on the
     * request's path and they shorten it. Unchanged otherwise.
     */
    public static Map<String, String> environmentFor(Map<String, String> environment, boolean initialisedAhead) {
        String options = environment.get("JAVA_TOOL_OPTIONS");
        if (!initialisedAhead || options == null) {
            return environment;
        }
        Map<String, String> out = new TreeMap<>(environment);
        out.put("JAVA_TOOL_OPTIONS", String.join(" ", java.util.Arrays.stream(options.trim().split("\\s+"))
                .filter(o -> !o.equals(C1_ONLY) && !o.equals(LATE_COMPILATION)).toList()));
        return out;
    }

    private static Map<String, String> managedEnvironment() {
        Map<String, String> env = new TreeMap<>(MALLOC);
        env.put("JAVA_TOOL_OPTIONS", JAVA_TOOL_OPTIONS);
        return java.util.Collections.unmodifiableMap(env);
    }

    /** The pretty-printed JSON. */
    public byte[] toJson() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = Json.generator(out)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("handler", handler);
            g.writeStringField("runtime", runtime);
            g.writeStringField("architecture", architecture);
            g.writeNumberField("memory_mb", memoryMb);
            g.writeNumberField("timeout_s", timeoutSeconds);
            g.writeObjectFieldStart("environment");
            for (Map.Entry<String, String> e : new TreeMap<>(environment).entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            g.writeStringField("code_sha256", zipSha256);
            g.writeStringField("code_sha256_base64", zipSha256Base64);
            g.writeNumberField("zip_bytes", zipBytes);
            g.writeNumberField("unzipped_bytes", unzippedBytes);
            g.writeStringField("model", model);
            g.writeStringField("lambert_version", lambertVersion);
            g.writeArrayFieldStart("native_libraries");
            for (NativeRequirement lib : nativeLibraries) {
                writeNative(g, lib);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("compatible_runtimes");
            for (LambdaRuntime r : LambdaRuntime.compatible(nativeLibraries, LambdaRuntime.osOnly(runtime))) {
                g.writeString(r.id());
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        out.write('\n');
        return out.toByteArray();
    }

    /** One {@code native_libraries} entry: {@code {"file": ..., "glibc": "2.34", "glibcxx": "3.4.22"}}. */
    public static void writeNative(JsonGenerator g, NativeRequirement lib) throws IOException {
        g.writeStartObject();
        g.writeStringField("file", lib.file());
        if (lib.glibc() != null) {
            g.writeStringField("glibc", lib.glibc().toString());
        }
        if (lib.glibcxx() != null) {
            g.writeStringField("glibcxx", lib.glibcxx().toString());
        }
        g.writeEndObject();
    }
}

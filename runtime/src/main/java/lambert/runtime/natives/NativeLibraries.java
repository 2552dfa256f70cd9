package lambert.runtime.natives;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;

/**
 * Where the native libraries of ONNX Runtime and of the Hugging Face tokenizer come from, decided
 * before their Java classes load.
 *
 * <ul>
 *   <li>Given paths win: {@code onnxruntime.native.path} for ONNX Runtime, {@code RUST_LIBRARY_PATH}
 *       for the tokenizer (a packaged function sets both to its own unpacked libraries, so nothing
 *       is extracted at cold start).
 *   <li>Otherwise the libraries are extracted from their jars once into
 *       {@code java.io.tmpdir/lambert-native} and reused by later processes: ONNX Runtime's own
 *       loader would copy its 22 MB library to a new temp file on every start (about 100 ms).
 *       Nothing is ever written outside the temp directory.
 *   <li>DJL is told it is offline and that its telemetry is off.
 * </ul>
 */
public final class NativeLibraries {
    private static final String ORT_PATH = "onnxruntime.native.path";
    private static boolean ortPrepared;

    private NativeLibraries() {}

    /** Prepares DJL's tokenizer library; call before the first DJL tokenizer class loads. */
    public static synchronized void prepareTokenizer() {
        setIfAbsent("ai.djl.offline", "true");
        setIfAbsent("OPT_OUT_TRACKING", "true");
        if (configured("RUST_LIBRARY_PATH") || configured("ENGINE_CACHE_DIR")) {
            return;
        }
        System.setProperty("ENGINE_CACHE_DIR", cacheRoot().toString());
    }

    /** Prepares ONNX Runtime's libraries; call before the first ONNX Runtime class loads. */
    public static synchronized void prepareOnnxRuntime() {
        if (ortPrepared || System.getProperty(ORT_PATH) != null) {
            return;
        }
        ortPrepared = true;
        String platform = ortPlatform();
        if (platform == null) {
            return; // ONNX Runtime's own loader handles platforms lambert does not know
        }
        String[] names = platform.startsWith("osx")
                ? new String[] {"libonnxruntime.dylib", "libonnxruntime4j_jni.dylib"}
                : new String[] {"libonnxruntime.so", "libonnxruntime4j_jni.so"};
        String build = ortBuild();
        if (build == null) {
            return;
        }
        Path dir = cacheRoot().resolve("onnxruntime-" + build + "-" + platform);
        try {
            if (!Files.isRegularFile(dir.resolve(names[1]))) {
                extract(platform, List.of(names), dir);
            }
            System.setProperty(ORT_PATH, dir.toString());
        } catch (IOException e) {
            // Fall back to ONNX Runtime's own extraction, which works wherever the temp dir is writable.
        }
    }

    private static void extract(String platform, List<String> names, Path dir) throws IOException {
        Files.createDirectories(dir.getParent());
        Path staging = Files.createTempDirectory(dir.getParent(), dir.getFileName() + ".partial-");
        try {
            for (String name : names) {
                String resource = "ai/onnxruntime/native/" + platform + "/" + name;
                try (InputStream in = NativeLibraries.class.getClassLoader().getResourceAsStream(resource)) {
                    if (in == null) {
                        throw new IOException("no " + resource + " on the classpath");
                    }
                    Files.copy(in, staging.resolve(name));
                }
            }
            try {
                Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(staging, dir);
            }
        } catch (IOException e) {
            if (Files.isRegularFile(dir.resolve(names.get(1)))) {
                return; // another process won the race
            }
            throw e;
        } finally {
            try (var files = Files.list(staging)) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException ignored) {
                // staging already moved into place
            }
            Files.deleteIfExists(staging);
        }
    }

    /** The ONNX Runtime build's git commit (a resource in its jar), to key the cache folder. */
    private static String ortBuild() {
        try (InputStream in = NativeLibraries.class.getClassLoader().getResourceAsStream("GIT_COMMIT_ID")) {
            if (in == null) {
                return null;
            }
            String id = new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
            return id.matches("[0-9a-f]{7,64}") ? id.substring(0, 12) : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** ONNX Runtime's name for this platform, or null if lambert does not know it. */
    static String ortPlatform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String cpu = arch.equals("amd64") || arch.equals("x86_64") ? "x64"
                : arch.equals("aarch64") || arch.equals("arm64") ? "aarch64" : null;
        if (cpu == null) {
            return null;
        }
        if (os.startsWith("linux")) {
            return "linux-" + cpu;
        }
        if (os.startsWith("mac")) {
            return "osx-" + cpu;
        }
        return null;
    }

    private static Path cacheRoot() {
        return Path.of(System.getProperty("java.io.tmpdir"), "lambert-native");
    }

    private static boolean configured(String name) {
        return System.getenv(name) != null || System.getProperty(name) != null;
    }

    private static void setIfAbsent(String name, String value) {
        if (System.getenv(name) == null && System.getProperty(name) == null) {
            System.setProperty(name, value);
        }
    }
}

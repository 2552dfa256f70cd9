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
 *   <li>The tokenizer library is loaded by lambert, not by DJL's loader: DJL's would first probe for
 *       CUDA through JNA, and it can download, which a function must never do.
 * </ul>
 */
public final class NativeLibraries {
    private static final String ORT_PATH = "onnxruntime.native.path";
    private static boolean ortPrepared;
    private static boolean tokenizerLoaded;

    private NativeLibraries() {}

    /**
     * Loads the Hugging Face tokenizers library that DJL's JNI class ({@code TokenizersLibrary}) binds to,
     * without DJL's own loader, which probes for CUDA through JNA first (about 100 ms at cold start).
     * {@code RUST_LIBRARY_PATH} (the file, or its folder) wins; otherwise the library is extracted from
     * the DJL jar once into the temp directory and reused.
     */
    public static synchronized void loadTokenizer() throws IOException {
        if (tokenizerLoaded) {
            return;
        }
        String libName = System.mapLibraryName("tokenizers");
        String given = System.getProperty("RUST_LIBRARY_PATH", System.getenv("RUST_LIBRARY_PATH"));
        Path library;
        if (given != null && !given.isBlank()) {
            Path path = Path.of(given);
            library = Files.isDirectory(path) ? path.resolve(libName) : path;
            if (!Files.isRegularFile(library)) {
                throw new IOException("RUST_LIBRARY_PATH is " + given + " but there is no " + libName + " there (a "
                        + "package leaves it out when the pure-Java tokenizer reproduces its bundle's: do not set "
                        + "LAMBERT_TOKENIZER=native for it)");
            }
        } else {
            String classifier = tokenizerPlatform();
            if (classifier == null) {
                throw new IOException("no tokenizer library for " + System.getProperty("os.name") + " "
                        + System.getProperty("os.arch") + "; set RUST_LIBRARY_PATH to one");
            }
            Path dir = cacheRoot().resolve("tokenizers-" + resourceText("native/lib/tokenizers.properties")
                    .replaceAll("(?s).*version=([^\\s]+).*", "$1") + "-" + classifier);
            if (!Files.isRegularFile(dir.resolve(libName))) {
                extract(List.of("native/lib/" + classifier + "/cpu/" + libName), dir);
            }
            library = dir.resolve(libName);
        }
        System.load(library.toAbsolutePath().toString());
        tokenizerLoaded = true;
    }

    /**
     * The architecture an ELF file is built for, from its header's {@code e_machine}: {@code x86_64},
     * {@code arm64}, or {@code machine 0x..} for another; null if the stream does not start with an ELF header.
     */
    public static String elfArchitecture(InputStream in) throws IOException {
        byte[] header = new byte[20];
        if (in.readNBytes(header, 0, header.length) < header.length || header[0] != 0x7f || header[1] != 'E'
                || header[2] != 'L' || header[3] != 'F') {
            return null;
        }
        int machine = (header[18] & 0xff) | (header[19] & 0xff) << 8;
        return machine == 0x3E ? "x86_64" : machine == 0xB7 ? "arm64" : "machine 0x" + Integer.toHexString(machine);
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
                String folder = "ai/onnxruntime/native/" + platform + "/";
                extract(List.of(folder + names[0], folder + names[1]), dir);
            }
            System.setProperty(ORT_PATH, dir.toString());
        } catch (IOException e) {
            // Fall back to ONNX Runtime's own extraction, which works wherever the temp dir is writable.
        }
    }

    /** Copies classpath resources into {@code dir} (by file name), all at once: staged, then renamed. */
    private static void extract(List<String> resources, Path dir) throws IOException {
        Files.createDirectories(dir.getParent());
        Path staging = Files.createTempDirectory(dir.getParent(), dir.getFileName() + ".partial-");
        String last = resources.get(resources.size() - 1);
        String lastName = last.substring(last.lastIndexOf('/') + 1);
        try {
            for (String resource : resources) {
                try (InputStream in = NativeLibraries.class.getClassLoader().getResourceAsStream(resource)) {
                    if (in == null) {
                        throw new IOException("no " + resource + " on the classpath");
                    }
                    Files.copy(in, staging.resolve(resource.substring(resource.lastIndexOf('/') + 1)));
                }
            }
            try {
                Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(staging, dir);
            }
        } catch (IOException e) {
            if (Files.isRegularFile(dir.resolve(lastName))) {
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
        String id = resourceText("GIT_COMMIT_ID").trim();
        return id.matches("[0-9a-f]{7,64}") ? id.substring(0, 12) : null;
    }

    /** A small classpath resource as text, or "" if it is missing. */
    private static String resourceText(String resource) {
        try (InputStream in = NativeLibraries.class.getClassLoader().getResourceAsStream(resource)) {
            return in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** DJL's name for this platform's tokenizer build, or null if its jar has none. */
    static String tokenizerPlatform() {
        String ort = ortPlatform();
        if (ort == null) {
            return null;
        }
        return ort.replace("linux-x64", "linux-x86_64");
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

}

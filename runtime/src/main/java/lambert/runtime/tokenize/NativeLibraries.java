package lambert.runtime.tokenize;

import java.nio.file.Path;

/**
 * Tells DJL, before its tokenizer classes load, where the tokenizer's native library is and that
 * it must not go online. With {@code RUST_LIBRARY_PATH} set (as in a packaged function) the library
 * is loaded from there and nothing is extracted; otherwise DJL extracts it from its jar into a
 * folder under the temp directory, never into the home folder. Telemetry is switched off.
 */
final class NativeLibraries {
    private NativeLibraries() {}

    static void prepare() {
        setIfAbsent("ai.djl.offline", "true");
        setIfAbsent("OPT_OUT_TRACKING", "true");
        if (configured("RUST_LIBRARY_PATH") || configured("ENGINE_CACHE_DIR")) {
            return;
        }
        Path cache = Path.of(System.getProperty("java.io.tmpdir"), "lambert-native");
        System.setProperty("ENGINE_CACHE_DIR", cache.toString());
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

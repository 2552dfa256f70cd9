package lambert.runtime.natives;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The native libraries a packaged function carries unpacked in its {@code native/} folder ({@code lambert package}
 * stores them there): checked for this machine's architecture, then given to ONNX Runtime and the tokenizer by
 * path, so nothing is extracted at cold start. Explicit settings win.
 *
 * <pre>{@code
 * PackagedNatives.use(System.getenv("LAMBDA_TASK_ROOT"));
 * }</pre>
 */
public final class PackagedNatives {
    /** The libraries a package's {@code native/} folder must hold. */
    public static final List<String> LIBRARIES = List.of("libonnxruntime.so", "libonnxruntime4j_jni.so");
    /**
     * The Hugging Face tokenizers library, which a package carries only when the pure-Java tokenizer does not
     * reproduce its bundle's tokenizer; checked like the others when it is there.
     */
    public static final String TOKENIZER_LIBRARY = "libtokenizers.so";

    private PackagedNatives() {}

    /**
     * Points ONNX Runtime ({@code onnxruntime.native.path}) and the tokenizer ({@code RUST_LIBRARY_PATH}) at the
     * libraries in {@code taskRoot/native} (the tokenizer's there or absent), after checking them ({@link #require});
     * a property or variable already
     * set wins. Call before the first ONNX Runtime or tokenizer class loads.
     *
     * @param taskRoot the unpacked package; null or without {@code native/} changes nothing
     * @throws IllegalStateException naming a missing library or one built for another architecture
     */
    public static void use(String taskRoot) {
        if (taskRoot == null) {
            return;
        }
        Path natives = Path.of(taskRoot, "native");
        if (!Files.isDirectory(natives)) {
            return;
        }
        require(natives, LIBRARIES);
        Path tokenizers = natives.resolve(TOKENIZER_LIBRARY);
        if (Files.exists(tokenizers)) {
            require(natives, List.of(TOKENIZER_LIBRARY));
        }
        if (Files.isRegularFile(natives.resolve("libonnxruntime.so"))
                && System.getProperty("onnxruntime.native.path") == null) {
            System.setProperty("onnxruntime.native.path", natives.toString());
        }
        // Even when it is not there: a package's tokenizer library is its own or none, never one extracted from a jar.
        if (System.getenv("RUST_LIBRARY_PATH") == null
                && System.getProperty("RUST_LIBRARY_PATH") == null) {
            System.setProperty("RUST_LIBRARY_PATH", tokenizers.toString());
        }
    }

    /**
     * Checks the native libraries a package carries in {@code dir} (its {@code native/} folder) before any is
     * loaded: each of {@code names} must be there and built for this machine's architecture (ELF
     * {@code e_machine}), or the message says which file is missing or for which architecture it was built, and
     * what to do. Without this, a missing library shows as "no onnxruntime in java.library.path" and a wrong one
     * as a loader error.
     *
     * @throws IllegalStateException naming the library
     */
    public static void require(Path dir, List<String> names) {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String here = arch.equals("amd64") || arch.equals("x86_64") ? "x86_64"
                : arch.equals("aarch64") || arch.equals("arm64") ? "arm64" : arch;
        for (String name : names) {
            Path library = dir.resolve(name);
            if (!Files.isRegularFile(library)) {
                throw new IllegalStateException("the package's native/" + name + " is missing (looked in " + dir
                        + "): rebuild the zip with lambert package --arch " + here);
            }
            String built;
            try (InputStream in = Files.newInputStream(library)) {
                built = NativeLibraries.elfArchitecture(in);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read the package's native/" + name + ": " + e.getMessage(), e);
            }
            if (built == null) {
                throw new IllegalStateException("the package's native/" + name + " is not an ELF library: rebuild "
                        + "the zip with lambert package --arch " + here);
            }
            if (!built.equals(here)) {
                throw new IllegalStateException("the package's native/" + name + " is built for " + built
                        + (built.equals("arm64") ? " (aarch64)" : "") + " but this function runs on " + here + " (os.arch "
                        + arch + "): rebuild the zip with lambert package --arch " + here + ", or set the function's "
                        + "architecture to " + built);
            }
        }
    }
}

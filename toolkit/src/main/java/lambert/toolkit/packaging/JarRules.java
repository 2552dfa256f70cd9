package lambert.toolkit.packaging;

import java.util.List;

/**
 * What the function never loads, and so what each jar loses when it is rewritten: native libraries
 * (those of the target architecture move out of the jars into {@code native/}, unpacked, so nothing
 * is extracted at cold start), debug symbols (ONNX Runtime's jar carries 56 MB of macOS dSYM), DJL's
 * model-zoo listings, Maven metadata and signatures that rewriting would invalidate; and, in a package whose
 * bundle the pure-Java {@code WordPieceTokenizer} tokenizes, the Hugging Face tokenizer's binding altogether.
 */
final class JarRules {
    /**
     * Dependencies of DJL's api jar that the function never loads: lambert calls the tokenizer's JNI
     * class directly, so DJL's CUDA probe (JNA), its downloads (commons-compress, commons-io,
     * commons-codec) and its JSON (gson) stay out. The emulator tests run the package without them.
     */
    private static final List<String> NEVER_LOADED = List.of("jna-", "commons-compress-", "commons-io-",
            "commons-codec-", "gson-", "error_prone_annotations-");

    /**
     * Jars only the Hugging Face tokenizer's binding needs: DJL's {@code tokenizers} (its JNI class) and {@code api},
     * and SLF4J, through which DJL logs. Only {@code NativeTokenizer} refers to their classes, and it is loaded only
     * for a tokenizer the pure-Java one does not reproduce, so a package without {@code libtokenizers.so} leaves them
     * out too (1.0 MB zipped).
     */
    private static final List<String> NATIVE_TOKENIZER_ONLY = List.of("tokenizers-", "api-", "slf4j-api-",
            "slf4j-nop-");

    private JarRules() {}

    /** Whether a dependency jar goes into a package that carries the tokenizer's native library. */
    static boolean ship(String jar) {
        return NEVER_LOADED.stream().noneMatch(jar::startsWith);
    }

    /**
     * Whether a dependency jar goes into the package at all: the jars of {@link #ship(String)}, less the tokenizer
     * binding's unless {@code nativeTokenizer} (the bundle's tokenizer is not one the pure-Java
     * {@code WordPieceTokenizer} reproduces).
     */
    static boolean ship(String jar, boolean nativeTokenizer) {
        return ship(jar) && (nativeTokenizer || NATIVE_TOKENIZER_ONLY.stream().noneMatch(
                prefix -> jar.startsWith(prefix) && jar.length() > prefix.length()
                        && Character.isDigit(jar.charAt(prefix.length()))));
    }

    /** Whether an entry of a dependency jar goes into its rewritten copy. */
    static boolean keep(String jar, String entry, CpuArch arch) {
        if (entry.startsWith("META-INF/maven/") || entry.matches("META-INF/[^/]+\\.(SF|RSA|DSA|EC)")
                || entry.contains(".dSYM/")) {
            return false;
        }
        if (jar.startsWith("onnxruntime-")) {
            return !entry.startsWith("ai/onnxruntime/native/");
        }
        if (jar.startsWith("tokenizers-")) {
            // tokenizers.properties names the native build; DJL reads it even when the library is given.
            return entry.equals("native/lib/tokenizers.properties")
                    || !(entry.startsWith("native/") || entry.startsWith("nlp/") || entry.startsWith("cv/"));
        }
        return true;
    }

    /** Native libraries to take out of a jar into {@code native/}: entry name, then file name. */
    static List<String[]> natives(String jar, CpuArch arch) {
        return natives(jar, arch, true);
    }

    /**
     * Native libraries to take out of a jar into {@code native/}, the tokenizer's only when {@code nativeTokenizer}
     * (the bundle's tokenizer is not one the pure-Java {@code WordPieceTokenizer} reproduces).
     */
    static List<String[]> natives(String jar, CpuArch arch, boolean nativeTokenizer) {
        if (jar.startsWith("tokenizers-") && !nativeTokenizer) {
            return List.of();
        }
        if (jar.startsWith("onnxruntime-")) {
            String dir = "ai/onnxruntime/native/" + arch.onnxRuntimeDir() + "/";
            return List.of(new String[] {dir + "libonnxruntime.so", "libonnxruntime.so"},
                    new String[] {dir + "libonnxruntime4j_jni.so", "libonnxruntime4j_jni.so"});
        }
        if (jar.startsWith("tokenizers-")) {
            List<String[]> libs = new java.util.ArrayList<>();
            libs.add(new String[] {"native/lib/" + arch.tokenizerDir() + "/cpu/libtokenizers.so", "libtokenizers.so"});
            return libs;
        }
        return List.of();
    }
}

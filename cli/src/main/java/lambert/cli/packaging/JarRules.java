package lambert.cli.packaging;

import java.util.List;

/**
 * What the function never loads, and so what each jar loses when it is rewritten: native libraries
 * (those of the target architecture move out of the jars into {@code native/}, unpacked, so nothing
 * is extracted at cold start), debug symbols (ONNX Runtime's jar carries 56 MB of macOS dSYM), DJL's
 * model-zoo listings, Maven metadata and signatures that rewriting would invalidate.
 */
final class JarRules {
    private JarRules() {}

    /** Whether an entry of a dependency jar goes into its rewritten copy. */
    static boolean keep(String jar, String entry, Architecture arch) {
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
        if (jar.startsWith("jna-")) {
            return !entry.startsWith("com/sun/jna/") || !isJnaNative(entry) || entry.startsWith(
                    "com/sun/jna/" + arch.jnaDir() + "/");
        }
        return true;
    }

    private static boolean isJnaNative(String entry) {
        String rest = entry.substring("com/sun/jna/".length());
        int slash = rest.indexOf('/');
        return slash > 0 && (rest.startsWith("linux-") || rest.startsWith("darwin") || rest.startsWith("win32-")
                || rest.startsWith("sunos-") || rest.startsWith("freebsd-") || rest.startsWith("openbsd-")
                || rest.startsWith("aix-") || rest.startsWith("dragonflybsd-"));
    }

    /** Native libraries to take out of a jar into {@code native/}: entry name, then file name. */
    static List<String[]> natives(String jar, Architecture arch) {
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

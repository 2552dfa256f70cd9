package lambert.cli.packaging;

import java.util.Locale;

/** A Lambda instruction set architecture and the names each native library uses for it. */
public enum Architecture {
    /** Intel/AMD 64-bit. */
    X86_64("x86_64", "linux-x64", "linux-x86_64"),
    /** Graviton (64-bit ARM): 20% cheaper per GB-second. */
    ARM64("arm64", "linux-aarch64", "linux-aarch64");

    private final String lambdaName;
    private final String onnxRuntimeDir;
    private final String tokenizerDir;

    Architecture(String lambdaName, String onnxRuntimeDir, String tokenizerDir) {
        this.lambdaName = lambdaName;
        this.onnxRuntimeDir = onnxRuntimeDir;
        this.tokenizerDir = tokenizerDir;
    }

    /** Lambda's name: {@code x86_64} or {@code arm64}. */
    public String lambdaName() {
        return lambdaName;
    }

    /** The folder of this architecture's libraries in the ONNX Runtime jar. */
    String onnxRuntimeDir() {
        return onnxRuntimeDir;
    }

    /** The folder of this architecture's library in the DJL tokenizers jar. */
    String tokenizerDir() {
        return tokenizerDir;
    }

    /** Parses {@code x86_64} or {@code arm64} (also {@code amd64}, {@code aarch64}). */
    public static Architecture parse(String name) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "x86_64":
            case "amd64":
                return X86_64;
            case "arm64":
            case "aarch64":
                return ARM64;
            default:
                throw new IllegalArgumentException("architecture must be x86_64 or arm64, found \"" + name + "\"");
        }
    }
}

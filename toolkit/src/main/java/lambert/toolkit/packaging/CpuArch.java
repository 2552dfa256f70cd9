package lambert.toolkit.packaging;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import lambert.runtime.natives.NativeLibraries;

/** A Lambda instruction set architecture and the names each native library and tool uses for it. */
public enum CpuArch {
    /** Intel/AMD 64-bit. */
    X86_64("x86_64", "linux-x64", "linux-x86_64", "x86_64", "amd64", "linux-x86_64"),
    /** Graviton (64-bit ARM): 20% cheaper per GB-second. */
    ARM64("arm64", "linux-aarch64", "linux-aarch64", "aarch64", "arm64", "linux-aarch_64");

    private final String lambdaName;
    private final String onnxRuntimeDir;
    private final String tokenizerDir;
    private final String qemuName;
    private final String debianName;
    private final String runtimeClientName;

    CpuArch(String lambdaName, String onnxRuntimeDir, String tokenizerDir, String qemuName, String debianName,
            String runtimeClientName) {
        this.lambdaName = lambdaName;
        this.onnxRuntimeDir = onnxRuntimeDir;
        this.tokenizerDir = tokenizerDir;
        this.qemuName = qemuName;
        this.debianName = debianName;
        this.runtimeClientName = runtimeClientName;
    }

    /** Lambda's name: {@code x86_64} or {@code arm64}. */
    public String lambdaName() {
        return lambdaName;
    }

    /** qemu-user's name, as in {@code qemu-aarch64-static}: {@code x86_64} or {@code aarch64}. */
    public String qemuName() {
        return qemuName;
    }

    /** Debian's name, as in {@code openjdk-17-jre-headless:arm64} and {@code /usr/lib/jvm/java-17-openjdk-arm64}. */
    public String debianName() {
        return debianName;
    }

    /** The suffix of this architecture's JNI library in the Lambda runtime interface client's jar. */
    public String runtimeClientName() {
        return runtimeClientName;
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
    public static CpuArch parse(String name) {
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

    /** The architecture of this JVM ({@code os.arch}); an error on a machine Lambda has no architecture for. */
    public static CpuArch host() {
        String arch = System.getProperty("os.arch", "");
        try {
            return parse(arch);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("this machine's architecture (os.arch " + arch + ") is neither x86_64 nor "
                    + "arm64", e);
        }
    }

    /**
     * The architecture a function zip was packaged for, read from the ELF header of its
     * {@code native/libonnxruntime.so} (what the function will load), not from {@code function.json}. A
     * custom-runtime package without one (a {@code bootstrap} at its root) is taken to be this machine's
     * architecture: its bootstrap, a script or a program, runs on this machine's CPU.
     *
     * @throws IOException if the zip cannot be read or is neither a lambert package nor a custom-runtime one
     */
    public static CpuArch ofPackage(Path zip) throws IOException {
        try (ZipFile file = new ZipFile(zip.toFile())) {
            ZipEntry entry = file.getEntry("native/libonnxruntime.so");
            if (entry == null && file.getEntry("bootstrap") != null) {
                return host();
            }
            if (entry == null) {
                throw new IOException(zip + " has no native/libonnxruntime.so: not a package made by lambert package");
            }
            String built;
            try (InputStream in = file.getInputStream(entry)) {
                built = NativeLibraries.elfArchitecture(in);
            }
            if (built == null || !(built.equals("x86_64") || built.equals("arm64"))) {
                throw new IOException(zip + ": native/libonnxruntime.so is " + (built == null ? "not an ELF library"
                        : "built for " + built) + ", expected x86_64 or arm64");
            }
            return parse(built);
        }
    }
}

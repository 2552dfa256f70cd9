package lambert.runtime.session;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

/**
 * ONNX Runtime kernel paths known to answer wrong on some CPUs, and the session settings that keep
 * sessions off them. One today:
 *
 * <p><b>Arm CPUs with SME, ONNX Runtime 1.24.x.</b> On a CPU with the Scalable Matrix Extension,
 * {@code DynamicQuantizeMatMul} (what ONNX Runtime fuses a dynamically quantised {@code MatMulInteger}
 * into, and what {@code lambert quantize} writes) prepacks its int8 weights for KleidiAI's SME
 * kernels when their zero points are all zero. Emulated on qemu's {@code max} CPU, every int8
 * embedding of all-MiniLM-L6-v2 then comes out unrelated to the right one (cosine -0.06 to 0.14),
 * with no error. ONNX Runtime 1.23.2 never took that path for per-channel zero points; from 1.24.1
 * it does (see microsoft/onnxruntime#32600 for the open aarch64 regression report). With
 * {@code session.disable_prepacking} the operator runs MLAS's NEON path and answers as on the same
 * CPU without SME. No Graviton (2, 3 or 4) has SME, so on Lambda today this changes nothing; CPUs
 * without SME and x86_64 get no setting at all.
 *
 * <pre>{@code
 * Map<String, String> entries = KernelWorkarounds.forThisMachine(); // {} on x86_64 and Graviton
 * }</pre>
 */
public final class KernelWorkarounds {
    /** {@code AT_HWCAP2} in the ELF auxiliary vector. */
    static final long AT_HWCAP2 = 26;
    /** {@code HWCAP2_SME} on Linux arm64: the CPU has the Scalable Matrix Extension. */
    static final long HWCAP2_SME = 1L << 23;
    /** The session setting that keeps int8 weights from KleidiAI's SME prepacking. */
    static final Map<String, String> NO_SME_PREPACKING = Map.of("session.disable_prepacking", "1");

    private KernelWorkarounds() {}

    /** The session config entries this machine needs (read once per call from {@code /proc/self/auxv}). */
    public static Map<String, String> forThisMachine() {
        return forCpu(System.getProperty("os.arch"), hwcap2(Path.of("/proc/self/auxv")));
    }

    /**
     * The entries for a CPU.
     *
     * @param osArch Java's {@code os.arch}
     * @param hwcap2 the CPU's {@code AT_HWCAP2} bits, empty when unknown (an Arm CPU of unknown features
     *     is treated as one with SME: a slower right answer rather than a fast wrong one)
     */
    static Map<String, String> forCpu(String osArch, OptionalLong hwcap2) {
        String arch = osArch == null ? "" : osArch.toLowerCase(Locale.ROOT);
        if (!arch.equals("aarch64") && !arch.equals("arm64")) {
            return Map.of();
        }
        boolean sme = hwcap2.isEmpty() || (hwcap2.getAsLong() & HWCAP2_SME) != 0;
        return sme ? NO_SME_PREPACKING : Map.of();
    }

    /**
     * {@code AT_HWCAP2} from an auxiliary vector file: pairs of 64-bit little-endian words (type,
     * value) up to {@code AT_NULL}, as Linux arm64 and x86_64 lay them out; empty if the file cannot be
     * read or has no such entry.
     */
    static OptionalLong hwcap2(Path auxv) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(auxv);
        } catch (IOException | SecurityException e) {
            return OptionalLong.empty();
        }
        ByteBuffer words = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        while (words.remaining() >= 2 * Long.BYTES) {
            long type = words.getLong();
            long value = words.getLong();
            if (type == 0) {
                break;
            }
            if (type == AT_HWCAP2) {
                return OptionalLong.of(value);
            }
        }
        return OptionalLong.empty();
    }
}

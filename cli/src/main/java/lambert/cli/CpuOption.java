package lambert.cli;

import java.io.IOException;
import java.nio.file.Path;
import lambert.toolkit.emulator.Emulation;
import lambert.toolkit.packaging.CpuArch;

/**
 * {@code --cpu}, as {@code emulate}, {@code tune}, {@code serve} and {@code verify} take it: where a package's
 * function runs, from the architecture it was packaged for and the CPU asked for.
 */
final class CpuOption {
    /** The help text of {@code --cpu}. */
    static final String HELP = "graviton2 (the default for an arm64 zip on x86_64), graviton3, graviton4, sme; haswell "
            + "for x86_64; host; or a qemu CPU model. All but host run under qemu-user, where timings mean nothing.";

    private CpuOption() {}

    /**
     * Where {@code zip}'s function runs for {@code cpu} (null: the default).
     *
     * @throws UsageException for an unknown CPU or one of another architecture
     * @throws lambert.toolkit.emulator.EmulationUnavailableException if qemu or a JVM of the package's architecture is
     *     missing (exit 3, naming the Debian packages)
     */
    static Emulation emulation(Path zip, String cpu) throws IOException {
        CpuArch architecture;
        try {
            architecture = CpuArch.ofPackage(zip);
        } catch (IOException e) {
            if (e instanceof java.nio.file.NoSuchFileException) {
                throw e;
            }
            throw new UsageException(e.getMessage());
        }
        try {
            return Emulation.forPackage(architecture, cpu);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--cpu: " + e.getMessage());
        }
    }

    /** Says, before anything else, that the package runs emulated and what its timings are worth. */
    static void announce(Terminal t, Emulation emulation, String more) {
        t.warn("emulated  " + emulation.describe());
        t.warn("          " + Emulation.TIMINGS_WARNING + more);
    }
}

package lambert.cli;

import java.io.IOException;
import java.nio.file.Path;
import lambert.cli.emulator.Emulation;
import lambert.cli.packaging.Architecture;

/**
 * {@code --cpu}, as {@code emulate}, {@code tune}, {@code serve} and {@code verify} take it: where a package's
 * function runs, from the architecture it was packaged for and the CPU asked for.
 */
final class CpuOption {
    /** The help text of {@code --cpu}. */
    static final String HELP = "The CPU to run the package on: graviton2 (the default for arm64 packages on an x86_64 "
            + "machine), graviton3, graviton4, sme; haswell for x86_64; host; or a qemu CPU model. All but host run "
            + "under qemu-user; timings there mean nothing.";

    private CpuOption() {}

    /**
     * Where {@code zip}'s function runs for {@code cpu} (null: the default).
     *
     * @throws UsageException for an unknown CPU or one of another architecture
     * @throws lambert.cli.emulator.EmulationUnavailableException if qemu or a JVM of the package's architecture is
     *     missing (exit 3, naming the Debian packages)
     */
    static Emulation emulation(Path zip, String cpu) throws IOException {
        Architecture architecture;
        try {
            architecture = Architecture.ofPackage(zip);
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
}

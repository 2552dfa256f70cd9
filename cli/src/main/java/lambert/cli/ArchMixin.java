package lambert.cli;

import lambert.toolkit.packaging.CpuArch;
import picocli.CommandLine.Option;

/** {@code --arch x86_64|arm64}, as {@code package} and {@code cost} take it (x86_64 unless given). */
public final class ArchMixin {
    @Option(names = "--arch", paramLabel = "ARCH", defaultValue = "x86_64",
            description = "x86_64 or arm64 (default: ${DEFAULT-VALUE}).")
    String arch;

    /** The architecture given. */
    public CpuArch architecture() {
        return parse(arch);
    }

    /** {@code name} as an architecture, or a usage error naming {@code --arch}. */
    static CpuArch parse(String name) {
        try {
            return CpuArch.parse(name);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--arch: " + e.getMessage());
        }
    }
}

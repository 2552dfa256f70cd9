package lambert.cli;

import picocli.CommandLine.Option;

/** {@code --force}, as the commands that write a bundle ({@code convert}, {@code optimize}, {@code quantize}) take it. */
public final class ForceMixin {
    @Option(names = "--force", description = "Replace the output bundle if it exists.")
    boolean force;

    /** Whether an existing output bundle may be replaced. */
    public boolean force() {
        return force;
    }
}

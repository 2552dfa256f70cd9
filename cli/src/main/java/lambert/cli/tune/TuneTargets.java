package lambert.cli.tune;

import lambert.cli.UsageException;

/**
 * Where {@code lambert tune} gets its target: {@link LocalTuneTarget} for a package, a deployed
 * function for {@code --function}. The remote target (updating the function's memory, invoking
 * through an alias, restoring the configuration on close) comes with {@code lambert deploy}; until
 * it is in the build, {@link #remote} refuses with exit code 2.
 */
public final class TuneTargets {
    private TuneTargets() {}

    /**
     * The sweep against the deployed function {@code function} (NAME or NAME:ALIAS).
     *
     * @throws UsageException until the remote target is in this build
     */
    public static TuneTarget remote(String function) {
        throw new UsageException("remote tune needs lambert's AWS client (the RemoteTuneTarget that comes with "
                + "lambert deploy), which this build does not have yet; tune the package locally: lambert tune "
                + "--package function.zip (without --function " + function + ")");
    }
}

package lambert.cli.tune;

import lambert.cli.aws.AwsOptions;
import lambert.cli.aws.RemoteTuneTarget;

/**
 * Where {@code lambert tune} gets its target: {@link LocalTuneTarget} for a package, a deployed
 * function for {@code --function} ({@link RemoteTuneTarget}: the function's memory updated per size,
 * a fresh version invoked through the sweep's own alias, the original configuration restored on close).
 */
public final class TuneTargets {
    private TuneTargets() {}

    /** The sweep against the deployed function {@code function} (NAME or NAME:ALIAS), with these AWS options. */
    public static TuneTarget remote(String function, AwsOptions aws) {
        return RemoteTuneTarget.connect(aws, function, line -> { });
    }
}

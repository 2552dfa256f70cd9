package lambert.toolkit.aws;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import lambert.toolkit.emulator.Report;
import lambert.toolkit.tune.TuneTarget;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.GetFunctionConfigurationResponse;
import software.amazon.awssdk.services.lambda.model.PublishVersionResponse;
import software.amazon.awssdk.services.lambda.model.ResourceConflictException;

/**
 * A {@code lambert tune} sweep against a deployed function. For each memory size it sets the memory of
 * {@code $LATEST}, waits for the update, publishes a version, points the sweep's own alias
 * ({@code lambert-tune-XXXXXXXX}) at it and invokes through that alias: a fresh version has no warm
 * environment, so its first invocation is a cold start with its Init Duration, as the sweep wants.
 * {@link #close()} puts the original memory size back and deletes the sweep's alias and versions; a
 * shutdown hook does the same on Ctrl-C while the sweep runs. The function's own aliases are never
 * touched.
 *
 * <pre>{@code
 * try (AwsClients aws = AwsClients.create(options);
 *         RemoteTuneTarget target = new RemoteTuneTarget(aws.lambda(), "my-fn", DeploySettings.AWS,
 *                 System.err::println)) {
 *     List<Report> at512 = target.run(512, 1, 20, event);
 * }
 * }</pre>
 */
public final class RemoteTuneTarget implements TuneTarget {
    private final LambdaClient lambda;
    private final String function;
    private final FunctionWaiter waiter;
    private final Consumer<String> progress;
    private final String sweepId = "lambert tune " + UUID.randomUUID().toString().substring(0, 8);
    private final String alias = "lambert-tune-" + sweepId.substring(sweepId.length() - 8);
    private volatile boolean aliasCreated;
    private AwsClients owned;
    private final List<String> published = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile Integer originalMemoryMb;
    private volatile Integer currentMemoryMb;
    private volatile Integer versionMemoryMb;
    private volatile Thread hook;
    private volatile boolean closed;

    /**
     * A target for {@code function} ({@code $LATEST} is changed during the sweep and restored after it).
     *
     * @param progress where to say what is happening ("512 MB: publishing a version")
     */
    public RemoteTuneTarget(LambdaClient lambda, String function, DeploySettings settings, Consumer<String> progress) {
        this.lambda = lambda;
        this.function = function;
        this.waiter = new FunctionWaiter(lambda, settings);
        this.progress = progress;
    }

    /**
     * A target with its own AWS clients (closed with it), for {@code lambert tune --function}:
     * {@code function} is NAME or NAME:ALIAS; the sweep measures {@code $LATEST}'s code, which is what
     * the next {@code lambert deploy} publishes, so an alias only names the function.
     */
    public static RemoteTuneTarget connect(AwsOptions options, String function, Consumer<String> progress) {
        String name = function.startsWith("arn:") || function.indexOf(':') < 0 ? function
                : function.substring(0, function.indexOf(':'));
        AwsClients clients = AwsClients.create(options);
        RemoteTuneTarget target = new RemoteTuneTarget(clients.lambda(), name, DeploySettings.AWS, progress);
        target.owned = clients;
        return target;
    }

    @Override
    public String describe() {
        return "function " + function + " (a version per memory size, invoked through alias " + alias
                + "; memory restored to "
                + (originalMemoryMb == null ? "its setting" : originalMemoryMb + " MB") + " afterwards)";
    }

    @Override
    public List<Report> run(int memoryMb, int warmup, int invocations, byte[] event) {
        if (closed) {
            throw new IllegalStateException("this tune target is closed");
        }
        if (originalMemoryMb == null) {
            // the setting to restore, read once the function is settled
            GetFunctionConfigurationResponse c = waiter.awaitReady(function, null);
            originalMemoryMb = c.memorySize();
            currentMemoryMb = originalMemoryMb;
            hook = new Thread(this::restoreQuietly, "lambert-tune-restore");
            Runtime.getRuntime().addShutdownHook(hook);
        }
        if (Integer.valueOf(memoryMb).equals(versionMemoryMb) && Integer.valueOf(memoryMb).equals(currentMemoryMb)) {
            // the same size again (the sweep's warm part after its cold start): the same, now warm, version
            return invoke(memoryMb, warmup, invocations, event);
        }
        if (currentMemoryMb != memoryMb) {
            progress.accept(memoryMb + " MB: updating the function's memory");
            setMemory(memoryMb);
        }
        progress.accept(memoryMb + " MB: publishing a version");
        PublishVersionResponse version = call("lambda:PublishVersion", () -> lambda.publishVersion(r -> r
                .functionName(function).description(sweepId + " " + memoryMb + " MB")));
        if (version.description() != null && version.description().startsWith(sweepId)) {
            published.add(version.version());
        }
        waiter.awaitReady(function, version.version());
        if (!aliasCreated) {
            call("lambda:CreateAlias", () -> lambda.createAlias(r -> r.functionName(function).name(alias)
                    .functionVersion(version.version()).description("lambert tune sweep, deleted when it ends")));
            aliasCreated = true;
        } else {
            call("lambda:UpdateAlias", () -> lambda.updateAlias(r -> r.functionName(function).name(alias)
                    .functionVersion(version.version())));
        }
        versionMemoryMb = memoryMb;
        return invoke(memoryMb, warmup, invocations, event);
    }

    /**
     * Invokes the sweep's alias; a function error (a crash, running out of memory) is a report with
     * status {@code error}, as in the emulator, so the sweep marks that size unusable and goes on.
     */
    private List<Report> invoke(int memoryMb, int warmup, int invocations, byte[] event) {
        List<Report> reports = new ArrayList<>();
        for (int i = 0; i < warmup + invocations; i++) {
            if (closed) {
                throw new IllegalStateException("the sweep was stopped and " + function + " restored");
            }
            progress.accept(memoryMb + " MB: invocation " + (i + 1) + " of " + (warmup + invocations));
            Invocation inv = Invocation.invoke(lambda, function, alias, event);
            if (inv.functionError() != null) {
                progress.accept(memoryMb + " MB: function error (" + inv.functionError() + "): "
                        + new String(inv.report().response(), java.nio.charset.StandardCharsets.UTF_8));
            }
            if (i >= warmup) {
                reports.add(inv.report());
            }
        }
        return reports;
    }

    /** The memory size the function had before the sweep, once the sweep has started. */
    public Integer originalMemoryMb() {
        return originalMemoryMb;
    }

    /** Restores the original memory size and deletes the sweep's versions; safe to call twice. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            restore();
        } finally {
            if (owned != null) {
                owned.close();
            }
            if (hook != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook itself is restoring
                }
            }
        }
    }

    private synchronized void restoreQuietly() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            restore();
        } catch (RuntimeException e) {
            System.err.println("lambert: could not restore " + function + " to " + originalMemoryMb + " MB: "
                    + e.getMessage());
        }
    }

    private void restore() {
        if (originalMemoryMb == null) {
            return;
        }
        RuntimeException failure = null;
        if (currentMemoryMb == null || !currentMemoryMb.equals(originalMemoryMb)) {
            progress.accept("restoring " + function + " to " + originalMemoryMb + " MB");
            try {
                setMemory(originalMemoryMb);
            } catch (RuntimeException e) {
                failure = new AwsRefusedException("could not restore function " + function + " to its original "
                        + originalMemoryMb + " MB (" + e.getMessage() + "); set it back with: aws lambda "
                        + "update-function-configuration --function-name " + function + " --memory-size "
                        + originalMemoryMb, e);
            }
        }
        if (aliasCreated) {
            try {
                lambda.deleteAlias(r -> r.functionName(function).name(alias));
                aliasCreated = false;
            } catch (SdkException e) {
                progress.accept("left alias " + alias + " of " + function + " (" + e.getMessage() + ")");
            }
        }
        for (String v : published) {
            try {
                lambda.deleteFunction(r -> r.functionName(function).qualifier(v));
            } catch (SdkException e) {
                progress.accept("left version " + v + " of " + function + " (" + e.getMessage() + ")");
            }
        }
        published.clear();
        if (failure != null) {
            throw failure;
        }
    }

    private void setMemory(int memoryMb) {
        for (int attempt = 1; ; attempt++) {
            try {
                lambda.updateFunctionConfiguration(r -> r.functionName(function).memorySize(memoryMb));
                currentMemoryMb = null; // unknown until the update has taken effect
                break;
            } catch (ResourceConflictException e) {
                if (attempt >= 8) {
                    throw AwsErrors.explain("lambda:UpdateFunctionConfiguration", "function " + function, e);
                }
                waiter.awaitReady(function, null);
            } catch (SdkException e) {
                throw AwsErrors.explain("lambda:UpdateFunctionConfiguration", "function " + function, e);
            }
        }
        waiter.awaitReady(function, null);
        currentMemoryMb = memoryMb;
    }

    private <T> T call(String action, java.util.function.Supplier<T> s) {
        try {
            return s.get();
        } catch (SdkException e) {
            throw AwsErrors.explain(action, "function " + function, e);
        }
    }
}

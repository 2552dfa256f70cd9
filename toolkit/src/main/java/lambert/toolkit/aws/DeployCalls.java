package lambert.toolkit.aws;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.lambda.model.InvalidParameterValueException;
import software.amazon.awssdk.services.lambda.model.ResourceConflictException;

/**
 * The three kinds of call a deploy makes, each recorded as a {@link Step}: reads, writes (skipped in a dry run,
 * retried while Lambda says an update is in progress or a new role is not usable yet) and waits for the function to
 * be ready. The record is the deploy's plan: a dry run and a real run make the same list.
 */
final class DeployCalls {
    private final String fn;
    private final DeploySettings settings;
    private final boolean dryRun;
    private final Consumer<String> progress;
    private final FunctionWaiter waiter;
    private final List<Step> steps = new ArrayList<>();

    DeployCalls(String fn, DeploySettings settings, boolean dryRun, Consumer<String> progress, FunctionWaiter waiter) {
        this.fn = fn;
        this.settings = settings;
        this.dryRun = dryRun;
        this.progress = progress;
        this.waiter = waiter;
    }

    <T> T read(String call, String detail, String resource, Supplier<T> action) {
        steps.add(new Step(call, detail, Step.Kind.READ));
        try {
            return action.get();
        } catch (SdkException e) {
            throw AwsErrors.explain(call, resource, e);
        }
    }

    /** A read whose "not found" (HTTP 404) answer means absent. */
    <T> Optional<T> readOptional(String call, String detail, String resource, Supplier<T> action) {
        steps.add(new Step(call, detail, Step.Kind.READ));
        try {
            return Optional.ofNullable(action.get());
        } catch (AwsServiceException e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw AwsErrors.explain(call, resource, e);
        } catch (SdkException e) {
            throw AwsErrors.explain(call, resource, e);
        }
    }

    /**
     * A change: skipped in a dry run (null is returned); retried while another update of the function
     * is in progress (ResourceConflictException) and while a new role is not yet usable by Lambda.
     */
    <T> T write(String call, String resource, String detail, Supplier<T> action) {
        steps.add(new Step(call, detail, Step.Kind.WRITE));
        if (dryRun) {
            return null;
        }
        progress.accept(call + "  " + detail);
        Duration pause = Duration.ofMillis(Math.max(1, settings.firstPoll().toMillis() * 2));
        for (int attempt = 1; ; attempt++) {
            try {
                return action.get();
            } catch (ResourceConflictException e) {
                if (attempt >= 8) {
                    throw AwsErrors.explain(call, resource, e);
                }
                progress.accept(call + ": an update is in progress, waiting for it (attempt " + attempt + ")");
                waiter.awaitReady(fn, null);
                waiter.sleep(pause);
            } catch (InvalidParameterValueException e) {
                // A role created seconds ago is not yet visible to Lambda: IAM is eventually consistent.
                String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
                if (!m.contains("cannot be assumed") || attempt >= 12) {
                    throw AwsErrors.explain(call, resource, e);
                }
                progress.accept(call + ": the new role is not usable by Lambda yet (IAM propagation), retrying");
                waiter.sleep(pause);
            } catch (SdkException e) {
                throw AwsErrors.explain(call, resource, e);
            }
            pause = Duration.ofMillis(Math.min(10_000, pause.toMillis() * 2));
        }
    }

    void awaitReady(String qualifier, String until) {
        steps.add(new Step("lambda:GetFunctionConfiguration", "poll " + fn + (qualifier == null ? "" : ":" + qualifier)
                + " until " + until, Step.Kind.WAIT));
        if (!dryRun) {
            waiter.awaitReady(fn, qualifier);
        }
    }

    boolean dryRun() {
        return dryRun;
    }

    /** The calls so far, in order. */
    List<Step> steps() {
        return List.copyOf(steps);
    }
}

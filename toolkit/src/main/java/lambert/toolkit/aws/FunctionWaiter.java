package lambert.toolkit.aws;

import java.time.Duration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.GetFunctionConfigurationResponse;
import software.amazon.awssdk.services.lambda.model.LastUpdateStatus;
import software.amazon.awssdk.services.lambda.model.State;

/**
 * Polls GetFunctionConfiguration until a function (or one of its versions) is Active and its last
 * update Successful, with a growing pause, as Lambda asks of callers between a create or update and
 * the next change.
 */
final class FunctionWaiter {
    private final LambdaClient lambda;
    private final DeploySettings settings;

    FunctionWaiter(LambdaClient lambda, DeploySettings settings) {
        this.lambda = lambda;
        this.settings = settings;
    }

    /** Waits until {@code function} ({@code qualifier}: a version or alias, or null for $LATEST) is ready. */
    GetFunctionConfigurationResponse awaitReady(String function, String qualifier) {
        Duration pause = settings.firstPoll();
        long deadline = System.nanoTime() + settings.waitLimit().toNanos();
        String name = qualifier == null ? function : function + ":" + qualifier;
        while (true) {
            GetFunctionConfigurationResponse c;
            try {
                c = lambda.getFunctionConfiguration(r -> r.functionName(function).qualifier(qualifier));
            } catch (SdkException e) {
                throw AwsErrors.explain("lambda:GetFunctionConfiguration", "function " + name, e);
            }
            if (c.state() == State.FAILED) {
                throw new AwsRefusedException("function " + name + " is in state Failed (" + c.stateReasonCodeAsString()
                        + ": " + c.stateReason() + ")");
            }
            if (c.lastUpdateStatus() == LastUpdateStatus.FAILED) {
                throw new AwsRefusedException("the update of function " + name + " failed ("
                        + c.lastUpdateStatusReasonCodeAsString() + ": " + c.lastUpdateStatusReason() + ")");
            }
            boolean settled = (c.state() == null || c.state() == State.ACTIVE || c.state() == State.INACTIVE)
                    && (c.lastUpdateStatus() == null || c.lastUpdateStatus() == LastUpdateStatus.SUCCESSFUL);
            if (settled) {
                return c;
            }
            if (System.nanoTime() > deadline) {
                throw new AwsRefusedException("function " + name + " is still " + c.stateAsString() + " / "
                        + c.lastUpdateStatusAsString() + " after " + settings.waitLimit().toMinutes()
                        + " minutes; look at it in the Lambda console and run again");
            }
            sleep(pause);
            pause = Duration.ofMillis(Math.min(5000, pause.toMillis() * 3 / 2));
        }
    }

    void sleep(Duration d) {
        try {
            settings.pause().sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AwsRefusedException("interrupted while waiting for AWS", e);
        }
    }
}

package lambert.toolkit.batch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import lambert.base.json.Json;
import lambert.base.json.JsonException;
import lambert.toolkit.aws.AwsErrors;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.AccountLimit;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.LogType;
import software.amazon.awssdk.services.lambda.model.RequestTooLargeException;

/**
 * A deployed function, invoked synchronously through the AWS SDK ({@code lambda:InvokeFunction}, with the log tail
 * for the REPORT line's billed duration). Throttling ({@code TooManyRequestsException}, 429), Lambda's own 5xx
 * errors and client-side failures (timeouts, connections) are retried; a function error
 * ({@code X-Amz-Function-Error}) is the function's failure; a payload over Lambda's 6 MB
 * ({@code RequestTooLargeException}) and bad input, which the function answers as a normal result with
 * {@code errorType}, are refusals; anything else (no such function, no permission) stops the run.
 */
public final class LambdaTarget implements BatchTarget {
    /** The concurrency when the account's unreserved concurrency cannot be read. */
    public static final int FALLBACK_CONCURRENCY = 100;

    private final LambdaClient lambda;
    private final String function;
    private final String qualifier;
    private volatile int defaultConcurrency = -1;

    /**
     * @param lambda the client (its owner closes it)
     * @param function the function's name or ARN
     * @param qualifier an alias or version, or null
     */
    public LambdaTarget(LambdaClient lambda, String function, String qualifier) {
        this.lambda = lambda;
        this.function = function;
        this.qualifier = qualifier;
    }

    /**
     * The model information: the function asked with a function URL's GET event (answered like any HTTP event).
     */
    @Override
    public FunctionInfo info() throws IOException {
        String event = "{\"version\":\"2.0\",\"routeKey\":\"$default\",\"rawPath\":\"/\",\"rawQueryString\":\"\","
                + "\"headers\":{},\"requestContext\":{\"domainName\":\"lambert-batch.lambda-url.us-east-1.on.aws\","
                + "\"requestId\":\"lambert-batch-info\",\"stage\":\"$default\",\"http\":{\"method\":\"GET\","
                + "\"path\":\"/\",\"protocol\":\"HTTP/1.1\",\"sourceIp\":\"127.0.0.1\"}},\"isBase64Encoded\":false}";
        InvokeResponse r;
        try {
            r = invoke(event.getBytes(StandardCharsets.UTF_8));
        } catch (SdkException e) {
            throw AwsErrors.explain("lambda:InvokeFunction", describe(), e);
        }
        byte[] payload = r.payload() == null ? new byte[0] : r.payload().asByteArray();
        try {
            if (r.functionError() == null && Json.parse(payload) instanceof Map<?, ?> m
                    && m.get("body") instanceof String body && Long.valueOf(200).equals(m.get("statusCode"))) {
                return FunctionInfo.parse(body.getBytes(StandardCharsets.UTF_8), describe());
            }
        } catch (JsonException e) {
            // said below
        }
        throw new IOException(describe() + " did not answer a GET event with its model information (is it a lambert "
                + "function?): " + new String(payload, StandardCharsets.UTF_8));
    }

    private InvokeResponse invoke(byte[] payload) {
        return lambda.invoke(b -> b.functionName(function).qualifier(qualifier)
                .invocationType(InvocationType.REQUEST_RESPONSE).logType(LogType.TAIL)
                .payload(SdkBytes.fromByteArray(payload)));
    }

    @Override
    public Answer send(byte[] body) throws IOException {
        InvokeResponse r;
        try {
            r = invoke(body);
        } catch (RequestTooLargeException e) {
            return Answer.of(Answer.Kind.REFUSED, null, "RequestTooLargeException: " + e.awsErrorDetails().errorMessage());
        } catch (AwsServiceException e) {
            String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
            String reason = code + " (HTTP " + e.statusCode() + "): " + (e.awsErrorDetails() == null ? e.getMessage()
                    : e.awsErrorDetails().errorMessage());
            if (e.statusCode() == 429 || e.statusCode() >= 500 || e.isThrottlingException()) {
                return Answer.of(Answer.Kind.RETRY, null, reason);
            }
            return Answer.of(Answer.Kind.FATAL, null, reason);
        } catch (SdkClientException e) {
            return Answer.of(Answer.Kind.RETRY, null, e.getMessage());
        }
        byte[] payload = r.payload() == null ? new byte[0] : r.payload().asByteArray();
        long billed = billedMs(r.logResult());
        if (r.functionError() != null) {
            return new Answer(Answer.Kind.FUNCTION_ERROR, payload, "X-Amz-Function-Error: " + r.functionError(), billed);
        }
        try {
            if (Json.parse(payload) instanceof Map<?, ?> m && m.containsKey("errorType")) {
                return new Answer(Answer.Kind.REFUSED, payload, String.valueOf(m.get("errorType")), billed);
            }
        } catch (JsonException e) {
            return new Answer(Answer.Kind.FUNCTION_ERROR, payload, "the answer is " + e.getMessage(), billed);
        }
        return Answer.ok(payload, billed);
    }

    private static long billedMs(String logResult) {
        if (logResult == null) {
            return -1;
        }
        return Answer.billedMs(new String(Base64.getDecoder().decode(logResult), StandardCharsets.UTF_8));
    }

    /**
     * The account's unreserved concurrency ({@code lambda:GetAccountSettings}), or {@value #FALLBACK_CONCURRENCY}
     * when it cannot be read (no permission, for one).
     */
    @Override
    public int defaultConcurrency() {
        if (defaultConcurrency < 0) {
            int c = FALLBACK_CONCURRENCY;
            try {
                AccountLimit limit = lambda.getAccountSettings(b -> { }).accountLimit();
                if (limit != null && limit.unreservedConcurrentExecutions() != null
                        && limit.unreservedConcurrentExecutions() > 0) {
                    c = limit.unreservedConcurrentExecutions();
                }
            } catch (SdkException e) {
                // the fallback
            }
            defaultConcurrency = c;
        }
        return defaultConcurrency;
    }

    @Override
    public String describe() {
        return "function " + function + (qualifier == null ? "" : ":" + qualifier);
    }

    @Override
    public void close() {
        // the client belongs to the caller
    }
}

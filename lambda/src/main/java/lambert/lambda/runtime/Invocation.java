package lambert.lambda.runtime;

/**
 * One event as {@code GET /2018-06-01/runtime/invocation/next} hands it over: the body and the headers the Runtime API
 * documents (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html).
 *
 * @param requestId {@code Lambda-Runtime-Aws-Request-Id}
 * @param deadlineEpochMs {@code Lambda-Runtime-Deadline-Ms}: when the function times out, in Unix milliseconds
 * @param functionArn {@code Lambda-Runtime-Invoked-Function-Arn}
 * @param traceId {@code Lambda-Runtime-Trace-Id}, or null
 * @param clientContext {@code Lambda-Runtime-Client-Context} (JSON, mobile SDK callers), or null
 * @param cognitoIdentity {@code Lambda-Runtime-Cognito-Identity} (JSON, mobile SDK callers), or null
 * @param payload the event
 */
public record Invocation(String requestId, long deadlineEpochMs, String functionArn, String traceId,
        String clientContext, String cognitoIdentity, byte[] payload) {}

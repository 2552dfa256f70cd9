package lambert.toolkit.aws;

import java.util.Locale;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * AWS errors as one line a person can act on: the call that failed, what AWS said, and what to do
 * (the permission to grant, the limit that was hit, the S3 route for large code, waiting).
 */
public final class AwsErrors {
    private AwsErrors() {}

    /**
     * The exception to throw for {@code e}, raised by {@code action} (an IAM action name such as
     * {@code lambda:UpdateFunctionCode}) on {@code resource}.
     */
    public static AwsRefusedException explain(String action, String resource, SdkException e) {
        return new AwsRefusedException(describe(action, resource, e), e);
    }

    static String describe(String action, String resource, SdkException e) {
        if (e instanceof SdkClientException) {
            String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (m.contains("Unable to load credentials")) {
                return action + " on " + resource + ": no AWS credentials found (looked in aws.accessKeyId, "
                        + "AWS_ACCESS_KEY_ID, web identity, the profile, container and instance metadata); run `aws "
                        + "configure` or `aws sso login`, set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or pass "
                        + "--profile";
            }
            return action + " on " + resource + ": could not reach AWS (" + firstLine(m) + "); check the network, "
                    + "--region and --endpoint-url";
        }
        if (!(e instanceof AwsServiceException)) {
            return action + " on " + resource + ": " + firstLine(String.valueOf(e.getMessage()));
        }
        AwsServiceException s = (AwsServiceException) e;
        String code = s.awsErrorDetails() == null || s.awsErrorDetails().errorCode() == null ? ""
                : s.awsErrorDetails().errorCode();
        String message = s.awsErrorDetails() == null || s.awsErrorDetails().errorMessage() == null
                ? firstLine(String.valueOf(s.getMessage())) : firstLine(s.awsErrorDetails().errorMessage());
        int status = s.statusCode();
        String said = action + " on " + resource + " refused (" + (code.isEmpty() ? "HTTP " + status : code) + ": "
                + message + ")";
        String lower = code.toLowerCase(Locale.ROOT);
        if (lower.contains("accessdenied") || lower.equals("unauthorizedoperation") || status == 403
                && !lower.contains("signature") && !lower.contains("token")) {
            return said + "; grant " + action + " on " + resource + " to the identity you deploy with (an IAM "
                    + "policy statement: \"Action\": \"" + action + "\"), or deploy with a profile that has it";
        }
        if (lower.contains("signature") || lower.contains("invalidclienttokenid") || lower.contains("expiredtoken")
                || lower.equals("unrecognizedclientexception")) {
            return said + "; the credentials are invalid or expired: refresh them (aws sso login, aws configure) "
                    + "or pass --profile";
        }
        if (lower.equals("toomanyrequestsexception") || lower.contains("throttl") || status == 429) {
            return said + "; AWS throttled the call after the SDK's retries: "
                    + (message.toLowerCase(Locale.ROOT).contains("concurren")
                            ? "the account's concurrent executions limit (Service Quotas: \"Concurrent executions\") "
                            + "is reached; "
                            : "the request rate limit for " + action + " is reached; ")
                    + "wait a minute and run again, or ask for a higher quota in Service Quotas";
        }
        if (lower.equals("codestorageexceededexception")) {
            return said + "; the account's code storage (75 GB per region by default, Service Quotas: \"Function "
                    + "and layer storage\") is full: delete old versions (aws lambda delete-function --qualifier N) "
                    + "or ask for more";
        }
        if (lower.equals("requesttoolargeexception") || lower.contains("entitytoolarge") || status == 413) {
            return said + "; the zip is over the 50 MB limit for code sent in the request: pass --s3-bucket BUCKET "
                    + "so lambert uploads it to S3 first (zipped up to 250 MB unzipped)";
        }
        if (lower.equals("resourceconflictexception")) {
            return said + "; another update of " + resource + " is in progress: wait until it ends (aws lambda "
                    + "get-function-configuration shows LastUpdateStatus) and run again";
        }
        if (lower.equals("servicequotaexceeded") || lower.contains("limitexceeded") || lower.contains("quota")) {
            return said + "; a service quota is reached: see Service Quotas for " + action.substring(0,
                    Math.max(0, action.indexOf(':'))) + " and ask for more, or remove unused resources";
        }
        if (lower.equals("resourcenotfoundexception") || lower.equals("nosuchentity") || lower.equals("nosuchbucket")) {
            return said + "; check the name and --region";
        }
        return said;
    }

    static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }
}

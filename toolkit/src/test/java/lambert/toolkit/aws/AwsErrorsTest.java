package lambert.toolkit.aws;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/** AWS errors as one line that says what to do. */
class AwsErrorsTest {
    @Test
    void describe_iamAccessDeniedNamesTheActionToGrant() {
        String line = AwsErrors.describe("iam:CreateRole", "role lambert-f", error("AccessDenied", 403,
                "User: arn:aws:iam::1:user/d is not authorized to perform: iam:CreateRole"));
        assertThat(line).startsWith("iam:CreateRole on role lambert-f refused (AccessDenied: User:")
                .contains("grant iam:CreateRole on role lambert-f").doesNotContain("\n");
    }

    @Test
    void describe_quotaAndExpiredCredentials() {
        assertThat(AwsErrors.describe("iam:CreateRole", "role r", error("LimitExceeded", 409, "Cannot exceed "
                + "quota for RolesPerAccount: 1000"))).contains("a service quota is reached", "Service Quotas for iam");
        assertThat(AwsErrors.describe("lambda:GetFunction", "function f", error("ExpiredTokenException", 403,
                "The security token included in the request is expired"))).contains("invalid or expired")
                .doesNotContain("grant");
        assertThat(AwsErrors.describe("lambda:InvokeFunction", "function f", error("TooManyRequestsException", 429,
                "Rate Exceeded. Reason: ReservedFunctionConcurrentInvocationLimitExceeded concurrency")))
                .contains("concurrent executions");
    }

    @Test
    void describe_unreachableEndpointSaysWhatToCheck() {
        assertThat(AwsErrors.describe("lambda:GetFunction", "function f", SdkClientException.create(
                "Unable to execute HTTP request: Connection refused\nmore"))).isEqualTo("lambda:GetFunction on "
                        + "function f: could not reach AWS (Unable to execute HTTP request: Connection refused); "
                        + "check the network, --region and --endpoint-url");
    }

    private static AwsServiceException error(String code, int status, String message) {
        return AwsServiceException.builder().statusCode(status).awsErrorDetails(AwsErrorDetails.builder()
                .errorCode(code).errorMessage(message).build()).build();
    }
}

package lambert.toolkit.aws;

import java.net.URI;

/**
 * Where AWS calls go: region, profile and an endpoint override; nulls mean the SDK's defaults.
 *
 * @param region AWS region (null: the SDK's chain: {@code AWS_REGION}, the profile, instance metadata)
 * @param profile named profile from {@code ~/.aws/config} and {@code ~/.aws/credentials} (null: {@code AWS_PROFILE},
 *     else {@code default})
 * @param endpointUrl every AWS call (Lambda, S3, IAM, STS) sent there instead (null: {@code AWS_ENDPOINT_URL}, else
 *     AWS itself)
 */
public record AwsOptions(String region, String profile, URI endpointUrl) {
    /** The SDK's defaults throughout. */
    public static AwsOptions defaults() {
        return new AwsOptions(null, null, null);
    }

    /** Options for code that names them one by one (tests, the tune command). */
    public static AwsOptions of(String region, String profile, URI endpointUrl) {
        return new AwsOptions(region, profile, endpointUrl);
    }

    /** The endpoint override: {@link #endpointUrl}, else {@code AWS_ENDPOINT_URL}, else null. */
    URI endpoint() {
        if (endpointUrl != null) {
            return endpointUrl;
        }
        String env = System.getenv("AWS_ENDPOINT_URL");
        return env == null || env.isBlank() ? null : URI.create(env.trim());
    }
}

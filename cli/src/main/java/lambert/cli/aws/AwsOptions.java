package lambert.cli.aws;

import java.net.URI;
import picocli.CommandLine.Option;

/** The options every AWS command shares: region, profile and an endpoint override. */
public final class AwsOptions {
    @Option(names = "--region", paramLabel = "REGION",
            description = "AWS region (default: the SDK's chain: AWS_REGION, the profile, instance metadata).")
    String region;

    @Option(names = "--profile", paramLabel = "NAME",
            description = "Named profile from ~/.aws/config and ~/.aws/credentials (default: AWS_PROFILE, else "
                    + "'default').")
    String profile;

    @Option(names = "--endpoint-url", paramLabel = "URL",
            description = "Send every AWS call (Lambda, S3, IAM, STS) to URL instead, e.g. LocalStack's "
                    + "http://localhost:4566 (default: $AWS_ENDPOINT_URL).")
    URI endpointUrl;

    /** Options as given; nulls mean the SDK's defaults. */
    public AwsOptions() {}

    /** Options for code that is not driven by picocli (tests, the tune command). */
    public static AwsOptions of(String region, String profile, URI endpointUrl) {
        AwsOptions o = new AwsOptions();
        o.region = region;
        o.profile = profile;
        o.endpointUrl = endpointUrl;
        return o;
    }

    /** The endpoint override: {@code --endpoint-url}, else {@code AWS_ENDPOINT_URL}, else null. */
    URI endpoint() {
        if (endpointUrl != null) {
            return endpointUrl;
        }
        String env = System.getenv("AWS_ENDPOINT_URL");
        return env == null || env.isBlank() ? null : URI.create(env.trim());
    }
}

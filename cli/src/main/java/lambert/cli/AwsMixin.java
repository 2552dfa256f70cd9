package lambert.cli;

import java.net.URI;
import lambert.toolkit.aws.AwsOptions;
import picocli.CommandLine.Option;

/** {@code --region}, {@code --profile} and {@code --endpoint-url}: the options every AWS command shares. */
public final class AwsMixin {
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

    /** The options as given. */
    public AwsOptions options() {
        return new AwsOptions(region, profile, endpointUrl);
    }
}

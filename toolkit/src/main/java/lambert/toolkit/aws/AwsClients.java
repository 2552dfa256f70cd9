package lambert.toolkit.aws;

import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * The four AWS clients lambert uses, made on first use and closed together. They share one
 * URL-connection HTTP client (no Netty, no Apache client), take credentials and region the SDK's
 * default way (environment, system properties, profile, container or instance metadata), and send
 * every call to {@code --endpoint-url} when one is given, S3 then with path-style addresses.
 *
 * <pre>{@code
 * try (AwsClients aws = AwsClients.create(AwsOptions.of("eu-west-1", null, null))) {
 *     aws.lambda().getFunction(r -> r.functionName("my-fn"));
 * }
 * }</pre>
 */
public final class AwsClients implements AutoCloseable {
    private final Region region;
    private final URI endpoint;
    private final String profile;
    private final DefaultCredentialsProvider credentials;
    private final SdkHttpClient http;
    private LambdaClient lambda;
    private S3Client s3;
    private IamClient iam;
    private StsClient sts;

    private AwsClients(Region region, URI endpoint, String profile) {
        this.region = region;
        this.endpoint = endpoint;
        this.profile = profile;
        this.credentials = profile == null ? DefaultCredentialsProvider.builder().build()
                : DefaultCredentialsProvider.builder().profileName(profile).build();
        // Lambda's synchronous invoke may take up to the function's 15 minute timeout.
        this.http = UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(10))
                .socketTimeout(Duration.ofMinutes(15))
                .build();
    }

    /** Clients for these options; fails with a message a person can act on when there is no region. */
    public static AwsClients create(AwsOptions options) {
        return new AwsClients(region(options), options.endpoint(), options.profile());
    }

    private static Region region(AwsOptions options) {
        if (options.region() != null && !options.region().isBlank()) {
            return Region.of(options.region().trim());
        }
        try {
            DefaultAwsRegionProviderChain.Builder chain = DefaultAwsRegionProviderChain.builder();
            if (options.profile() != null) {
                chain.profileName(options.profile());
            }
            return chain.build().getRegion();
        } catch (SdkClientException e) {
            throw new AwsRefusedException("no AWS region: pass --region, set AWS_REGION, or set region in the "
                    + "profile (aws configure)");
        }
    }

    /** The region calls go to. */
    public Region region() {
        return region;
    }

    /** The endpoint override, or null. */
    public URI endpoint() {
        return endpoint;
    }

    /** The Lambda client. */
    public synchronized LambdaClient lambda() {
        if (lambda == null) {
            lambda = configure(LambdaClient.builder()).build();
        }
        return lambda;
    }

    /** The S3 client (path-style addresses under an endpoint override). */
    public synchronized S3Client s3() {
        if (s3 == null) {
            s3 = configure(S3Client.builder()).forcePathStyle(endpoint != null).build();
        }
        return s3;
    }

    /** The IAM client (a global service; the SDK's endpoint rules map the region to its partition). */
    public synchronized IamClient iam() {
        if (iam == null) {
            iam = configure(IamClient.builder()).build();
        }
        return iam;
    }

    /** The STS client. */
    public synchronized StsClient sts() {
        if (sts == null) {
            sts = configure(StsClient.builder()).build();
        }
        return sts;
    }

    private <B extends AwsClientBuilder<B, ?>> B configure(B builder) {
        builder.region(region).credentialsProvider(credentials);
        if (profile != null) {
            builder.overrideConfiguration(o -> o.defaultProfileName(profile));
        }
        if (endpoint != null) {
            builder.endpointOverride(endpoint);
        }
        if (builder instanceof software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder<?, ?> sync) {
            sync.httpClient(http);
        }
        return builder;
    }

    @Override
    public synchronized void close() {
        for (AutoCloseable c : new AutoCloseable[] {lambda, s3, iam, sts}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // closing an SDK client only releases its resources
                }
            }
        }
        lambda = null;
        s3 = null;
        iam = null;
        sts = null;
        http.close();
        // it may hold a refreshing cache of container or instance credentials
        credentials.close();
    }
}

package lambert.toolkit.aws;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import lambert.toolkit.BadInputException;
import lambert.toolkit.Megabytes;
import lambert.toolkit.packaging.FunctionConfig;
import lambert.toolkit.packaging.LambdaRuntime;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.iam.model.Role;
import software.amazon.awssdk.services.lambda.model.CreateFunctionUrlConfigResponse;
import software.amazon.awssdk.services.lambda.model.FunctionCode;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.lambda.model.FunctionUrlAuthType;
import software.amazon.awssdk.services.lambda.model.GetFunctionUrlConfigResponse;
import software.amazon.awssdk.services.lambda.model.GetProvisionedConcurrencyConfigResponse;
import software.amazon.awssdk.services.lambda.model.PublishVersionResponse;
import software.amazon.awssdk.services.lambda.model.SnapStart;
import software.amazon.awssdk.services.lambda.model.SnapStartApplyOn;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;

/**
 * {@code lambert deploy}'s engine: learns the function's current state with read-only calls, then
 * makes exactly the changes needed, in order (role, code upload, create or update code then
 * configuration, publish, alias, provisioned concurrency, URL), waiting for each change to take effect
 * before the next. A dry run goes through the same steps and makes none of the writes, so its plan is
 * the list of calls a real run would make. Nothing to change means no write at all.
 *
 * <pre>{@code
 * try (AwsClients aws = AwsClients.create(options)) {
 *     DeployResult result = new Deployer(aws, spec, DeploySettings.AWS, false, System.out::println).run();
 * }
 * }</pre>
 */
public final class Deployer {
    /** The statement ids of the two public-URL permissions lambert adds. */
    static final String PUBLIC_URL_SID = "lambert-public-url";
    static final String PUBLIC_INVOKE_SID = "lambert-public-url-invoke";

    private final AwsClients aws;
    private final DeploySpec spec;
    private final DeploySettings settings;
    private final boolean dryRun;
    private final DeployCalls calls;
    private final List<String> notes = new ArrayList<>();
    private final String fn;
    private boolean snapOn;
    /** The environment to set: the spec's, with JAVA_TOOL_OPTIONS for SnapStart or provisioned concurrency. */
    private Map<String, String> environment;

    public Deployer(AwsClients aws, DeploySpec spec, DeploySettings settings, boolean dryRun,
            Consumer<String> progress) {
        this.aws = aws;
        this.spec = spec;
        this.settings = settings;
        this.dryRun = dryRun;
        this.fn = spec.function();
        this.calls = new DeployCalls(fn, settings, dryRun, progress,
                dryRun ? null : new FunctionWaiter(aws.lambda(), settings));
    }

    /** Runs the deploy (or, in a dry run, plans it) and says what it did. */
    public DeployResult run() {
        // 1. The function as it is.
        Optional<FunctionConfiguration> current = calls.readOptional("lambda:GetFunction", fn, "function " + fn,
                () -> aws.lambda().getFunction(r -> r.functionName(fn)).configuration());
        snapOn = spec.snapStart() != null ? spec.snapStart() : current.map(c -> c.snapStart() != null
                && c.snapStart().applyOn() == SnapStartApplyOn.PUBLISHED_VERSIONS).orElse(false);
        if (snapOn && spec.provisioned() != null && spec.provisioned() > 0) {
            throw new BadInputException("function " + fn + " has SnapStart on, and AWS Lambda does not support "
                    + "provisioned concurrency on SnapStart versions: deploy with --no-snapstart to use --provisioned");
        }
        if (snapOn && spec.ephemeralStorageMb() > 512) {
            throw new BadInputException("function " + fn + " has SnapStart on, and AWS Lambda does not support "
                    + "SnapStart with more than 512 MB of ephemeral storage: deploy with --no-snapstart or "
                    + "--ephemeral-storage 512");
        }

        // 1b. Provisioned concurrency on the alias as it is: SnapStart cannot join it, and with either one the
        // environments are initialised ahead of requests, which changes JAVA_TOOL_OPTIONS.
        String qualified = fn + ":" + spec.alias();
        Optional<GetProvisionedConcurrencyConfigResponse> pc = current.isEmpty() ? Optional.empty()
                : calls.readOptional("lambda:GetProvisionedConcurrencyConfig", qualified, "alias " + qualified,
                        () -> aws.lambda().getProvisionedConcurrencyConfig(r -> r.functionName(fn)
                                .qualifier(spec.alias())));
        int provisionedNow = pc.map(c -> c.requestedProvisionedConcurrentExecutions()).orElse(0);
        if (snapOn && provisionedNow > 0 && spec.provisioned() == null) {
            throw new BadInputException("alias " + qualified + " has provisioned concurrency (" + provisionedNow
                    + " environments), and AWS Lambda does not support SnapStart with provisioned concurrency: add "
                    + "--provisioned 0 to remove it and use SnapStart, or deploy with --no-snapstart to keep it");
        }
        int provisionedWanted = spec.provisioned() != null ? spec.provisioned() : provisionedNow;
        environment = new TreeMap<>(FunctionConfig.environmentFor(spec.environment(),
                snapOn || provisionedWanted > 0));

        // 2. The execution role: --role, else the function's own, else lambert-FUNCTION (created once).
        boolean roleCreated = false;
        String roleArn = spec.role() != null ? spec.role() : current.map(FunctionConfiguration::role).orElse(null);
        GetCallerIdentityResponse caller = null;
        if (roleArn == null) {
            caller = calls.read("sts:GetCallerIdentity", "the account to deploy to", "the caller",
                    () -> aws.sts().getCallerIdentity());
            String partition = caller.arn().split(":")[1];
            Optional<Role> role = calls.readOptional("iam:GetRole", spec.roleName(), "role " + spec.roleName(),
                    () -> aws.iam().getRole(r -> r.roleName(spec.roleName())).role());
            if (role.isPresent()) {
                roleArn = role.get().arn();
            } else {
                GetCallerIdentityResponse account = caller;
                Role created = calls.write("iam:CreateRole", "role " + spec.roleName(), spec.roleName()
                        + " (execution role; trusts lambda.amazonaws.com)", () -> aws.iam().createRole(r -> r
                                .roleName(spec.roleName())
                                .assumeRolePolicyDocument(ExecutionRole.trustPolicy())
                                .description("Execution role of Lambda function " + fn + ", created by lambert deploy: "
                                        + "CloudWatch Logs for its own log group only.")
                                .tags(t -> t.key("lambert:function").value(fn))).role());
                calls.write("iam:PutRolePolicy", "role " + spec.roleName(), spec.roleName() + " / "
                        + ExecutionRole.POLICY_NAME + " (logs:CreateLogGroup, logs:CreateLogStream, logs:PutLogEvents"
                        + " on log group /aws/lambda/" + fn + ")", () -> aws.iam().putRolePolicy(r -> r
                                .roleName(spec.roleName())
                                .policyName(ExecutionRole.POLICY_NAME)
                                .policyDocument(ExecutionRole.logsPolicy(partition, aws.region().id(),
                                        account.account(), fn))));
                roleArn = created != null ? created.arn()
                        : "arn:" + partition + ":iam::" + caller.account() + ":role/" + spec.roleName();
                roleCreated = true;
                notes.add("created execution role " + roleArn + " (CloudWatch Logs for /aws/lambda/" + fn + " only)");
            }
        }
        String role = roleArn;
        boolean codeChanged = current.isEmpty() || codeDiffers(current.get());
        List<String> configDifferences = current.map(c -> configDifferences(c, role)).orElse(List.of());

        // 3. The code: inline, or an S3 object (uploaded unless it is there already).
        FunctionCode.Builder code = FunctionCode.builder();
        String codeRoute;
        if (!codeChanged) {
            codeRoute = "unchanged (deployed CodeSha256 " + spec.codeSha256() + ")";
        } else if (spec.zipBytes() <= settings.inlineLimitBytes()) {
            codeRoute = "inline (" + Megabytes.of(spec.zipBytes()) + ")";
            code.zipFile(dryRun ? SdkBytes.fromByteArray(new byte[0]) : SdkBytes.fromByteArray(readZip()));
        } else {
            if (spec.s3Bucket() == null) {
                throw new AwsRefusedException("the zip is " + Megabytes.of(spec.zipBytes()) + ", over the "
                        + Megabytes.of(settings.inlineLimitBytes()) + " Lambda accepts in the request: pass --s3-bucket BUCKET "
                        + "(in " + aws.region().id() + ") and lambert uploads it there first");
            }
            String key = "lambert/" + fn + "/" + spec.sha256Hex() + ".zip";
            new S3Upload(aws.s3(), spec.s3Bucket(), key, spec.zip(), spec.zipBytes(), settings.partSizeBytes())
                    .run(calls);
            codeRoute = "s3://" + spec.s3Bucket() + "/" + key;
            code.s3Bucket(spec.s3Bucket()).s3Key(key);
        }

        // 4. Provisioned concurrency goes before SnapStart comes: a SnapStart version cannot serve an alias that has it.
        boolean provisionedRemoved = false;
        if (snapOn && provisionedNow > 0) {
            calls.write("lambda:DeleteProvisionedConcurrencyConfig", "alias " + qualified, qualified + " (was "
                    + provisionedNow + "; SnapStart replaces it)", () -> aws.lambda().deleteProvisionedConcurrencyConfig(
                            r -> r.functionName(fn).qualifier(spec.alias())));
            provisionedRemoved = true;
        }

        // 5. Create, or update code then configuration.
        boolean created = current.isEmpty();
        if (created) {
            FunctionCode c = code.build();
            calls.write("lambda:CreateFunction", "function " + fn, fn + " (" + spec.runtime() + ", " + spec.architecture()
                    + ", " + spec.memoryMb() + " MB, timeout " + spec.timeoutSeconds() + " s, code " + codeRoute
                    + (snapOn ? ", SnapStart on published versions" : "") + ")", () -> aws.lambda()
                            .createFunction(r -> r.functionName(fn).runtime(spec.runtime()).role(role)
                                    .handler(spec.handler()).code(c).timeout(spec.timeoutSeconds())
                                    .memorySize(spec.memoryMb()).architecturesWithStrings(spec.architecture())
                                    .environment(e -> e.variables(environment))
                                    .ephemeralStorage(e -> e.size(spec.ephemeralStorageMb()))
                                    .snapStart(snapStartSetting())
                                    .description("lambert: " + spec.zip().getFileName())
                                    .publish(false)));
            calls.awaitReady(null, "State is Active");
        } else {
            if (codeChanged) {
                FunctionCode c = code.build();
                calls.write("lambda:UpdateFunctionCode", "function " + fn, fn + " (code " + codeRoute + ", "
                        + spec.architecture() + ")", () -> aws.lambda().updateFunctionCode(r -> r.functionName(fn)
                                .zipFile(c.zipFile()).s3Bucket(c.s3Bucket()).s3Key(c.s3Key())
                                .architecturesWithStrings(spec.architecture()).publish(false)));
                calls.awaitReady(null, "LastUpdateStatus is Successful");
            }
            if (!configDifferences.isEmpty()) {
                calls.write("lambda:UpdateFunctionConfiguration", "function " + fn, fn + " ("
                        + String.join(", ", configDifferences) + ")", () -> aws.lambda().updateFunctionConfiguration(
                                r -> r.functionName(fn).runtime(spec.runtime()).role(role).handler(spec.handler())
                                        .timeout(spec.timeoutSeconds()).memorySize(spec.memoryMb())
                                        .environment(e -> e.variables(environment))
                                        .ephemeralStorage(e -> e.size(spec.ephemeralStorageMb()))
                                        .snapStart(snapStartSetting())));
                calls.awaitReady(null, "LastUpdateStatus is Successful");
            }
        }

        // 6. A version with exactly this code and configuration, and the alias on it.
        Optional<FunctionConfiguration> aliased = created ? Optional.empty()
                : calls.readOptional("lambda:GetFunction", fn + ":" + spec.alias() + " (the version the alias points at)",
                        "alias " + fn + ":" + spec.alias(), () -> aws.lambda().getFunction(r -> r
                                .functionName(fn).qualifier(spec.alias())).configuration());
        boolean publish = created || codeChanged || !configDifferences.isEmpty() || aliased.isEmpty()
                || codeDiffers(aliased.get()) || !configDifferences(aliased.get(), role).isEmpty();
        String version = aliased.map(FunctionConfiguration::version).orElse(null);
        if (publish) {
            PublishVersionResponse published = calls.write("lambda:PublishVersion", "function " + fn, fn
                    + " (CodeSha256 " + spec.codeSha256() + ")", () -> aws.lambda().publishVersion(r -> r
                            .functionName(fn).codeSha256(spec.codeSha256())
                            .description("lambert deploy " + spec.sha256Hex().substring(0, 12))));
            version = published == null ? null : published.version();
            String v = version;
            calls.awaitReady(v == null ? "NEW_VERSION" : v, snapOn
                    ? "the version is Active (SnapStart takes its snapshot first)" : "the version is Active");
            if (aliased.isEmpty()) {
                calls.write("lambda:CreateAlias", "function " + fn, spec.alias() + " -> " + (v == null ? "NEW_VERSION" : v),
                        () -> aws.lambda().createAlias(r -> r.functionName(fn).name(spec.alias()).functionVersion(v)));
            } else {
                calls.write("lambda:UpdateAlias", "alias " + fn + ":" + spec.alias(), spec.alias() + " -> "
                        + (v == null ? "NEW_VERSION" : v) + " (was " + aliased.get().version() + ")",
                        () -> aws.lambda().updateAlias(r -> r.functionName(fn).name(spec.alias()).functionVersion(v)));
            }
        }
        boolean aliasExisted = aliased.isPresent();

        // 7. Provisioned concurrency on the alias (as read in 1b).
        if (spec.provisioned() != null && !provisionedRemoved) {
            int wanted = spec.provisioned();
            if (wanted == 0 && pc.isPresent()) {
                calls.write("lambda:DeleteProvisionedConcurrencyConfig", "alias " + fn + ":" + spec.alias(), fn + ":"
                        + spec.alias() + " (was " + pc.get().requestedProvisionedConcurrentExecutions() + ")",
                        () -> aws.lambda().deleteProvisionedConcurrencyConfig(r -> r.functionName(fn)
                                .qualifier(spec.alias())));
            } else if (wanted > 0 && (pc.isEmpty() || pc.get().requestedProvisionedConcurrentExecutions() != wanted)) {
                calls.write("lambda:PutProvisionedConcurrencyConfig", "alias " + fn + ":" + spec.alias(), fn + ":"
                        + spec.alias() + " = " + wanted + " environments (billed per hour while set; READY after a "
                        + "few minutes)", () -> aws.lambda().putProvisionedConcurrencyConfig(r -> r.functionName(fn)
                                .qualifier(spec.alias()).provisionedConcurrentExecutions(wanted)));
            }
        }

        // 8. The function URL on the alias, and the public permissions when it is public.
        String url = null;
        String urlTarget = null;
        if (spec.url() != DeploySpec.UrlAuth.UNCHANGED) {
            FunctionUrlAuthType auth = spec.url() == DeploySpec.UrlAuth.NONE ? FunctionUrlAuthType.NONE
                    : FunctionUrlAuthType.AWS_IAM;
            Optional<GetFunctionUrlConfigResponse> existing = !aliasExisted ? Optional.empty()
                    : calls.readOptional("lambda:GetFunctionUrlConfig", fn + ":" + spec.alias(), "alias " + fn + ":"
                            + spec.alias(), () -> aws.lambda().getFunctionUrlConfig(r -> r.functionName(fn)
                                    .qualifier(spec.alias())));
            if (existing.isEmpty()) {
                CreateFunctionUrlConfigResponse made = calls.write("lambda:CreateFunctionUrlConfig", "alias " + fn + ":"
                        + spec.alias(), fn + ":" + spec.alias() + " (AuthType " + auth + ")", () -> aws.lambda()
                                .createFunctionUrlConfig(r -> r.functionName(fn).qualifier(spec.alias())
                                        .authType(auth)));
                url = made == null ? null : made.functionUrl();
                urlTarget = made == null ? null : made.functionArn();
            } else {
                url = existing.get().functionUrl();
                urlTarget = existing.get().functionArn();
                if (existing.get().authType() != auth) {
                    calls.write("lambda:UpdateFunctionUrlConfig", "alias " + fn + ":" + spec.alias(), fn + ":" + spec.alias()
                            + " (AuthType " + existing.get().authTypeAsString() + " -> " + auth + ")",
                            () -> aws.lambda().updateFunctionUrlConfig(r -> r.functionName(fn).qualifier(spec.alias())
                                    .authType(auth)));
                }
            }
            String policy = !aliasExisted ? "" : calls.readOptional("lambda:GetPolicy", fn + ":" + spec.alias()
                    + " (resource-based policy)", "alias " + fn + ":" + spec.alias(), () -> aws.lambda()
                            .getPolicy(r -> r.functionName(fn).qualifier(spec.alias())).policy()).orElse("");
            boolean hasUrl = policy.contains("\"" + PUBLIC_URL_SID + "\"");
            boolean hasInvoke = policy.contains("\"" + PUBLIC_INVOKE_SID + "\"");
            if (auth == FunctionUrlAuthType.NONE) {
                if (!hasUrl) {
                    calls.write("lambda:AddPermission", "alias " + fn + ":" + spec.alias(), PUBLIC_URL_SID
                            + " (Principal *, lambda:InvokeFunctionUrl, FunctionUrlAuthType NONE)",
                            () -> aws.lambda().addPermission(r -> r.functionName(fn).qualifier(spec.alias())
                                    .statementId(PUBLIC_URL_SID).action("lambda:InvokeFunctionUrl").principal("*")
                                    .functionUrlAuthType(FunctionUrlAuthType.NONE)));
                }
                if (!hasInvoke) {
                    calls.write("lambda:AddPermission", "alias " + fn + ":" + spec.alias(), PUBLIC_INVOKE_SID
                            + " (Principal *, lambda:InvokeFunction, only through the URL)",
                            () -> aws.lambda().addPermission(r -> r.functionName(fn).qualifier(spec.alias())
                                    .statementId(PUBLIC_INVOKE_SID).action("lambda:InvokeFunction").principal("*")
                                    .invokedViaFunctionUrl(true)));
                }
            } else {
                for (String sid : new String[] {PUBLIC_URL_SID, PUBLIC_INVOKE_SID}) {
                    if (policy.contains("\"" + sid + "\"")) {
                        calls.write("lambda:RemovePermission", "alias " + fn + ":" + spec.alias(), sid
                                + " (the URL is IAM-only now)", () -> aws.lambda().removePermission(r -> r
                                        .functionName(fn).qualifier(spec.alias()).statementId(sid)));
                    }
                }
            }
        }

        boolean upToDate = calls.steps().stream().noneMatch(s -> s.kind() == Step.Kind.WRITE);
        // The URL serves the alias: the policy names the alias-qualified ARN whether or not Lambda's answer did.
        String callerPolicy = spec.url() == DeploySpec.UrlAuth.AWS_IAM && urlTarget != null
                ? UrlCallerPolicy.forFunction(urlTarget.endsWith(":" + spec.alias()) ? urlTarget
                        : urlTarget + ":" + spec.alias()) : null;
        return new DeployResult(fn, spec.alias(), version, role, roleCreated, url, callerPolicy, codeRoute, created,
                upToDate, dryRun, calls.steps(), List.copyOf(notes), caller == null ? null : caller.account(),
                aws.region().id());
    }

    private SnapStartApplyOn snapStart() {
        return snapOn ? SnapStartApplyOn.PUBLISHED_VERSIONS : SnapStartApplyOn.NONE;
    }

    /**
     * The {@code SnapStart} setting to send: none for an OS-only runtime ({@code provided.al2023}), for which AWS
     * documents no SnapStart (its SnapStart page lists Java, Python and .NET runtimes); {@link DeploySpec} refuses
     * {@code --snapstart} for them, and leaving the field out is Lambda's default (off).
     */
    private SnapStart snapStartSetting() {
        return LambdaRuntime.osOnly(spec.runtime()) ? null : SnapStart.builder().applyOn(snapStart()).build();
    }

    private boolean codeDiffers(FunctionConfiguration c) {
        return !spec.codeSha256().equals(c.codeSha256()) || !c.architecturesAsStrings().isEmpty()
                && !c.architecturesAsStrings().equals(List.of(spec.architecture()));
    }

    /** The settings of {@code c} that differ from the spec, as "memory 1769 -> 512 MB" for people. */
    List<String> configDifferences(FunctionConfiguration c, String role) {
        return ConfigDifferences.between(c, spec, environment, role, snapStart());
    }

    private byte[] readZip() {
        try {
            return Files.readAllBytes(spec.zip());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}

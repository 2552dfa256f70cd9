package lambert.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import lambert.base.json.Json;
import lambert.toolkit.aws.DeploySettings;
import lambert.toolkit.aws.FakeAws;
import lambert.toolkit.packaging.DottedVersion;
import lambert.toolkit.packaging.FunctionConfig;
import lambert.toolkit.packaging.NativeRequirement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code lambert deploy} against {@link FakeAws}: what the SDK sends, the plan, and what it prints. */
class DeployCommandTest {
    /** Pauses that do not sleep, AWS's 50 MB inline limit and 16 MB parts unless a test lowers them. */
    static final DeploySettings FAST = new DeploySettings(50L * 1024 * 1024, 16L * 1024 * 1024, Duration.ofMillis(1),
            Duration.ofMinutes(10), d -> { });

    @TempDir
    Path dir;

    FakeAws aws;
    Path zip;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void start() throws IOException {
        aws = FakeAws.start();
        useFakeCredentials();
        DeployCommand.settings = FAST;
        zip = functionZip(dir.resolve("function.zip"), 200_000, 1);
    }

    @AfterEach
    void stop() {
        aws.close();
        DeployCommand.settings = DeploySettings.AWS;
        clearFakeCredentials();
    }

    static void useFakeCredentials() {
        System.setProperty("aws.accessKeyId", FakeAws.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", FakeAws.SECRET_KEY);
        System.setProperty("aws.region", FakeAws.REGION);
    }

    static void clearFakeCredentials() {
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
        System.clearProperty("aws.region");
    }

    @Test
    void deploy_firstRunCreatesRoleFunctionVersionAndAlias() throws Exception {
        assertThat(deploy()).as(err.toString()).isEqualTo(0);

        assertThat(aws.problems()).isEmpty();
        assertThat(aws.operations()).containsExactly("lambda:GetFunction", "sts:GetCallerIdentity", "iam:GetRole",
                "iam:CreateRole", "iam:PutRolePolicy", "lambda:CreateFunction", "lambda:GetFunctionConfiguration",
                "lambda:GetFunctionConfiguration", "lambda:PublishVersion", "lambda:GetFunctionConfiguration",
                "lambda:CreateAlias");
        FakeAws.Call create = call("CreateFunction");
        Map<String, Object> body = create.json();
        assertThat(body).containsEntry("FunctionName", "my-fn").containsEntry("Runtime", "java21")
                .containsEntry("Handler", FunctionConfig.HANDLER).containsEntry("MemorySize", 1769L)
                .containsEntry("Timeout", 30L).containsEntry("Architectures", List.of("x86_64"))
                .containsEntry("Role", "arn:aws:iam::" + FakeAws.ACCOUNT + ":role/lambert-my-fn");
        assertThat(body.get("Environment")).isEqualTo(Map.of("Variables", Map.of("JAVA_TOOL_OPTIONS",
                FunctionConfig.JAVA_TOOL_OPTIONS)));
        assertThat(body.get("SnapStart")).isEqualTo(Map.of("ApplyOn", "None"));
        assertThat(String.valueOf(((Map<?, ?>) body.get("Code")).keySet())).isEqualTo("[ZipFile]");
        assertThat(create.header("Authorization")).startsWith("AWS4-HMAC-SHA256 Credential=" + FakeAws.ACCESS_KEY
                + "/").contains("/us-east-1/lambda/aws4_request");
        assertThat(aws.function("my-fn").get("CodeSha256")).isEqualTo(DeployCommand.sha256(zip)[1]);
        assertThat(aws.alias("my-fn", "live")).isEqualTo("1");

        Map<String, String> role = aws.role("lambert-my-fn");
        assertThat(role.get("AssumeRolePolicyDocument")).contains("\"Service\":\"lambda.amazonaws.com\"")
                .contains("sts:AssumeRole");
        assertThat(role.get("policy:lambert-cloudwatch-logs"))
                .contains("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents")
                .contains("arn:aws:logs:us-east-1:" + FakeAws.ACCOUNT + ":log-group:/aws/lambda/my-fn:*")
                .doesNotContain("\"*\"").doesNotContain("s3:").doesNotContain("lambda:");
        assertThat(out.toString()).contains("created", "created execution role arn:aws:iam::123456789012:role/"
                + "lambert-my-fn", "alias     live -> version 1", "next: lambert invoke --function my-fn:live");
    }

    @Test
    void deploy_waitsOutIamPropagationOfTheNewRole() throws Exception {
        aws.rolePropagationFailures(2);
        assertThat(deploy()).as(err.toString()).isEqualTo(0);
        assertThat(aws.operations().stream().filter(o -> o.equals("lambda:CreateFunction")).count()).isEqualTo(3);
        assertThat(aws.alias("my-fn", "live")).isEqualTo("1");
    }

    @Test
    void deploy_rerunWithSameInputsChangesNothing() throws Exception {
        assertThat(deploy("--url")).isEqualTo(0);
        aws.clearCalls();
        out.getBuffer().setLength(0);

        assertThat(deploy("--url")).isEqualTo(0);

        assertThat(aws.calls()).noneMatch(FakeAws.Call::isWrite);
        assertThat(aws.operations()).containsExactly("lambda:GetFunction", "lambda:GetProvisionedConcurrencyConfig",
                "lambda:GetFunction", "lambda:GetFunctionUrlConfig", "lambda:GetPolicy");
        assertThat(out.toString()).contains("up to date, nothing changed", "live -> version 1");
    }

    @Test
    void deploy_newCodeUpdatesCodePublishesAndMovesTheAlias() throws Exception {
        assertThat(deploy("--role", "arn:aws:iam::123456789012:role/mine")).isEqualTo(0);
        functionZip(zip, 200_000, 2);
        aws.clearCalls();

        // without --role the function keeps its role: no STS or IAM call
        assertThat(deploy("--memory", "512")).as(err.toString()).isEqualTo(0);

        assertThat(aws.problems()).isEmpty();
        assertThat(aws.operations()).containsExactly("lambda:GetFunction", "lambda:GetProvisionedConcurrencyConfig",
                "lambda:UpdateFunctionCode",
                "lambda:GetFunctionConfiguration", "lambda:GetFunctionConfiguration",
                "lambda:UpdateFunctionConfiguration", "lambda:GetFunctionConfiguration",
                "lambda:GetFunctionConfiguration", "lambda:GetFunction", "lambda:PublishVersion",
                "lambda:GetFunctionConfiguration", "lambda:UpdateAlias");
        assertThat(call("UpdateFunctionConfiguration").json()).containsEntry("MemorySize", 512L);
        assertThat(call("PublishVersion").json()).containsEntry("CodeSha256", DeployCommand.sha256(zip)[1]);
        assertThat(aws.alias("my-fn", "live")).isEqualTo("2");
        assertThat(out.toString()).contains("updated", "memory 1769 -> 512 MB", "live -> 2 (was 1)",
                "alias     live -> version 2");
    }

    @Test
    void deploy_updateInProgressIsWaitedOutAndRetried() throws Exception {
        assertThat(deploy()).isEqualTo(0);
        functionZip(zip, 200_000, 3);
        aws.updateInProgress("my-fn", 2);
        aws.fail("UpdateFunctionCode", 1, 409, "ResourceConflictException", "The operation cannot be performed at "
                + "this time. An update is in progress for resource: arn:aws:lambda:us-east-1:123456789012:function:"
                + "my-fn");
        aws.clearCalls();

        assertThat(deploy()).as(err.toString()).isEqualTo(0);

        assertThat(aws.operations().stream().filter(o -> o.equals("lambda:UpdateFunctionCode")).count())
                .isGreaterThanOrEqualTo(2);
        assertThat(aws.alias("my-fn", "live")).isEqualTo("2");
    }

    @Test
    void deploy_dryRunPrintsThePlanAndOnlyReads() throws Exception {
        assertThat(deploy("--dry-run", "--snapstart", "--url")).as(err.toString()).isEqualTo(0);

        assertThat(aws.calls()).noneMatch(FakeAws.Call::isWrite);
        assertThat(aws.function("my-fn")).isNull();
        String text = out.toString();
        assertThat(text).contains("nothing was changed", "read-only calls", "sts:GetCallerIdentity", "iam:GetRole",
                "lambda:GetFunction");
        assertThat(text.lines().filter(l -> l.matches("\\s+\\d+\\. .*")).map(l -> l.trim().split("\\s+")[1]))
                .containsExactly("iam:CreateRole", "iam:PutRolePolicy", "lambda:CreateFunction",
                        "lambda:GetFunctionConfiguration", "lambda:PublishVersion", "lambda:GetFunctionConfiguration",
                        "lambda:CreateAlias", "lambda:CreateFunctionUrlConfig");
        assertThat(text).contains("SnapStart on published versions", "AuthType AWS_IAM");
    }

    @Test
    void deploy_dryRunJsonListsEveryStep() throws Exception {
        assertThat(deploy("--dry-run", "--json")).isEqualTo(0);
        Map<?, ?> json = (Map<?, ?>) Json.parse(out.toString().trim().getBytes(StandardCharsets.UTF_8));
        assertThat(json.get("dry_run")).isEqualTo(true);
        assertThat(json.get("up_to_date")).isEqualTo(false);
        assertThat(((List<?>) json.get("steps")).stream().map(s -> String.valueOf(((Map<?, ?>) s).get("call"))))
                .startsWith("lambda:GetFunction", "sts:GetCallerIdentity", "iam:GetRole", "iam:CreateRole");
        assertThat(aws.calls()).noneMatch(FakeAws.Call::isWrite);
    }

    @Test
    void deploy_snapStartWithProvisionedIsRefusedWithTheReason() {
        assertThat(deploy("--snapstart", "--provisioned", "2")).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(err.toString().trim()).startsWith("lambert: --snapstart and --provisioned cannot be combined")
                .contains("does not support provisioned concurrency on SnapStart versions").doesNotContain("\n");
        assertThat(aws.calls()).isEmpty();
    }

    @Test
    void deploy_snapStartAndProvisionedGoWhereAwsExpectsThem() throws Exception {
        assertThat(deploy("--snapstart")).isEqualTo(0);
        assertThat(call("CreateFunction").json().get("SnapStart")).isEqualTo(Map.of("ApplyOn", "PublishedVersions"));
        aws.clearCalls();

        // SnapStart stays on unless turned off, so provisioned concurrency is refused until it is
        assertThat(deploy("--provisioned", "3")).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(err.toString()).contains("has SnapStart on", "--no-snapstart");
        assertThat(aws.calls()).noneMatch(FakeAws.Call::isWrite);

        assertThat(deploy("--no-snapstart", "--provisioned", "3")).as(err.toString()).isEqualTo(0);
        assertThat(call("UpdateFunctionConfiguration").json().get("SnapStart")).isEqualTo(Map.of("ApplyOn", "None"));
        FakeAws.Call put = call("PutProvisionedConcurrencyConfig");
        assertThat(put.query()).containsEntry("Qualifier", "live");
        assertThat(put.json()).containsEntry("ProvisionedConcurrentExecutions", 3L);
    }

    @Test
    void deploy_publicUrlAddsBothPermissionsAndWarns() throws Exception {
        assertThat(deploy("--public-url")).as(err.toString()).isEqualTo(0);

        assertThat(err.toString()).contains("warning: --public-url: anyone on the internet can call my-fn:live");
        assertThat(call("CreateFunctionUrlConfig").json()).containsEntry("AuthType", "NONE");
        List<FakeAws.Call> permissions = aws.calls().stream().filter(c -> c.operation().equals("AddPermission"))
                .toList();
        assertThat(permissions).hasSize(2);
        assertThat(permissions.get(0).json()).containsEntry("Action", "lambda:InvokeFunctionUrl")
                .containsEntry("Principal", "*").containsEntry("FunctionUrlAuthType", "NONE");
        assertThat(permissions.get(1).json()).containsEntry("Action", "lambda:InvokeFunction")
                .containsEntry("InvokedViaFunctionUrl", true);
        assertThat(out.toString()).contains("url       https://", "(public: AuthType NONE)");

        // back to IAM: the URL's auth type changes and the public permissions go
        aws.clearCalls();
        assertThat(deploy("--url")).isEqualTo(0);
        assertThat(call("UpdateFunctionUrlConfig").json()).containsEntry("AuthType", "AWS_IAM");
        assertThat(aws.operations().stream().filter(o -> o.equals("lambda:RemovePermission")).count()).isEqualTo(2);
    }

    @Test
    void deploy_iamUrlIsTheDefault() throws Exception {
        assertThat(deploy("--url")).isEqualTo(0);
        assertThat(call("CreateFunctionUrlConfig").json()).containsEntry("AuthType", "AWS_IAM");
        assertThat(call("CreateFunctionUrlConfig").query()).containsEntry("Qualifier", "live");
        assertThat(aws.operations()).doesNotContain("lambda:AddPermission");
        assertThat(err.toString()).doesNotContain("warning");
    }

    @Test
    void deploy_packageSizedZipGoesInlineByteForByte() throws Exception {
        Path real = functionZip(dir.resolve("real.zip"), 30 * 1024 * 1024, 5);
        assertThat(run("deploy", "--package", real.toString(), "--function", "real-fn", "--role",
                "arn:aws:iam::123456789012:role/mine", "--endpoint-url", aws.endpoint().toString()))
                .as(err.toString()).isEqualTo(0);
        assertThat(call("CreateFunction").zipFile()).isEqualTo(Files.readAllBytes(real));
        assertThat(aws.operations()).noneMatch(o -> o.startsWith("s3:"));
    }

    @Test
    void deploy_over50MbGoesThroughS3InParts() throws Exception {
        Path big = functionZip(dir.resolve("big.zip"), 51 * 1024 * 1024, 4);
        assertThat(Files.size(big)).isGreaterThan(50L * 1024 * 1024);

        assertThat(run("deploy", "--package", big.toString(), "--function", "big-fn", "--endpoint-url",
                aws.endpoint().toString())).isEqualTo(ExitCodes.ENVIRONMENT);
        assertThat(err.toString()).contains("over the 50.0 MB Lambda accepts in the request: pass --s3-bucket");

        err.getBuffer().setLength(0);
        assertThat(run("deploy", "--package", big.toString(), "--function", "big-fn", "--s3-bucket", "code-bucket",
                "--endpoint-url", aws.endpoint().toString())).as(err.toString()).isEqualTo(0);

        assertThat(aws.problems()).isEmpty();
        String sha = DeployCommand.sha256(big)[0];
        String key = "lambert/big-fn/" + sha + ".zip";
        assertThat(aws.object("code-bucket", key)).isEqualTo(Files.readAllBytes(big));
        assertThat(aws.operations()).containsSubsequence("s3:HeadObject", "s3:CreateMultipartUpload",
                "s3:UploadPart", "s3:UploadPart", "s3:UploadPart", "s3:UploadPart", "s3:CompleteMultipartUpload",
                "lambda:CreateFunction");
        FakeAws.Call part = call("UploadPart");
        // the SDK streams parts as signed aws-chunked bodies with a CRC32 trailer, which the fake checks
        assertThat(part.header("x-amz-content-sha256")).startsWith("STREAMING-AWS4-HMAC-SHA256-PAYLOAD");
        assertThat(part.header("x-amz-trailer")).isEqualTo("x-amz-checksum-crc32");
        @SuppressWarnings("unchecked")
        Map<String, Object> code = (Map<String, Object>) call("CreateFunction").json().get("Code");
        assertThat(code).containsEntry("S3Bucket", "code-bucket").containsEntry("S3Key", key)
                .doesNotContainKey("ZipFile");
    }

    @Test
    void deploy_providedAl2023PackageOver50MbGoesThroughS3WithItsRuntimeAndNoJvmOptions() throws Exception {
        // what `package --runtime provided.al2023` writes: function.json says provided.al2023 and has no environment
        Path custom = functionZip(dir.resolve("custom.zip"), 51 * 1024 * 1024, 6, "provided.al2023", List.of());
        assertThat(run("deploy", "--package", custom.toString(), "--function", "custom-fn", "--s3-bucket",
                "code-bucket", "--endpoint-url", aws.endpoint().toString())).as(err.toString()).isEqualTo(0);

        assertThat(aws.problems()).isEmpty();
        assertThat(aws.operations()).containsSubsequence("s3:CreateMultipartUpload", "s3:CompleteMultipartUpload",
                "lambda:CreateFunction", "lambda:PublishVersion", "lambda:CreateAlias");
        Map<String, Object> body = call("CreateFunction").json();
        // AWS's CreateFunction reference: Runtime and Handler; Lambda's OS-only runtime runs the zip's bootstrap, and
        // SnapStart is documented for Java, Python and .NET runtimes only, so nothing about it is sent
        assertThat(body).containsEntry("Runtime", "provided.al2023").containsEntry("Handler", FunctionConfig.HANDLER)
                .containsEntry("Architectures", List.of("x86_64")).doesNotContainKey("SnapStart");
        assertThat(String.valueOf(body.get("Environment"))).doesNotContain("JAVA_TOOL_OPTIONS");
        @SuppressWarnings("unchecked")
        Map<String, Object> code = (Map<String, Object>) body.get("Code");
        assertThat(code).containsEntry("S3Bucket", "code-bucket").doesNotContainKey("ZipFile");
        assertThat(aws.object("code-bucket", (String) code.get("S3Key"))).isEqualTo(Files.readAllBytes(custom));
        assertThat(out.toString()).contains("provided.al2023").doesNotContain("SnapStart");

        // a second run with the same inputs reads only, and the SnapStart it never set is not a difference
        aws.clearCalls();
        assertThat(run("deploy", "--package", custom.toString(), "--function", "custom-fn", "--s3-bucket",
                "code-bucket", "--endpoint-url", aws.endpoint().toString())).as(err.toString()).isEqualTo(0);
        assertThat(aws.calls()).noneMatch(FakeAws.Call::isWrite);
    }

    @Test
    void deploy_smallS3ZipIsOnePutObjectAndAnUploadedOneIsNotSentAgain() throws Exception {
        DeployCommand.settings = new DeploySettings(100_000, 5L * 1024 * 1024, Duration.ofMillis(1),
                Duration.ofMinutes(10), d -> { });
        assertThat(deploy("--s3-bucket", "code-bucket")).as(err.toString()).isEqualTo(0);
        assertThat(aws.operations()).contains("s3:PutObject").doesNotContain("s3:CreateMultipartUpload");
        assertThat(call("PutObject").header("x-amz-content-sha256")).isNotNull();

        // a second function from the same zip: the object is there, so no upload
        aws.clearCalls();
        assertThat(run("deploy", "--package", zip.toString(), "--function", "my-fn", "--s3-bucket", "code-bucket",
                "--alias", "other", "--endpoint-url", aws.endpoint().toString())).isEqualTo(0);
        assertThat(aws.operations()).doesNotContain("s3:PutObject", "lambda:UpdateFunctionCode");
    }

    @Test
    void deploy_accessDeniedNamesTheActionAndHowToGrantIt() {
        aws.fail("CreateFunction", 1, 403, "AccessDeniedException", "User: arn:aws:iam::123456789012:user/deployer "
                + "is not authorized to perform: lambda:CreateFunction on resource: arn:aws:lambda:us-east-1:"
                + "123456789012:function:my-fn because no identity-based policy allows the lambda:CreateFunction "
                + "action");
        assertThat(deploy("--role", "arn:aws:iam::123456789012:role/mine")).isEqualTo(ExitCodes.ENVIRONMENT);
        assertThat(err.toString().trim()).startsWith("lambert: lambda:CreateFunction on function my-fn refused "
                + "(AccessDeniedException").contains("grant lambda:CreateFunction").doesNotContain("\n");
    }

    @Test
    void deploy_throttlingIsRetriedThenNamesTheLimit() {
        aws.fail("GetFunction", 1, 429, "TooManyRequestsException", "Rate exceeded");
        assertThat(deploy("--role", "arn:aws:iam::123456789012:role/mine")).as(err.toString()).isEqualTo(0);
        assertThat(aws.operations()).startsWith("lambda:GetFunction", "lambda:GetFunction");

        aws.fail("PublishVersion", 10, 429, "TooManyRequestsException", "Rate exceeded");
        err.getBuffer().setLength(0);
        assertThat(deploy("--role", "arn:aws:iam::123456789012:role/mine", "--memory", "1024"))
                .isEqualTo(ExitCodes.ENVIRONMENT);
        assertThat(err.toString().trim()).contains("lambda:PublishVersion", "TooManyRequestsException",
                "throttled", "request rate limit").doesNotContain("\n");
    }

    @Test
    void deploy_codeStorageExceededGivesTheNumbersAndWhatToDo() {
        aws.fail("CreateFunction", 1, 400, "CodeStorageExceededException", "Code storage limit exceeded.");
        assertThat(deploy("--role", "arn:aws:iam::123456789012:role/mine")).isEqualTo(ExitCodes.ENVIRONMENT);
        assertThat(err.toString()).contains("CodeStorageExceededException", "75 GB", "delete old versions");
    }

    @Test
    void deploy_requestTooLargeNamesTheS3Route() {
        aws.fail("CreateFunction", 1, 413, "RequestEntityTooLargeException", "Request must be smaller than "
                + "69905067 bytes for the CreateFunction operation");
        assertThat(deploy("--role", "arn:aws:iam::123456789012:role/mine")).isEqualTo(ExitCodes.ENVIRONMENT);
        assertThat(err.toString()).contains("50 MB", "--s3-bucket");
    }

    @Test
    void deploy_refusesAZipWhoseFunctionJsonIsAnotherZips() throws Exception {
        Files.write(zip, new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
        assertThat(deploy()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(err.toString()).contains("belongs to another zip", "run lambert package again");
    }

    @Test
    void deploy_functionJsonFieldOfTheWrongTypeIsBadInputNamingTheField() throws Exception {
        Path config = zip.resolveSibling(lambert.toolkit.packaging.PackageReport.configName(zip));
        Files.writeString(config, "{\"runtime\": 21, \"memory_mb\": 1769}");
        assertThat(deploy("--dry-run")).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(err.toString()).contains("function.json: field \"runtime\" must be a string, found 21")
                .doesNotContain("ClassCastException", "java.lang");
        assertThat(aws.calls()).isEmpty();
    }

    @Test
    void deploy_ephemeralStorageComesFromFunctionJsonUnlessGiven() throws Exception {
        Path config = zip.resolveSibling(lambert.toolkit.packaging.PackageReport.configName(zip));
        Files.writeString(config, Files.readString(config).replaceFirst("\\{", "{\"ephemeral_storage_mb\": 2048,"));
        assertThat(deploy("--role", "arn:aws:iam::123456789012:role/mine")).as(err.toString()).isEqualTo(0);
        assertThat(call("CreateFunction").json()).containsEntry("EphemeralStorage", Map.of("Size", 2048L));
        assertThat(run("deploy", "--package", zip.toString(), "--function", "other", "--ephemeral-storage", "1024",
                "--role", "arn:aws:iam::123456789012:role/mine", "--endpoint-url", aws.endpoint().toString()))
                .as(err.toString()).isEqualTo(0);
        assertThat(call("CreateFunction").json()).containsEntry("EphemeralStorage", Map.of("Size", 1024L));
    }

    @Test
    void deploy_amazonLinux2RuntimeIsRefusedNamingTheLibraryFunctionJsonRecords() throws Exception {
        List<NativeRequirement> natives = List.of(new NativeRequirement("native/libtokenizers.so",
                DottedVersion.parse("2.34"), DottedVersion.parse("3.4")));
        functionZip(zip, 200_000, 1, "java21", natives);
        assertThat(deploy("--runtime", "java17")).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(err.toString().trim()).isEqualTo("lambert: --runtime java17 runs on Amazon Linux 2 (glibc 2.26, "
                + "GLIBCXX_3.4.24), where the native libraries cannot load: native/libtokenizers.so needs GLIBC_2.34; "
                + "runtimes that work: java21, java25, java17.al2023");
        assertThat(aws.calls()).isEmpty();

        // a function.json whose own runtime was edited to java17 is refused too, naming the file
        functionZip(zip, 200_000, 1, "java17", natives);
        err.getBuffer().setLength(0);
        assertThat(deploy()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(err.toString()).contains("function.json: runtime java17 runs on Amazon Linux 2",
                "native/libtokenizers.so needs GLIBC_2.34");
        assertThat(aws.calls()).isEmpty();

        // Java 17 on Amazon Linux 2023 loads them: that is what CreateFunction sends (and the fake knows it)
        assertThat(deploy("--runtime", "java17.al2023")).as(err.toString()).isEqualTo(0);
        assertThat(call("CreateFunction").json()).containsEntry("Runtime", "java17.al2023");
        assertThat(aws.problems()).isEmpty();
    }

    @Test
    void deploy_functionJsonWithoutNativeRecordsIsCheckedAgainstTheLibrariesInTheZip() throws Exception {
        Path withNatives = dir.resolve("natives/function.zip");
        Files.createDirectories(withNatives.getParent());
        try (OutputStream file = Files.newOutputStream(withNatives); ZipOutputStream z = new ZipOutputStream(file)) {
            z.putNextEntry(new ZipEntry("native/libtokenizers.so"));
            z.write(jarEntry("tokenizers-", "native/lib/linux-x86_64/cpu/libtokenizers.so"));
            z.closeEntry();
        }
        // function.json as a person might write it: no native_libraries
        Files.writeString(withNatives.resolveSibling("function.json"), "{\"runtime\": \"java21\", \"code_sha256\": \""
                + DeployCommand.sha256(withNatives)[0] + "\"}");
        assertThat(run("deploy", "--package", withNatives.toString(), "--function", "fn", "--runtime", "java11",
                "--endpoint-url", aws.endpoint().toString())).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(err.toString()).contains("--runtime java11 runs Java 11");
        err.getBuffer().setLength(0);
        assertThat(run("deploy", "--package", withNatives.toString(), "--function", "fn", "--runtime", "java17",
                "--endpoint-url", aws.endpoint().toString())).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(err.toString()).contains("native/libtokenizers.so needs GLIBC_2.34");
        assertThat(run("deploy", "--package", withNatives.toString(), "--function", "fn", "--dry-run",
                "--endpoint-url", aws.endpoint().toString())).as(err.toString()).isEqualTo(0);
    }

    @Test
    void deploy_iamUrlPrintsTheCallerPolicyWithBothInvokeActions() throws Exception {
        assertThat(deploy("--url")).as(err.toString()).isEqualTo(0);
        Map<?, ?> policy = printedPolicy(out.toString());
        Map<?, ?> statement = (Map<?, ?>) ((List<?>) policy.get("Statement")).get(0);
        assertThat(policy.get("Version")).isEqualTo("2012-10-17");
        assertThat(statement.get("Effect")).isEqualTo("Allow");
        assertThat(statement.get("Action")).isEqualTo(List.of("lambda:InvokeFunctionUrl", "lambda:InvokeFunction"));
        // the URL's own function ARN, qualified by the alias, as Lambda returned it
        assertThat(statement.get("Resource")).isEqualTo("arn:aws:lambda:us-east-1:" + FakeAws.ACCOUNT
                + ":function:my-fn:live");

        // kept on a re-run (up to date): said again; and in --json
        out.getBuffer().setLength(0);
        assertThat(deploy("--url")).isEqualTo(0);
        assertThat(out.toString()).contains("up to date");
        assertThat(printedPolicy(out.toString())).isEqualTo(policy);
        out.getBuffer().setLength(0);
        assertThat(deploy("--url", "--json")).isEqualTo(0);
        Map<?, ?> json = (Map<?, ?>) Json.parse(out.toString().trim().getBytes(StandardCharsets.UTF_8));
        assertThat(json.get("caller_policy")).isEqualTo(policy);

        // a public URL needs no caller policy
        out.getBuffer().setLength(0);
        assertThat(deploy("--public-url")).isEqualTo(0);
        assertThat(out.toString()).doesNotContain("callers");
    }

    @Test
    void deploy_snapStartOrProvisionedConcurrencyLeavesOutTheC1OnlyFlag() throws Exception {
        String c1Only = "-XX:TieredStopAtLevel=1";
        String withC2 = "-XX:+TieredCompilation -XX:+UseSerialGC -Xmn8m -Djdk.reflect.useNativeAccessorOnly=true";
        assertThat(FunctionConfig.JAVA_TOOL_OPTIONS).contains(c1Only);
        assertThat(deploy("--snapstart")).as(err.toString()).isEqualTo(0);
        assertThat(javaToolOptions(call("CreateFunction"))).isEqualTo(withC2);

        assertThat(run("deploy", "--package", zip.toString(), "--function", "pc-fn", "--provisioned", "2",
                "--endpoint-url", aws.endpoint().toString())).as(err.toString()).isEqualTo(0);
        assertThat(javaToolOptions(call("CreateFunction"))).isEqualTo(withC2);
        assertThat(aws.provisioned("pc-fn", "live")).isEqualTo(2);

        // new code without --provisioned: the alias keeps its provisioned concurrency, and the options stay
        functionZip(zip, 200_000, 7);
        aws.clearCalls();
        assertThat(run("deploy", "--package", zip.toString(), "--function", "pc-fn", "--endpoint-url",
                aws.endpoint().toString())).as(err.toString()).isEqualTo(0);
        assertThat(aws.operations()).contains("lambda:UpdateFunctionCode", "lambda:PublishVersion")
                .doesNotContain("lambda:UpdateFunctionConfiguration");
        List<Map<String, Object>> versions = aws.versions("pc-fn");
        assertThat(((Map<?, ?>) ((Map<?, ?>) versions.get(versions.size() - 1).get("Environment")).get("Variables"))
                .get("JAVA_TOOL_OPTIONS")).isEqualTo(withC2);

        // back to on demand: C1 only again
        assertThat(run("deploy", "--package", zip.toString(), "--function", "pc-fn", "--provisioned", "0",
                "--endpoint-url", aws.endpoint().toString())).as(err.toString()).isEqualTo(0);
        assertThat(javaToolOptions(call("UpdateFunctionConfiguration"))).isEqualTo(FunctionConfig.JAVA_TOOL_OPTIONS);
        assertThat(aws.provisioned("pc-fn", "live")).isNull();
        assertThat(out.toString()).contains("environment JAVA_TOOL_OPTIONS with -XX:TieredStopAtLevel=1 again (on "
                + "demand");
        assertThat(aws.problems()).isEmpty();
    }

    @Test
    void deploy_snapStartIsRefusedWhileTheAliasHasProvisionedConcurrency() throws Exception {
        assertThat(deploy("--provisioned", "2")).as(err.toString()).isEqualTo(0);
        aws.clearCalls();

        assertThat(deploy("--snapstart")).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(err.toString().trim()).doesNotContain("\n").isEqualTo("lambert: alias my-fn:live has provisioned "
                + "concurrency (2 environments), and AWS Lambda does not support SnapStart with provisioned "
                + "concurrency: add --provisioned 0 to remove it and use SnapStart, or deploy with --no-snapstart to "
                + "keep it");
        assertThat(aws.operations()).containsExactly("lambda:GetFunction", "lambda:GetProvisionedConcurrencyConfig");
        assertThat(aws.provisioned("my-fn", "live")).isEqualTo(2);

        // with --provisioned 0 the provisioned concurrency goes first, then SnapStart comes with the new version
        aws.clearCalls();
        assertThat(deploy("--snapstart", "--provisioned", "0")).as(err.toString()).isEqualTo(0);
        assertThat(aws.problems()).isEmpty();
        assertThat(aws.operations()).containsSubsequence("lambda:GetProvisionedConcurrencyConfig",
                "lambda:DeleteProvisionedConcurrencyConfig", "lambda:UpdateFunctionConfiguration",
                "lambda:PublishVersion", "lambda:UpdateAlias");
        assertThat(aws.operations().stream().filter(o -> o.equals("lambda:DeleteProvisionedConcurrencyConfig")))
                .hasSize(1);
        assertThat(aws.provisioned("my-fn", "live")).isNull();
        String version = aws.alias("my-fn", "live");
        assertThat(aws.versions("my-fn").stream().filter(v -> v.get("Version").equals(version)).findFirst()
                .orElseThrow().get("SnapStart")).isEqualTo(Map.of("ApplyOn", "PublishedVersions",
                        "OptimizationStatus", "On"));
    }

    // ---------------------------------------------------------------------------------------------

    /** The policy document printed under "callers", read back as JSON. */
    private static Map<?, ?> printedPolicy(String output) throws Exception {
        List<String> lines = output.lines().toList();
        int start = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("  callers   ")) {
                assertThat(lines.get(i)).contains("lambda:InvokeFunctionUrl and lambda:InvokeFunction");
                start = i + 1;
            }
        }
        assertThat(start).as("a callers line in:\n" + output).isPositive();
        StringBuilder json = new StringBuilder();
        for (int i = start; i < lines.size() && lines.get(i).startsWith("            "); i++) {
            json.append(lines.get(i)).append('\n');
        }
        return (Map<?, ?>) Json.parse(json.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String javaToolOptions(FakeAws.Call call) {
        return (String) ((Map<?, ?>) ((Map<?, ?>) call.json().get("Environment")).get("Variables"))
                .get("JAVA_TOOL_OPTIONS");
    }

    /** An entry of a jar on the test classpath, by the jar's file-name prefix. */
    static byte[] jarEntry(String jarPrefix, String entry) throws IOException {
        for (String path : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path jar = Path.of(path);
            if (jar.getFileName() != null && jar.getFileName().toString().startsWith(jarPrefix)
                    && path.endsWith(".jar")) {
                try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(jar.toFile())) {
                    return z.getInputStream(z.getEntry(entry)).readAllBytes();
                }
            }
        }
        throw new AssertionError("no " + jarPrefix + "*.jar on the test classpath");
    }

    private int deploy(String... extra) {
        String[] base = {"deploy", "--package", zip.toString(), "--function", "my-fn", "--endpoint-url",
            aws.endpoint().toString()};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return run(args);
    }

    private int run(String... args) {
        CommandLine cli = Lambert.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    private FakeAws.Call call(String operation) {
        return aws.calls().stream().filter(c -> c.operation().equals(operation)).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError(operation + " not called; calls: " + aws.operations()));
    }

    /** A zip of {@code bytes} random (incompressible) bytes, and its function.json as lambert package writes it. */
    static Path functionZip(Path zip, int bytes, long seed) throws IOException {
        return functionZip(zip, bytes, seed, "java21", List.of());
    }

    /**
     * The same, with function.json's runtime and what it records of the native libraries; an OS-only runtime's
     * function.json has no environment (its JVM options are in its {@code bootstrap}), as {@code package} writes it.
     */
    static Path functionZip(Path zip, int bytes, long seed, String runtime, List<NativeRequirement> natives)
            throws IOException {
        byte[] content = new byte[bytes];
        new Random(seed).nextBytes(content);
        try (OutputStream file = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(file)) {
            z.setLevel(0);
            z.putNextEntry(new ZipEntry("model/model.onnx"));
            z.write(content);
            z.closeEntry();
        }
        String[] sha = DeployCommand.sha256(zip);
        FunctionConfig config = new FunctionConfig(FunctionConfig.HANDLER, runtime, "x86_64", 1769, 30,
                runtime.startsWith("provided") ? Map.of() : Map.of("JAVA_TOOL_OPTIONS", FunctionConfig.JAVA_TOOL_OPTIONS),
                sha[0], sha[1], Files.size(zip),
                bytes, "test", "0.1.0", natives);
        Files.write(zip.resolveSibling(lambert.toolkit.packaging.PackageReport.configName(zip)), config.toJson());
        return zip;
    }
}

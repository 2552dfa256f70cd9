package lambert.toolkit.template;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import lambert.toolkit.BadInputException;
import lambert.toolkit.LambdaLimits;
import lambert.toolkit.packaging.LambdaRuntime;
import lambert.toolkit.packaging.UnsupportedRuntimeException;

/**
 * An AWS SAM template with one {@code AWS::Serverless::Function}: the function a package describes,
 * published through an alias, with SnapStart or provisioned concurrency (never both: AWS does not
 * allow it), and optionally a function URL with IAM auth.
 *
 * <pre>{@code
 * String yaml = new SamTemplate(settings).yaml();
 * }</pre>
 *
 * @param logicalId the function's logical ID in the template (alphanumeric)
 * @param functionName the function's name, or null to let CloudFormation name it
 * @param description the function's description
 * @param codeUri the zip, relative to the template's folder
 * @param runtime a Lambda Java runtime for Java 17 or later ({@code java21}); whether the package's native
 *     libraries load on it is the caller's check ({@code LambdaRuntime.check})
 * @param handler the handler string
 * @param architecture {@code x86_64} or {@code arm64}
 * @param memoryMb memory size
 * @param timeoutSeconds timeout
 * @param environment environment variables
 * @param ephemeralStorageMb {@code /tmp} size, or 0 for Lambda's default (512 MB)
 * @param snapStart SnapStart on published versions
 * @param provisioned provisioned concurrency on the alias, 0 for none
 * @param alias the alias SAM publishes each version to
 * @param url whether to add a function URL (AWS_IAM auth)
 */
public record SamTemplate(String logicalId, String functionName, String description, String codeUri, String runtime,
        String handler, String architecture, int memoryMb, int timeoutSeconds, Map<String, String> environment,
        int ephemeralStorageMb, boolean snapStart, int provisioned, String alias, boolean url) {

    /** Checks every setting against Lambda's limits, naming the setting ({@link BadInputException#fields()}). */
    public SamTemplate {
        environment = Map.copyOf(environment);
        if (!logicalId.matches("[A-Za-z0-9]{1,255}")) {
            throw new BadInputException("the logical ID must be alphanumeric, found " + logicalId);
        }
        if (functionName != null && !functionName.matches("[A-Za-z0-9_-]{1,64}")) {
            throw BadInputException.of("function must be 1 to 64 letters, digits, hyphens or underscores "
                    + "(Lambda's rule for function names), found \"" + functionName + "\"", "function");
        }
        try {
            // Whether the package fits the runtime is the caller's check (FunctionJson.runtime).
            LambdaRuntime.check(runtime, List.of(), LambdaRuntime.osOnly(runtime));
        } catch (UnsupportedRuntimeException e) {
            throw new BadInputException("runtime " + e.getMessage());
        }
        if (!architecture.equals("x86_64") && !architecture.equals("arm64")) {
            throw new BadInputException("architecture must be x86_64 or arm64, found " + architecture);
        }
        LambdaLimits.MEMORY_MB.check(memoryMb);
        LambdaLimits.TIMEOUT_SECONDS.check(timeoutSeconds);
        if (ephemeralStorageMb != 0) {
            LambdaLimits.EPHEMERAL_STORAGE_MB.check(ephemeralStorageMb);
        }
        if (provisioned < 0) {
            throw BadInputException.of("provisioned must be 0 (none) or more, found " + provisioned, "provisioned");
        }
        if (snapStart && provisioned > 0) {
            throw BadInputException.of("snapstart and provisioned cannot go together: AWS Lambda does not "
                    + "allow provisioned concurrency on a function with SnapStart; choose SnapStart (cheap, cold "
                    + "starts restored from a snapshot) or provisioned concurrency (paid by the hour, no cold starts)", "snapstart",
                    "provisioned");
        }
        if (snapStart && LambdaRuntime.osOnly(runtime)) {
            throw BadInputException.of(SNAPSTART_OS_ONLY + runtime, "snapstart");
        }
        if (snapStart && ephemeralStorageMb > LambdaLimits.DEFAULT_EPHEMERAL_STORAGE_MB) {
            throw BadInputException.of("snapstart supports ephemeral storage up to "
                    + LambdaLimits.DEFAULT_EPHEMERAL_STORAGE_MB + " MB, found " + ephemeralStorageMb + " MB", "snapstart");
        }
        if (!alias.matches("[A-Za-z0-9_-]{1,128}") || alias.matches("[0-9]+")) {
            throw BadInputException.of("alias must be 1 to 128 letters, digits, hyphens or underscores and "
                    + "not only digits (Lambda's rule for alias names), found \"" + alias + "\"", "alias");
        }
    }

    /** Why SnapStart is refused on an OS-only runtime; the runtime's name follows. */
    public static final String SNAPSTART_OS_ONLY = "snapstart works on Lambda's managed runtimes only (Java 11 and "
            + "later), not on OS-only runtimes: package for java21 to use SnapStart, or leave it off for ";

    /** The template as a tree of maps and lists, in the order it is written. */
    public Map<String, Object> tree() {
        Map<String, Object> properties = new LinkedHashMap<>();
        if (functionName != null) {
            properties.put("FunctionName", functionName);
        }
        properties.put("Description", description);
        properties.put("CodeUri", codeUri);
        properties.put("Runtime", runtime);
        properties.put("Handler", handler);
        properties.put("Architectures", List.of(architecture));
        properties.put("MemorySize", memoryMb);
        properties.put("Timeout", timeoutSeconds);
        if (!environment.isEmpty()) {
            properties.put("Environment", Map.of("Variables", new TreeMap<>(environment)));
        }
        if (ephemeralStorageMb > 0) {
            properties.put("EphemeralStorage", Map.of("Size", ephemeralStorageMb));
        }
        properties.put("AutoPublishAlias", alias);
        if (snapStart) {
            properties.put("SnapStart", Map.of("ApplyOn", "PublishedVersions"));
        }
        if (provisioned > 0) {
            properties.put("ProvisionedConcurrencyConfig", Map.of("ProvisionedConcurrentExecutions", provisioned));
        }
        if (url) {
            properties.put("FunctionUrlConfig", Map.of("AuthType", "AWS_IAM"));
        }
        Map<String, Object> function = new LinkedHashMap<>();
        function.put("Type", "AWS::Serverless::Function");
        function.put("Properties", properties);

        Map<String, Object> outputs = new LinkedHashMap<>();
        outputs.put("FunctionArn", output("The function's ARN", Map.of("Fn::GetAtt", List.of(logicalId, "Arn"))));
        // SAM names the alias it publishes <LogicalId>Alias<alias> and the URL <LogicalId>Url.
        outputs.put("AliasArn", output("The alias that points at the published version",
                Map.of("Ref", logicalId + "Alias" + alias.replaceAll("[^A-Za-z0-9]", ""))));
        if (url) {
            outputs.put("FunctionUrl", output("The function URL (AWS_IAM: requests must be SigV4-signed by callers "
                    + "allowed both lambda:InvokeFunctionUrl and lambda:InvokeFunction)",
                    Map.of("Fn::GetAtt", List.of(logicalId + "Url", "FunctionUrl"))));
        }

        Map<String, Object> root = new LinkedHashMap<>();
        root.put("AWSTemplateFormatVersion", "2010-09-09");
        root.put("Transform", "AWS::Serverless-2016-10-31");
        root.put("Description", description);
        root.put("Resources", Map.of(logicalId, function));
        root.put("Outputs", outputs);
        return root;
    }

    private static Map<String, Object> output(String description, Map<String, Object> value) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("Description", description);
        out.put("Value", value);
        return out;
    }

    /** The YAML document. */
    public String yaml() {
        return "# AWS SAM template written by lambert template; deploy with sam deploy (see lambert template's "
                + "output).\n" + Yaml.write(tree());
    }

    /** A logical ID from a function name: its letters and digits in CamelCase, "LambertFunction" without one. */
    public static String logicalIdFor(String functionName) {
        if (functionName == null) {
            return "LambertFunction";
        }
        StringBuilder id = new StringBuilder();
        for (String part : functionName.split("[^A-Za-z0-9]+")) {
            if (!part.isEmpty()) {
                id.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
            }
        }
        if (id.length() == 0 || Character.isDigit(id.charAt(0))) {
            id.insert(0, "Function");
        }
        return id.toString();
    }

    /** The {@code sam deploy} command line for a template file and a stack name. */
    public static List<String> samDeploy(String templateFile, String stackName) {
        return new ArrayList<>(List.of("sam", "deploy", "--template-file", templateFile, "--stack-name", stackName,
                "--capabilities", "CAPABILITY_IAM", "--resolve-s3"));
    }
}

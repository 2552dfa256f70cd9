package lambert.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import lambert.toolkit.packaging.DottedVersion;
import lambert.toolkit.packaging.FunctionConfig;
import lambert.toolkit.packaging.NativeRequirement;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import picocli.CommandLine;

/** {@code lambert template}: the SAM template parsed back and checked against the documented properties. */
class TemplateCommandTest {
    /**
     * {@code AWS::Serverless::Function} properties lambert may write, with their documented types
     * (AWS SAM developer guide, AWS::Serverless::Function; nested shapes from AWS::Lambda::Function).
     */
    private static final Map<String, Class<?>> FUNCTION_PROPERTIES = Map.ofEntries(
            entry("FunctionName", String.class), entry("Description", String.class), entry("CodeUri", String.class),
            entry("Runtime", String.class), entry("Handler", String.class), entry("Architectures", List.class),
            entry("MemorySize", Integer.class), entry("Timeout", Integer.class), entry("Environment", Map.class),
            entry("EphemeralStorage", Map.class), entry("AutoPublishAlias", String.class),
            entry("SnapStart", Map.class), entry("ProvisionedConcurrencyConfig", Map.class),
            entry("FunctionUrlConfig", Map.class));
    /** The nested properties: Environment.Variables, EphemeralStorage.Size, SnapStart.ApplyOn, ... */
    private static final Map<String, Map<String, Class<?>>> NESTED = Map.of(
            "Environment", Map.of("Variables", Map.class),
            "EphemeralStorage", Map.of("Size", Integer.class),
            "SnapStart", Map.of("ApplyOn", String.class),
            "ProvisionedConcurrencyConfig", Map.of("ProvisionedConcurrentExecutions", Integer.class),
            "FunctionUrlConfig", Map.of("AuthType", String.class, "Cors", Map.class, "InvokeMode", String.class));

    @TempDir
    Path dir;

    private Path zip;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void fakePackage() throws Exception {
        zip = Files.write(Files.createDirectories(dir.resolve("build")).resolve("function.zip"),
                new byte[] {'P', 'K', 5, 6});
    }

    private void config(String architecture, int memory, Map<String, String> env) throws Exception {
        config(architecture, memory, env, List.of());
    }

    private void config(String architecture, int memory, Map<String, String> env, List<NativeRequirement> natives)
            throws Exception {
        Files.write(dir.resolve("build/function.json"), new FunctionConfig(FunctionConfig.HANDLER, "java21",
                architecture, memory, 30, env, "ab", "q83vEjRWeJA=", 4, 4, "all-MiniLM-L6-v2-int8", "0.1.0", natives)
                .toJson());
    }

    @Test
    void template_writesEveryPropertyFromFunctionJson() throws Exception {
        config("arm64", 1024, Map.of("JAVA_TOOL_OPTIONS", FunctionConfig.JAVA_TOOL_OPTIONS,
                "ODD", "yes: \"quoted\" # not a comment\n\ttab"));
        Path template = dir.resolve("template.yaml");
        assertThat(run("template", "--package", zip.toString(), "--out", template.toString(), "--function",
                "embed-api", "--snapstart", "--url")).isZero();

        Map<String, Object> doc = parse(template);
        assertThat(doc.get("AWSTemplateFormatVersion")).isEqualTo("2010-09-09");
        assertThat(doc.get("Transform")).isEqualTo("AWS::Serverless-2016-10-31");
        Map<String, Object> resource = map(map(doc.get("Resources")).get("EmbedApi"));
        assertThat(resource.get("Type")).isEqualTo("AWS::Serverless::Function");
        Map<String, Object> p = map(resource.get("Properties"));
        checkAgainstDocumentedProperties(p);
        assertThat(p).containsEntry("FunctionName", "embed-api").containsEntry("CodeUri", "build/function.zip")
                .containsEntry("Runtime", "java21").containsEntry("Handler", "lambert.lambda.Handler::handleRequest")
                .containsEntry("Architectures", List.of("arm64")).containsEntry("MemorySize", 1024)
                .containsEntry("Timeout", 30).containsEntry("AutoPublishAlias", "live")
                .containsEntry("SnapStart", Map.of("ApplyOn", "PublishedVersions"))
                .containsEntry("FunctionUrlConfig", Map.of("AuthType", "AWS_IAM"))
                .doesNotContainKeys("ProvisionedConcurrencyConfig", "EphemeralStorage");
        // SnapStart: the priming before the snapshot may reach C2, so the C1-only flag is left out
        assertThat(map(map(p.get("Environment")).get("Variables"))).containsEntry("JAVA_TOOL_OPTIONS",
                "-XX:+TieredCompilation -XX:+UseSerialGC -Xmn8m -Djdk.reflect.useNativeAccessorOnly=true")
                .containsEntry("ODD", "yes: \"quoted\" # not a comment\n\ttab");
        Map<String, Object> outputs = map(doc.get("Outputs"));
        assertThat(map(map(outputs.get("FunctionArn")).get("Value"))).containsEntry("Fn::GetAtt",
                List.of("EmbedApi", "Arn"));
        assertThat(map(map(outputs.get("AliasArn")).get("Value"))).containsEntry("Ref", "EmbedApiAliaslive");
        assertThat(map(map(outputs.get("FunctionUrl")).get("Value"))).containsEntry("Fn::GetAtt",
                List.of("EmbedApiUrl", "FunctionUrl"));
        assertThat(out.toString()).contains("sam deploy --template-file " + template + " --stack-name embed-api "
                + "--capabilities CAPABILITY_IAM --resolve-s3");
    }

    @Test
    void template_provisionedConcurrencyEphemeralStorageAndOverrides() throws Exception {
        config("x86_64", 1769, Map.of());
        Path template = dir.resolve("build/sam/template.yaml");
        assertThat(run("template", "--package", zip.toString(), "--out", template.toString(), "--provisioned", "3",
                "--alias", "prod", "--memory", "512", "--ephemeral-storage", "2048", "--runtime", "java25")).isZero();
        Map<String, Object> doc = parse(template);
        Map<String, Object> p = map(map(map(doc.get("Resources")).get("LambertFunction")).get("Properties"));
        checkAgainstDocumentedProperties(p);
        assertThat(p).containsEntry("ProvisionedConcurrencyConfig", Map.of("ProvisionedConcurrentExecutions", 3))
                .containsEntry("EphemeralStorage", Map.of("Size", 2048)).containsEntry("MemorySize", 512)
                .containsEntry("Runtime", "java25").containsEntry("AutoPublishAlias", "prod")
                .containsEntry("CodeUri", "../function.zip").containsEntry("Architectures", List.of("x86_64"))
                .doesNotContainKeys("SnapStart", "FunctionUrlConfig", "FunctionName", "Environment");
        assertThat(map(doc.get("Outputs"))).doesNotContainKey("FunctionUrl");
        assertThat(out.toString()).contains("--stack-name lambert-all-minilm-l6-v2-int8");
    }

    @Test
    void template_refusesSnapStartWithProvisionedConcurrencyAndSaysWhy() throws Exception {
        config("x86_64", 1769, Map.of());
        Path template = dir.resolve("template.yaml");
        assertThat(run("template", "--package", zip.toString(), "--out", template.toString(), "--snapstart",
                "--provisioned", "2")).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(err.toString()).contains("--snapstart and --provisioned cannot go together",
                "does not allow provisioned concurrency on a function with SnapStart");
        assertThat(template).doesNotExist();
    }

    @Test
    void template_badSettingsNameTheOptionOrFile() throws Exception {
        Path template = dir.resolve("template.yaml");
        assertThat(run("template", "--package", dir.resolve("none.zip").toString(), "--out", template.toString()))
                .isEqualTo(ExitCodes.ENVIRONMENT);
        assertThat(run("template", "--package", zip.toString(), "--out", template.toString()))
                .isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(err.toString()).contains("function.json", "which is missing");
        config("x86_64", 1769, Map.of());
        assertThat(run("template", "--package", zip.toString(), "--function", "no spaces allowed")).isEqualTo(2);
        assertThat(err.toString()).contains("--function must be 1 to 64 letters");
        assertThat(run("template", "--package", zip.toString(), "--alias", "123")).isEqualTo(2);
        assertThat(err.toString()).contains("--alias");
        assertThat(run("template", "--package", zip.toString(), "--runtime", "java8")).isEqualTo(2);
        assertThat(err.toString()).contains("--runtime java8 is not one of Lambda's Java or OS-only runtimes");
        assertThat(run("template", "--package", zip.toString(), "--provisioned", "-1")).isEqualTo(2);
        assertThat(err.toString()).contains("--provisioned must be 0 (none) or more, found -1");
        assertThat(template).doesNotExist();
        Files.writeString(dir.resolve("build/function.json"), "{\"memory_mb\": \"lots\"}");
        assertThat(run("template", "--package", zip.toString(), "--out", template.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("\"memory_mb\" must be a whole number");
    }

    @Test
    void template_provisionedConcurrencyLeavesOutTheC1OnlyFlagAndOnDemandKeepsIt() throws Exception {
        config("x86_64", 1769, Map.of("JAVA_TOOL_OPTIONS", FunctionConfig.JAVA_TOOL_OPTIONS));
        Path template = dir.resolve("template.yaml");
        assertThat(run("template", "--package", zip.toString(), "--out", template.toString(), "--provisioned", "2"))
                .isZero();
        assertThat(javaToolOptions(template)).isEqualTo("-XX:+TieredCompilation -XX:+UseSerialGC -Xmn8m "
                + "-Djdk.reflect.useNativeAccessorOnly=true");
        assertThat(run("template", "--package", zip.toString(), "--out", template.toString())).isZero();
        assertThat(javaToolOptions(template)).isEqualTo(FunctionConfig.JAVA_TOOL_OPTIONS)
                .contains("-XX:TieredStopAtLevel=1");
    }

    @Test
    void template_osOnlyRuntimeIsWrittenAndRefusesSnapStart() throws Exception {
        // A provided.al2023 package (its JVM options are in its bootstrap, so no JAVA_TOOL_OPTIONS): SnapStart is for
        // Lambda's managed runtimes only, so the template would fail at deploy time; refused here, nothing written.
        Files.write(dir.resolve("build/function.json"), new FunctionConfig(FunctionConfig.HANDLER, "provided.al2023",
                "x86_64", 1769, 30, Map.of(), "ab", "q83vEjRWeJA=", 4, 4, "all-MiniLM-L6-v2-int8", "0.1.0", List.of())
                .toJson());
        Path template = dir.resolve("template.yaml");
        assertThat(run("template", "--package", zip.toString(), "--out", template.toString(), "--snapstart"))
                .isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(err.toString().trim()).contains("snapstart works on Lambda's managed runtimes only")
                .endsWith("provided.al2023").doesNotContain("\n").doesNotContain("Exception");
        assertThat(template).doesNotExist();
        assertThat(run("template", "--package", zip.toString(), "--out", template.toString())).isZero();
        Map<String, Object> p = map(map(map(parse(template).get("Resources")).get("LambertFunction"))
                .get("Properties"));
        checkAgainstDocumentedProperties(p);
        assertThat(p).containsEntry("Runtime", "provided.al2023").containsEntry("Handler", FunctionConfig.HANDLER)
                .containsEntry("Architectures", List.of("x86_64"))
                .doesNotContainKeys("SnapStart", "Environment");
    }

    @Test
    void template_amazonLinux2RuntimeIsRefusedNamingTheLibraryAndWhatWorks() throws Exception {
        config("x86_64", 1769, Map.of(), List.of(new NativeRequirement("native/libtokenizers.so",
                DottedVersion.parse("2.34"), DottedVersion.parse("3.4"))));
        Path template = dir.resolve("template.yaml");
        assertThat(run("template", "--package", zip.toString(), "--out", template.toString(), "--runtime", "java17"))
                .isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(err.toString().trim()).isEqualTo("lambert: --runtime java17 runs on Amazon Linux 2 (glibc 2.26, "
                + "GLIBCXX_3.4.24), where the native libraries cannot load: native/libtokenizers.so needs GLIBC_2.34; "
                + "runtimes that work: java21, java25, java17.al2023");
        assertThat(template).doesNotExist();
        assertThat(run("template", "--package", zip.toString(), "--out", template.toString(), "--runtime",
                "java17.al2023")).isZero();
        Map<String, Object> p = map(map(map(parse(template).get("Resources")).get("LambertFunction"))
                .get("Properties"));
        assertThat(p).containsEntry("Runtime", "java17.al2023");
        checkAgainstDocumentedProperties(p);
    }

    private String javaToolOptions(Path template) throws Exception {
        Map<String, Object> p = map(map(map(parse(template).get("Resources")).get("LambertFunction"))
                .get("Properties"));
        return (String) map(map(p.get("Environment")).get("Variables")).get("JAVA_TOOL_OPTIONS");
    }

    private static void checkAgainstDocumentedProperties(Map<String, Object> properties) {
        for (Map.Entry<String, Object> p : properties.entrySet()) {
            assertThat(FUNCTION_PROPERTIES).as("documented property").containsKey(p.getKey());
            assertThat(p.getValue()).as(p.getKey()).isInstanceOf(FUNCTION_PROPERTIES.get(p.getKey()));
            if (NESTED.containsKey(p.getKey())) {
                Map<String, Class<?>> allowed = NESTED.get(p.getKey());
                for (Map.Entry<String, Object> n : map(p.getValue()).entrySet()) {
                    assertThat(allowed).as(p.getKey() + " property").containsKey(n.getKey());
                    assertThat(n.getValue()).as(p.getKey() + "." + n.getKey()).isInstanceOf(allowed.get(n.getKey()));
                }
            }
        }
        assertThat(properties.keySet()).contains("CodeUri", "Runtime", "Handler", "Architectures", "MemorySize",
                "Timeout");
        // Lambda's Java runtime identifiers (AWS Lambda developer guide, "Building Lambda functions with Java"; the
        // Amazon Linux 2023 builds of 8, 11 and 17 of July 2026) and its OS-only ones ("When to use Lambda's OS-only
        // runtimes")
        assertThat(Set.of("java25", "java21", "java17", "java11", "java8.al2", "java17.al2023", "java11.al2023",
                "java8.al2023", "provided.al2023", "provided.al2")).contains((String) properties.get("Runtime"));
        for (Object a : (List<?>) properties.get("Architectures")) {
            assertThat(a).isIn("x86_64", "arm64");
        }
        if (properties.get("FunctionUrlConfig") != null) {
            assertThat(map(properties.get("FunctionUrlConfig")).get("AuthType")).isIn("AWS_IAM", "NONE");
        }
        if (properties.get("SnapStart") != null) {
            assertThat(map(properties.get("SnapStart")).get("ApplyOn")).isIn("PublishedVersions", "None");
            assertThat(properties).doesNotContainKey("ProvisionedConcurrencyConfig");
        }
    }

    private static Map<String, Object> parse(Path file) throws Exception {
        return new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        assertThat(value).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    private int run(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        CommandLine cli = Lambert.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }
}

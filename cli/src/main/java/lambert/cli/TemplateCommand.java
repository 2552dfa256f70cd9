package lambert.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import lambert.onnx.io.ModelFiles;
import lambert.toolkit.packaging.FunctionConfig;
import lambert.toolkit.packaging.FunctionJson;
import lambert.toolkit.template.SamTemplate;
import lambert.base.io.PartialFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lambert template}: an AWS SAM template for a package, from its {@code function.json}, and
 * the {@code sam deploy} command line that deploys it.
 *
 * <pre>{@code
 * lambert template --package function.zip --out template.yaml --function embed --snapstart --url
 * sam deploy --template-file template.yaml --stack-name embed --capabilities CAPABILITY_IAM --resolve-s3
 * }</pre>
 */
@Command(name = "template", mixinStandardHelpOptions = true,
        description = {"Writes an AWS SAM template (AWS::Serverless::Function) for a function zip from its "
                + "function.json: runtime, handler, architecture, memory, timeout, environment, an alias, SnapStart "
                + "or provisioned concurrency, a function URL with IAM auth; prints the sam deploy command."})
final class TemplateCommand implements Callable<Integer> {
    @Option(names = {"-p", "--package"}, required = true, paramLabel = "ZIP", description = "The function zip "
            + "(function.json next to it gives the settings).")
    Path zip;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE", defaultValue = "template.yaml",
            description = "The template to write (default: ${DEFAULT-VALUE}); replaced if it exists.")
    Path out;

    @Option(names = "--function", paramLabel = "NAME", description = "The function's name (default: CloudFormation "
            + "names it); also the stack name.")
    String function;

    @Option(names = "--memory", paramLabel = "MB", description = "Memory size (default: function.json's; lambert tune "
            + "suggests one).")
    Integer memory;

    @Option(names = "--timeout", paramLabel = "S", description = "Timeout in seconds (default: function.json's).")
    Integer timeout;

    @Option(names = "--runtime", paramLabel = "RUNTIME", description = "The Lambda runtime (default: function.json's, "
            + "else java21): java21, java25 or java17.al2023; one the package's native libraries cannot load on (java17, "
            + "java11: Amazon Linux 2) is refused.")
    String runtime;

    @Option(names = "--ephemeral-storage", paramLabel = "MB", description = "/tmp size, 512 to 10240 MB (default: "
            + "function.json's ephemeral_storage_mb, else Lambda's 512 MB).")
    Integer ephemeralStorage;

    @Option(names = "--snapstart", description = "SnapStart on published versions (not with --provisioned).")
    boolean snapStart;

    @Option(names = "--provisioned", paramLabel = "N", defaultValue = "0",
            description = "Provisioned concurrency on the alias (not with --snapstart).")
    int provisioned;

    @Option(names = "--alias", paramLabel = "NAME", defaultValue = "live",
            description = "The alias each published version gets (default: ${DEFAULT-VALUE}).")
    String alias;

    @Option(names = "--url", description = "Add a function URL with AWS_IAM auth.")
    boolean url;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (!Files.isRegularFile(zip)) {
            throw new NoSuchFileException(zip.toString());
        }
        FunctionJson config = FunctionJson.next(zip);
        if (!config.exists()) {
            throw new UsageException("the template is made from " + config.file() + ", which is missing: package the "
                    + "model with lambert package, which writes it next to the zip");
        }
        Map<String, String> env = FunctionConfig.environmentFor(config.environment(), snapStart || provisioned > 0);
        Path template = out.toAbsolutePath().normalize();
        Path folder = template.getParent();
        String codeUri = folder.relativize(zip.toAbsolutePath().normalize()).toString();
        String model = config.string("model", zip.getFileName().toString());
        String handler = config.string("handler", FunctionConfig.HANDLER);
        String architecture = config.string("architecture", "x86_64");
        int memoryMb = memory != null ? memory : config.integer("memory_mb", 1769);
        int timeoutSeconds = timeout != null ? timeout : config.integer("timeout_s", FunctionConfig.TIMEOUT_SECONDS);
        int storageMb = ephemeralStorage != null ? ephemeralStorage : config.integer("ephemeral_storage_mb", 0);
        String checkedRuntime = config.runtime(runtime);
        SamTemplate sam = new SamTemplate(SamTemplate.logicalIdFor(function), function,
                "lambert: " + model + " (lambert " + config.string("lambert_version", "?") + ")", codeUri,
                checkedRuntime, handler, architecture, memoryMb, timeoutSeconds, env, storageMb, snapStart,
                provisioned, alias, url);
        Files.createDirectories(folder);
        Path temp = Files.createTempFile(folder, "." + template.getFileName(), ".tmp");
        try {
            Files.writeString(temp, sam.yaml(), StandardCharsets.UTF_8);
            PartialFiles.replace(temp, template);
        } finally {
            Files.deleteIfExists(temp);
        }
        Terminal t = Terminal.of(spec);
        t.line(t.bold(out.toString()) + "  AWS::Serverless::Function " + sam.logicalId() + ": " + sam.runtime() + ", "
                + sam.architecture() + ", " + sam.memoryMb() + " MB, " + sam.timeoutSeconds() + " s, alias "
                + sam.alias() + (sam.snapStart() ? ", SnapStart" : "")
                + (sam.provisioned() > 0 ? ", provisioned concurrency " + sam.provisioned() : "")
                + (sam.url() ? ", function URL (AWS_IAM)" : ""));
        String stack = function != null ? function : "lambert-" + model.toLowerCase(java.util.Locale.ROOT)
                .replaceAll("[^a-z0-9-]+", "-").replaceAll("^-+|-+$", "");
        t.line("deploy    " + SamTemplate.samDeploy(out.toString(), stack).stream().map(TemplateCommand::shellQuote)
                .collect(Collectors.joining(" ")));
        return ExitCodes.OK;
    }

    static String shellQuote(String arg) {
        return arg.matches("[A-Za-z0-9_./:=@+-]+") ? arg : "'" + arg.replace("'", "'\\''") + "'";
    }
}

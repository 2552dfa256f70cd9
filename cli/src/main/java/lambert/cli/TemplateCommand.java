package lambert.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import lambert.onnx.io.ModelFiles;
import lambert.toolkit.template.PackageTemplate;
import lambert.toolkit.template.SamTemplate;
import lambert.toolkit.template.TemplateOptions;
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
        SamTemplate sam = PackageTemplate.of(zip, out, new TemplateOptions(function, memory, timeout, runtime,
                ephemeralStorage, snapStart, provisioned, alias, url));
        PackageTemplate.write(sam, out);
        Terminal t = Terminal.of(spec);
        t.line(t.bold(out.toString()) + "  AWS::Serverless::Function " + sam.logicalId() + ": " + sam.runtime() + ", "
                + sam.architecture() + ", " + sam.memoryMb() + " MB, " + sam.timeoutSeconds() + " s, alias "
                + sam.alias() + (sam.snapStart() ? ", SnapStart" : "")
                + (sam.provisioned() > 0 ? ", provisioned concurrency " + sam.provisioned() : "")
                + (sam.url() ? ", function URL (AWS_IAM)" : ""));
        String stack = PackageTemplate.stackName(zip, function);
        t.line("deploy    " + SamTemplate.samDeploy(out.toString(), stack).stream().map(TemplateCommand::shellQuote)
                .collect(Collectors.joining(" ")));
        return ExitCodes.OK;
    }

    static String shellQuote(String arg) {
        return arg.matches("[A-Za-z0-9_./:=@+-]+") ? arg : "'" + arg.replace("'", "'\\''") + "'";
    }
}

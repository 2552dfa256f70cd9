package lambert.cli;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import lambert.onnx.checkpoint.CheckpointException;
import lambert.runtime.bundle.BundleException;
import lambert.runtime.bundle.Version;
import lambert.toolkit.BadInputException;
import lambert.toolkit.CheckFailedException;
import lambert.toolkit.Problems;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code lambert} command: a BERT-family model to a small, fast, cheap AWS Lambda function.
 *
 * <pre>{@code
 * ./lambert quickstart
 * ./lambert predict --model minilm-int8 "Hey, how are you?"
 * }</pre>
 */
@Command(name = "lambert",
        mixinStandardHelpOptions = true,
        versionProvider = Lambert.VersionProvider.class,
        description = "Turns a BERT-family model into a small, fast, cheap AWS Lambda function on ONNX Runtime.",
        subcommands = {QuickstartCommand.class, PredictCommand.class, PackageCommand.class, EmulateCommand.class,
            ServeCommand.class, VerifyCommand.class, ConvertCommand.class, OptimizeCommand.class, QuantizeCommand.class,
            TuneCommand.class, TemplateCommand.class, CostCommand.class, DeployCommand.class, InvokeCommand.class,
            BatchCommand.class, CommandLine.HelpCommand.class})
public final class Lambert {

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (for tests). */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** The configured picocli command line: errors become one line and a documented exit code. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Lambert());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("lambert: " + describe(e));
            return exitCode(e);
        });
        cli.setExitCodeExceptionMapper(Lambert::exitCode);
        documentExitCodes(cli);
        return cli;
    }

    private static void documentExitCodes(CommandLine cli) {
        cli.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(ExitCodes.HELP);
        cli.getSubcommands().values().forEach(Lambert::documentExitCodes);
    }

    static int exitCode(Throwable e) {
        if (e instanceof CheckpointException && e.getCause() instanceof NoSuchFileException) {
            return ExitCodes.ENVIRONMENT;
        }
        if (e instanceof UsageException || e instanceof BadInputException || e instanceof BundleException || e instanceof CommandLine.ParameterException
                || e instanceof FileAlreadyExistsException || e instanceof CheckpointException) {
            return ExitCodes.BAD_INPUT;
        }
        if (e instanceof CheckFailedException) {
            return ExitCodes.CHECK_FAILED;
        }
        return ExitCodes.ENVIRONMENT;
    }

    static String describe(Throwable e) {
        return Problems.oneLine(e, field -> "--" + field);
    }

    /** Prints the version from the runtime jar. */
    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"lambert " + Version.CURRENT};
        }
    }
}

package lambert.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import lambert.base.json.Json;
import lambert.toolkit.LambdaLimits;
import lambert.toolkit.aws.AwsClients;
import lambert.toolkit.aws.DeployResult;
import lambert.toolkit.aws.DeploySettings;
import lambert.toolkit.aws.DeploySpec;
import lambert.toolkit.aws.Deployer;
import lambert.toolkit.aws.Step;
import lambert.toolkit.packaging.FunctionConfig;
import lambert.toolkit.packaging.FunctionJson;
import lambert.runtime.bundle.Checksums;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lambert deploy}: a function package to a Lambda function in your account, created or brought
 * up to date, with a published version behind an alias.
 *
 * <pre>{@code
 * lambert deploy --package function.zip --function my-embedder --dry-run
 * lambert deploy --package function.zip --function my-embedder --memory 1024 --snapstart --url
 * }</pre>
 */
@Command(name = "deploy", mixinStandardHelpOptions = true,
        description = {"Creates or updates a Lambda function from a package and its function.json: code, then "
                + "configuration, then a published version behind an alias; optionally SnapStart, provisioned "
                + "concurrency and a function URL.",
            "Without --role it creates (once) an execution role that may only write the function's own CloudWatch "
                + "logs. Re-running with the same inputs changes nothing. --dry-run prints every call it would make."})
final class DeployCommand implements Callable<Integer> {
    /** AWS's limits and pacing; tests put smaller ones here. */
    static DeploySettings settings = DeploySettings.AWS;

    @Option(names = {"-p", "--package"}, required = true, paramLabel = "ZIP",
            description = "The function zip; its function.json is read from next to it.")
    Path zip;

    @Option(names = {"-f", "--function"}, required = true, paramLabel = "NAME", description = "The function's name.")
    String function;

    @Option(names = "--runtime", paramLabel = "RUNTIME",
            description = "The Lambda runtime (default: function.json's, java21): java21, java25 or java17.al2023; one "
                    + "the package's native libraries cannot load on (java17, java11: Amazon Linux 2) is refused.")
    String runtime;

    @Option(names = "--memory", paramLabel = "MB", description = "Memory, 128 to 10240 (default: function.json's).")
    Integer memory;

    @Option(names = "--timeout", paramLabel = "S", description = "Timeout in seconds, 1 to 900 (default: "
            + "function.json's).")
    Integer timeout;

    @Option(names = "--ephemeral-storage", paramLabel = "MB",
            description = "/tmp size, 512 to 10240 (default: function.json's ephemeral_storage_mb, else 512).")
    Integer ephemeralStorage;

    @Option(names = "--env", paramLabel = "KEY=VALUE", description = "An environment variable, added to "
            + "function.json's (repeatable).")
    Map<String, String> env = new LinkedHashMap<>();

    @Option(names = "--role", paramLabel = "ARN", description = "The execution role (default: the function's; for a "
            + "new function lambert-NAME, created if need be with CloudWatch Logs access to its own log group only).")
    String role;

    @Option(names = "--alias", paramLabel = "NAME", defaultValue = "live",
            description = "The alias pointed at the published version (default: ${DEFAULT-VALUE}).")
    String alias;

    @Option(names = "--snapstart", negatable = true, description = "SnapStart on published versions (restores a "
            + "snapshot of the initialised function instead of initialising it; JAVA_TOOL_OPTIONS then leaves out "
            + "-XX:TieredStopAtLevel=1 so priming reaches C2); refused while the alias has provisioned concurrency, "
            + "unless --provisioned 0 removes it; --no-snapstart turns it off "
            + "(default: as the function has it, off for a new one).")
    Boolean snapStart;

    @Option(names = "--provisioned", paramLabel = "N", description = "Provisioned concurrency on the alias: N "
            + "environments kept initialised (billed per hour; JAVA_TOOL_OPTIONS then leaves out "
            + "-XX:TieredStopAtLevel=1); 0 removes it. Not with --snapstart.")
    Integer provisioned;

    @Option(names = "--url", description = "A function URL on the alias that only IAM-signed callers may use "
            + "(AuthType AWS_IAM); prints the identity-based policy callers need (lambda:InvokeFunctionUrl and "
            + "lambda:InvokeFunction).")
    boolean url;

    @Option(names = "--public-url", description = "A function URL anyone on the internet may call (AuthType NONE, "
            + "plus the resource-based permissions that allow it).")
    boolean publicUrl;

    @Option(names = "--s3-bucket", paramLabel = "BUCKET", description = "Where zips over 50 MB are uploaded first "
            + "(same region as the function).")
    String s3Bucket;

    @Option(names = "--dry-run", description = "Print the plan (every call a real run would make, in order) and "
            + "change nothing; only reads the current state.")
    boolean dryRun;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Mixin
    AwsMixin aws;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        DeploySpec wanted = deploySpec();
        Terminal t = Terminal.of(spec);
        List<String> warnings = new ArrayList<>();
        if (publicUrl) {
            warnings.add("--public-url: anyone on the internet can call " + function + ":" + alias + " and you pay for "
                    + "every call; use --url (IAM auth) unless the function is meant to be public, and consider "
                    + "reserved concurrency to cap the bill");
        }
        for (String w : warnings) {
            spec.commandLine().getErr().println("lambert: warning: " + w);
        }
        DeployResult r;
        try (AwsClients clients = AwsClients.create(aws.options())) {
            r = new Deployer(clients, wanted, settings, dryRun, line -> t.progress(line)).run();
        } finally {
            t.clearProgress();
        }
        if (json) {
            printJson(t, r, warnings);
        } else {
            print(t, r);
        }
        return ExitCodes.OK;
    }

    private DeploySpec deploySpec() throws IOException {
        if (!Files.isRegularFile(zip)) {
            throw new NoSuchFileException(zip.toString());
        }
        if (!function.matches("[A-Za-z0-9_-]{1,64}")) {
            throw new UsageException("--function must be 1 to 64 letters, digits, hyphens or underscores, found \""
                    + function + "\"");
        }
        if (!alias.matches("[A-Za-z0-9_-]{1,128}") || alias.matches("[0-9]+")) {
            throw new UsageException("--alias must be letters, digits, hyphens or underscores and not only digits, "
                    + "found \"" + alias + "\"");
        }
        if (url && publicUrl) {
            throw new UsageException("--url and --public-url exclude each other: --url is IAM-only, --public-url is "
                    + "open to anyone");
        }
        if (Boolean.TRUE.equals(snapStart) && provisioned != null && provisioned > 0) {
            throw new UsageException("--snapstart and --provisioned cannot be combined: AWS Lambda does not support "
                    + "provisioned concurrency on SnapStart versions. Choose SnapStart (cheaper, restores a snapshot "
                    + "on a cold start) or provisioned concurrency (environments kept initialised, billed per hour)");
        }
        if (provisioned != null && provisioned < 0) {
            throw new UsageException("--provisioned must be 0 or more, found " + provisioned);
        }
        FunctionJson config = FunctionJson.next(zip);
        if (!config.exists()) {
            throw new UsageException("no " + config.file().getFileName() + " next to " + zip + ": deploy reads the "
                    + "handler, runtime, architecture and settings from the file lambert package writes there");
        }
        String[] sha = sha256(zip);
        String recorded = config.string("code_sha256", null);
        if (recorded != null && !recorded.equals(sha[0])) {
            throw new UsageException(config.file() + " belongs to another zip (its code_sha256 " + recorded
                    + " is not " + zip + "'s " + sha[0] + "); run lambert package again");
        }
        String rt = config.runtime(runtime);
        int mem = LambdaLimits.MEMORY_MB.check(memory != null ? memory : config.integer("memory_mb", 1769));
        int to = LambdaLimits.TIMEOUT_SECONDS.check(timeout != null ? timeout
                : config.integer("timeout_s", FunctionConfig.TIMEOUT_SECONDS));
        int storage = LambdaLimits.EPHEMERAL_STORAGE_MB.check(ephemeralStorage != null ? ephemeralStorage
                : config.integer("ephemeral_storage_mb", LambdaLimits.DEFAULT_EPHEMERAL_STORAGE_MB));
        if (Boolean.TRUE.equals(snapStart) && storage > LambdaLimits.DEFAULT_EPHEMERAL_STORAGE_MB) {
            throw new UsageException("--snapstart needs --ephemeral-storage 512: AWS Lambda does not support SnapStart "
                    + "with more than 512 MB of ephemeral storage");
        }
        Map<String, String> environment = config.environment();
        environment.putAll(env);
        DeploySpec.UrlAuth urlAuth = publicUrl ? DeploySpec.UrlAuth.NONE : url ? DeploySpec.UrlAuth.AWS_IAM
                : DeploySpec.UrlAuth.UNCHANGED;
        return new DeploySpec(zip, function, rt, config.string("handler", FunctionConfig.HANDLER),
                config.string("architecture", "x86_64"), mem, to, environment, storage, role,
                alias, snapStart, provisioned, urlAuth, s3Bucket, sha[0], sha[1], Files.size(zip));
    }

    /** Hex and base64 SHA-256 of a file. */
    static String[] sha256(Path file) throws IOException {
        byte[] d = Checksums.sha256Digest(file);
        return new String[] {HexFormat.of().formatHex(d), Base64.getEncoder().encodeToString(d)};
    }

    private void print(Terminal t, DeployResult r) {
        String where = "function " + r.function() + " in " + r.region() + (r.account() == null ? ""
                : ", account " + r.account());
        List<Step> reads = r.reads();
        List<Step> changes = r.steps().stream().filter(s -> s.kind() != Step.Kind.READ).toList();
        if (r.dryRun()) {
            t.line(t.bold("deploy --dry-run") + "  " + where + ": nothing was changed");
            t.line("  read the current state with " + reads.size() + " read-only calls:");
            reads.forEach(s -> t.line("    " + t.dim(s.line())));
            if (r.upToDate()) {
                t.line(t.good("up to date") + ": a real run would change nothing");
                return;
            }
            t.line("  plan: a real run would make these calls, in this order:");
            int n = 0;
            for (Step s : changes) {
                t.line(String.format(java.util.Locale.ROOT, "    %2d. %s%s", ++n, s.line(),
                        s.kind() == Step.Kind.WAIT ? "  (read, repeated with backoff)" : ""));
            }
            return;
        }
        if (r.upToDate()) {
            t.line(t.bold("deploy") + "  " + where + ": " + t.good("up to date") + ", nothing changed");
            t.line("  code      CodeSha256 matches; configuration, version and alias as wanted");
            t.line("  alias     " + r.alias() + " -> version " + r.version());
            if (r.url() != null) {
                t.line("  url       " + r.url());
            }
            printCallerPolicy(t, r);
            return;
        }
        t.line(t.bold("deploy") + "  " + where + ": " + (r.created() ? "created" : "updated"));
        r.notes().forEach(n -> t.line("  role      " + n));
        if (!r.roleCreated()) {
            t.line("  role      " + r.role());
        }
        t.line("  code      " + r.code());
        t.line("  alias     " + r.alias() + " -> version " + r.version());
        if (r.url() != null) {
            t.line("  url       " + r.url() + (publicUrl ? "  (public: AuthType NONE)" : "  (AuthType AWS_IAM)"));
        }
        printCallerPolicy(t, r);
        t.line("  calls     " + reads.size() + " reads, " + r.writes().size() + " changes, "
                + (changes.size() - r.writes().size()) + " waits:");
        changes.stream().filter(s -> s.kind() == Step.Kind.WRITE).forEach(s -> t.line("    " + s.line()));
        t.line(t.dim("next: lambert invoke --function " + r.function() + ":" + r.alias()
                + " --text \"Hey, how are you?\""));
    }

    /** For an AWS_IAM URL: who may call it, and the identity-based policy that lets them. */
    private static void printCallerPolicy(Terminal t, DeployResult r) {
        if (r.callerPolicy() == null) {
            return;
        }
        t.line("  callers   sign requests with SigV4 and need both lambda:InvokeFunctionUrl and lambda:InvokeFunction "
                + "(since October 2025); an identity-based policy for them:");
        r.callerPolicy().lines().forEach(l -> t.line("            " + l));
    }

    private static void printJson(Terminal t, DeployResult r, List<String> warnings) throws IOException {
        try (JsonGenerator g = Json.generator(t.stream())) {
            g.writeStartObject();
            g.writeStringField("function", r.function());
            g.writeStringField("region", r.region());
            g.writeStringField("account", r.account());
            g.writeBooleanField("dry_run", r.dryRun());
            g.writeBooleanField("up_to_date", r.upToDate());
            g.writeBooleanField("created", r.created());
            g.writeStringField("role", r.role());
            g.writeBooleanField("role_created", r.roleCreated());
            g.writeStringField("code", r.code());
            g.writeStringField("alias", r.alias());
            g.writeStringField("version", r.version());
            g.writeStringField("url", r.url());
            g.writeFieldName("caller_policy");
            if (r.callerPolicy() == null) {
                g.writeNull();
            } else {
                g.writeRawValue(r.callerPolicy());
            }
            g.writeArrayFieldStart("steps");
            for (Step s : r.steps()) {
                g.writeStartObject();
                g.writeStringField("call", s.call());
                g.writeStringField("kind", s.kind().name().toLowerCase(java.util.Locale.ROOT));
                g.writeStringField("detail", s.detail());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("notes");
            for (String n : r.notes()) {
                g.writeString(n);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("warnings");
            for (String w : warnings) {
                g.writeString(w);
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        t.stream().println();
    }
}

package lambert.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import lambert.base.json.Json;
import lambert.runtime.tokenize.TextTokenizer;
import lambert.toolkit.aws.AwsClients;
import lambert.toolkit.batch.Answer;
import lambert.toolkit.batch.Backoff;
import lambert.toolkit.batch.BatchCost;
import lambert.toolkit.batch.BatchRun;
import lambert.toolkit.batch.BatchStoppedException;
import lambert.toolkit.batch.BatchTarget;
import lambert.toolkit.batch.EmulatorTarget;
import lambert.toolkit.batch.FunctionInfo;
import lambert.toolkit.batch.HttpTarget;
import lambert.toolkit.batch.InputFormat;
import lambert.toolkit.batch.InputSpec;
import lambert.toolkit.batch.LambdaTarget;
import lambert.toolkit.batch.TokenCounter;
import lambert.toolkit.cost.Prices;
import lambert.toolkit.models.ModelResolver;
import lambert.toolkit.packaging.CpuArch;
import lambert.toolkit.packaging.FunctionJson;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lambert batch}: embeds or classifies a corpus over many invocations of the function, in input order, with
 * retries, a rejects file and resume.
 *
 * <pre>{@code
 * lambert batch --function my-embedder:live --in docs.jsonl --field body --out vectors.jsonl --npy vectors.npy
 * lambert batch --package function.zip --in texts.txt --out out.jsonl --environments 2
 * lambert batch --url http://127.0.0.1:8080/ --in texts.txt --out out.jsonl --resume
 * }</pre>
 */
@Command(name = "batch", mixinStandardHelpOptions = true,
        description = {"Sends every text of a file to the function, packed into requests under its limits, many at "
                + "once, and writes the answers in input order (JSONL, and a float32 .npy matrix with --npy).",
            "Throttling and 5xx are retried with backoff; a request the function fails on is retried, then split, and "
                    + "the texts it still fails on go to the rejects file with the reason. Every input line ends done "
                    + "or rejected; a run stopped by a crash or Ctrl-C continues with --resume.",
            "Exit 1 when a line was rejected or --max-cost stopped the run; 3 when the target kept failing (resumable)."})
final class BatchCommand implements Callable<Integer> {
    static final class Target {
        @Option(names = {"-f", "--function"}, paramLabel = "NAME[:ALIAS]",
                description = "A deployed function, invoked through the AWS SDK.")
        String function;

        @Option(names = "--package", paramLabel = "ZIP",
                description = "A function package, run here in --environments emulated Lambda environments.")
        Path zip;

        @Option(names = "--url", paramLabel = "URL", description = "A function URL, API Gateway, or lambert serve.")
        URI url;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    @Option(names = "--in", required = true, paramLabel = "FILE",
            description = "The texts: one per line, JSONL (.jsonl, .ndjson) or CSV with a header row (.csv).")
    Path in;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "lines, jsonl or csv (default: from --in's extension).")
    InputFormat format;

    @Option(names = "--field", paramLabel = "NAME",
            description = "The JSONL field or CSV column with the text (default: text).")
    String field;

    @Option(names = "--id-field", paramLabel = "NAME",
            description = "The JSONL field or CSV column with each line's id (default: the line number).")
    String idField;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The answers, one JSON line each.")
    Path out;

    @Option(names = "--npy", paramLabel = "FILE", description = "Also the embeddings as a float32 .npy matrix, one "
            + "row per line of --out.")
    Path npy;

    @Option(names = "--rejects", paramLabel = "FILE",
            description = "The rejected lines with the reason (default: --out's name with .rejects.jsonl).")
    Path rejects;

    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "0", description = "Requests at once (default: "
            + "the account's unreserved concurrency for --function, else 100; --environments for --package; 8 for "
            + "--url).")
    int concurrency;

    @Option(names = "--environments", paramLabel = "N", defaultValue = "2",
            description = "Emulated environments for --package (default: ${DEFAULT-VALUE}).")
    int environments;

    @Option(names = "--texts-per-request", paramLabel = "K", defaultValue = "0",
            description = "At most K texts per request (default: the function's max_texts).")
    int textsPerRequest;

    @Option(names = "--tokens-per-request", paramLabel = "T", defaultValue = "0",
            description = "At most T tokens per request (default: the function's max_tokens).")
    long tokensPerRequest;

    @Option(names = "--model", paramLabel = "M", description = "Count tokens with this bundle's tokenizer (default: "
            + "the package's for --package, else an upper bound: UTF-8 bytes + 2).")
    String model;

    @Option(names = "--retries", paramLabel = "N", defaultValue = "2",
            description = "Retries of a request the function failed on, before it is split (default: ${DEFAULT-VALUE}).")
    int retries;

    @Option(names = "--attempts", paramLabel = "N", defaultValue = "10", description = "Attempts of a throttled or "
            + "unanswered request before the run stops (default: ${DEFAULT-VALUE}).")
    int attempts;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "Seconds to wait for each answer over HTTP (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--resume", description = "Continue an interrupted run from --out's progress file.")
    boolean resume;

    @Option(names = "--force", description = "Replace --out if it exists.")
    boolean force;

    @Option(names = "--max-cost", paramLabel = "USD", description = "Stop before the run's cost passes USD.")
    Double maxCost;

    @Option(names = "--memory", paramLabel = "MB", description = "The function's memory for the cost (default: "
            + "function.json's for --package, else 1769).")
    Integer memoryMb;

    @Option(names = "--arch", paramLabel = "ARCH", defaultValue = "x86_64",
            description = "The function's architecture for the cost: x86_64 or arm64 (default: ${DEFAULT-VALUE}).")
    String arch;

    @Option(names = "--dry-run", description = "Print the plan (requests, tokens, expected duration and cost from one "
            + "probe request) and send nothing else.")
    boolean dryRun;

    @Option(names = "--json", description = "Print the final counts as JSON.")
    boolean json;

    @Mixin
    AwsMixin aws;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        InputFormat f = format != null ? format : InputFormat.of(in);
        InputSpec input = new InputSpec(in, f, field, idField);
        if (timeoutSeconds < 1) {
            throw new UsageException("--timeout must be at least 1 second, found " + timeoutSeconds);
        }
        if (attempts < 1 || retries < 0) {
            throw new UsageException("--attempts must be at least 1 and --retries at least 0, found " + attempts
                    + " and " + retries);
        }
        if (maxCost != null && !(maxCost > 0)) {
            throw new UsageException("--max-cost must be a positive amount of US dollars, found " + maxCost);
        }
        Terminal t = Terminal.of(spec);
        try (AwsClients clients = target.function != null ? AwsClients.create(aws.options()) : null;
                BatchTarget to = open(clients)) {
            t.progress("asking " + to.describe() + " for its limits");
            FunctionInfo info = to.info();
            int n = concurrency > 0 ? concurrency : to.defaultConcurrency();
            BatchRun.Options options = new BatchRun.Options(n, textsPerRequest, tokensPerRequest, retries,
                    new Backoff(Duration.ofMillis(100), Duration.ofSeconds(20), attempts), resume, force);
            BatchCost cost = new BatchCost(Prices.DEFAULT, memory(), CpuArch.parse(arch));
            try (TextTokenizer tokenizer = tokenizer(info)) {
                TokenCounter counter = tokenizer == null ? TokenCounter.estimate() : TokenCounter.of(tokenizer);
                t.clearProgress();
                t.line(t.bold("batch") + "     " + in + " -> " + out + "  via " + to.describe());
                t.line(t.bold("function") + "  " + info.model() + " (" + info.task() + "): at most " + info.maxTexts()
                        + " texts, " + String.format(Locale.ROOT, "%,d", info.maxInputBytes()) + " bytes"
                        + (info.maxTokens() == Integer.MAX_VALUE ? "" : String.format(Locale.ROOT, ", %,d tokens",
                                info.maxTokens())) + " per request; concurrency " + n + "; tokens "
                        + (tokenizer == null ? "estimated (UTF-8 bytes + 2, an upper bound)" : "counted exactly"));
                if (dryRun) {
                    return dryRun(t, to, input, info, options, counter, cost, n);
                }
                return run(t, to, input, info, options, counter, cost);
            }
        }
    }

    private BatchTarget open(AwsClients clients) throws IOException {
        if (target.url != null) {
            return HttpTarget.of(target.url, Duration.ofSeconds(timeoutSeconds));
        }
        if (target.zip != null) {
            return EmulatorTarget.start(target.zip, environments);
        }
        FunctionRef ref = FunctionRef.parse(target.function);
        return new LambdaTarget(clients.lambda(), ref.name(), ref.qualifier());
    }

    private int memory() throws IOException {
        if (memoryMb != null) {
            return lambert.toolkit.LambdaLimits.MEMORY_MB.check(memoryMb);
        }
        return target.zip != null ? FunctionJson.next(target.zip).integer("memory_mb", 1769) : 1769;
    }

    private TextTokenizer tokenizer(FunctionInfo info) throws IOException {
        if (model != null) {
            Path bundle = new ModelResolver(ModelResolver.defaultHome()).resolve(model);
            return TextTokenizer.load(bundle.resolve("tokenizer.json"), info.maxLength());
        }
        return target.zip != null ? TokenCounter.packageTokenizer(target.zip, info.maxLength()) : null;
    }

    private int run(Terminal t, BatchTarget to, InputSpec input, FunctionInfo info, BatchRun.Options options,
            TokenCounter counter, BatchCost cost) throws IOException {
        BatchProgress progress = new BatchProgress(t, input.file(), cost);
        BatchRun.Counts c;
        try {
            c = BatchRun.run(to, info, input, new BatchRun.Files(out, rejects, npy), options, counter, progress,
                    maxCost == null ? null : cost.limit(maxCost));
        } catch (BatchStoppedException e) {
            progress.end();
            if (!e.limit()) {
                throw e;
            }
            report(t, e.counts(), cost, progress, e.getMessage());
            return ExitCodes.CHECK_FAILED;
        }
        progress.end();
        report(t, c, cost, progress, null);
        return c.rejected() > 0 ? ExitCodes.CHECK_FAILED : ExitCodes.OK;
    }

    private void report(Terminal t, BatchRun.Counts c, BatchCost cost, BatchProgress progress, String stopped)
            throws IOException {
        double seconds = progress.seconds();
        if (json) {
            try (JsonGenerator g = Json.generator(t.stream())) {
                g.writeStartObject();
                g.writeNumberField("done", c.done());
                g.writeNumberField("rejected", c.rejected());
                g.writeNumberField("last_line", c.lastLine());
                g.writeNumberField("requests", c.requests());
                g.writeNumberField("throttled", c.throttled());
                g.writeNumberField("function_errors", c.functionErrors());
                g.writeNumberField("billed_ms", c.billedMs());
                g.writeNumberField("seconds", Math.round(seconds * 100) / 100.0);
                g.writeNumberField("cost_usd", cost.spent(c));
                g.writeStringField("stopped", stopped);
                g.writeStringField("out", out.toString());
                g.writeEndObject();
            }
            t.stream().println();
            return;
        }
        if (stopped != null) {
            t.line(t.bold("stopped") + "   " + stopped);
        }
        t.line(t.bold("lines") + "     " + c.finished() + " accounted for: " + c.done() + " done, " + c.rejected()
                + " rejected" + (c.rejected() > 0 ? " (reasons in " + new BatchRun.Files(out, rejects, npy).rejectsFile() + ")" : "")
                + (stopped != null ? "; --resume continues after line " + c.lastLine() : ""));
        t.line(t.bold("requests") + "  " + c.requests() + " sent, " + c.throttled() + " throttled and retried, "
                + c.functionErrors() + " failed or refused; " + String.format(Locale.ROOT, "%.1f s, %.0f lines/s",
                        seconds, progress.rate()));
        t.line(t.bold("cost") + "      " + String.format(Locale.ROOT, "$%.4f", cost.spent(c)) + " ("
                + (c.billedMs() > 0 ? "billed durations" : "request times seen here, an overestimate") + ", "
                + cost.memoryMb() + " MB " + cost.architecture().lambdaName() + ", prices of " + Prices.DEFAULT.date()
                + ")");
    }

    private int dryRun(Terminal t, BatchTarget to, InputSpec input, FunctionInfo info, BatchRun.Options options,
            TokenCounter counter, BatchCost cost, int n) throws IOException {
        BatchRun.Plan plan = BatchRun.plan(input, info, options, counter);
        t.line(t.bold("plan") + "      " + plan.lines() + " lines: " + plan.texts() + " texts in " + plan.requests()
                + " requests (" + String.format(Locale.ROOT, "%,d", plan.tokens()) + " tokens, "
                + Format.mb(plan.bytes()) + " of requests), " + plan.refused() + " lines refused before sending");
        if (plan.first() == null) {
            return ExitCodes.OK;
        }
        long start = System.nanoTime();
        Answer a = to.send(plan.first().body(info.embeds()));
        double wallMs = (System.nanoTime() - start) / 1e6;
        if (a.kind() != Answer.Kind.OK) {
            t.line(t.bold("probe") + "     the first request was not answered (" + a.reason() + "); no estimate");
            return ExitCodes.CHECK_FAILED;
        }
        double ms = a.billedMs() > 0 ? a.billedMs() : wallMs;
        double perToken = ms / Math.max(1, plan.first().tokens());
        double totalMs = perToken * plan.tokens();
        t.line(t.bold("probe") + "     the first request (" + plan.first().texts().size() + " texts, "
                + plan.first().tokens() + " tokens): " + String.format(Locale.ROOT, "%.0f ms", ms)
                + (a.billedMs() > 0 ? " billed" : " seen here"));
        t.line(t.bold("expect") + "    " + String.format(Locale.ROOT, "about %.0f s at concurrency %d, $%.4f", totalMs
                / 1000 / n, n, cost.of(plan.requests(), totalMs / plan.requests())) + " (" + cost.memoryMb() + " MB "
                + cost.architecture().lambdaName() + ", by tokens from the probe; retries come on top)");
        return ExitCodes.OK;
    }
}

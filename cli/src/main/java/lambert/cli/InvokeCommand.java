package lambert.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import lambert.base.json.Json;
import lambert.toolkit.aws.AwsClients;
import lambert.toolkit.aws.Invocation;
import lambert.toolkit.emulator.Report;
import lambert.toolkit.emulator.RunSummary;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lambert invoke}: calls a deployed function synchronously and prints its log tail, its answer
 * and the {@code REPORT} figures in the same shape as {@code lambert emulate}, so a local and a remote
 * run compare line by line.
 *
 * <pre>{@code
 * lambert invoke --function my-embedder:live --text "Hey, how are you?"
 * lambert invoke --function my-embedder:live --event apigw.json --times 50
 * }</pre>
 */
@Command(name = "invoke", mixinStandardHelpOptions = true,
        description = {"Invokes a deployed function (synchronously, with the log tail) and prints START/END/REPORT, "
                + "the answer, and with --times N a p50/p90/p99 summary and the cost per million, as emulate does.",
            "A function error (X-Amz-Function-Error) exits with 1."})
final class InvokeCommand implements Callable<Integer> {
    @Option(names = {"-f", "--function"}, required = true, paramLabel = "NAME[:ALIAS]",
            description = "The function, with an alias or version after a colon (or a function ARN).")
    String function;

    @ArgGroup(exclusive = true, multiplicity = "1")
    EventInput input;

    @Option(names = {"-n", "--times"}, paramLabel = "N", defaultValue = "1",
            description = "Invoke N times, one after the other, and summarise (default: ${DEFAULT-VALUE}).")
    int times;

    @Option(names = "--json", description = "Print a JSON summary instead of Lambda's lines.")
    boolean json;

    @Mixin
    AwsMixin aws;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (times < 1) {
            throw new UsageException("--times must be at least 1, found " + times);
        }
        FunctionRef ref = FunctionRef.parse(function);
        String name = ref.name();
        String qualifier = ref.qualifier();
        byte[] event = input.bytes();
        Terminal t = Terminal.of(spec);
        List<Invocation> done = new ArrayList<>();
        boolean elided = false;
        try (AwsClients clients = AwsClients.create(aws.options())) {
            for (int i = 0; i < times; i++) {
                Invocation inv = Invocation.invoke(clients.lambda(), name, qualifier, event);
                done.add(inv);
                if (!json) {
                    if (i < 3 || i == times - 1) {
                        inv.log().forEach(t::line);
                    } else if (!elided) {
                        elided = true;
                        t.line(t.dim("... (lines of the middle invocations left out)"));
                    }
                }
                if (inv.functionError() != null) {
                    break;
                }
            }
        }
        List<Report> reports = done.stream().map(Invocation::report).toList();
        Invocation first = done.get(0);
        Invocation last = done.get(done.size() - 1);
        int memoryMb = first.report().memorySizeMb();
        RunSummary summary = RunSummary.of(reports, memoryMb);
        if (json) {
            printJson(t, function, done, summary);
        } else {
            t.blank();
            t.line(t.bold("response") + "  " + Format.abbreviate(new String(last.report().response(),
                    StandardCharsets.UTF_8)));
            t.line(t.bold("function") + "  " + name + (qualifier == null ? "" : ":" + qualifier) + ", version "
                    + first.executedVersion() + ", " + memoryMb + " MB");
            if (last.functionError() != null) {
                t.line(t.bold("error") + "     X-Amz-Function-Error: " + last.functionError() + " (invocation "
                        + done.size() + " of " + times + "; the answer above is the error)");
            }
            Format.summary(t, summary, reports.size(), memoryMb);
        }
        if (last.functionError() != null) {
            spec.commandLine().getErr().println("lambert: the function failed (X-Amz-Function-Error: "
                    + last.functionError() + "): " + Format.abbreviate(new String(last.report().response(),
                            StandardCharsets.UTF_8)));
            return ExitCodes.CHECK_FAILED;
        }
        return summary.failed() == 0 ? ExitCodes.OK : ExitCodes.CHECK_FAILED;
    }

    private static void printJson(Terminal t, String function, List<Invocation> done, RunSummary s)
            throws IOException {
        Report first = done.get(0).report();
        Invocation last = done.get(done.size() - 1);
        try (JsonGenerator g = Json.generator(t.stream())) {
            g.writeStartObject();
            g.writeStringField("function", function);
            g.writeStringField("version", done.get(0).executedVersion());
            g.writeNumberField("invocations", done.size());
            g.writeNumberField("failed", s.failed());
            g.writeStringField("function_error", last.functionError());
            g.writeNumberField("memory_size_mb", first.memorySizeMb());
            g.writeNumberField("init_duration_ms", first.initDurationMs());
            g.writeNumberField("first_duration_ms", first.durationMs());
            Format.summaryFields(g, s);
            g.writeStringField("first_response", new String(first.response(), StandardCharsets.UTF_8));
            g.writeArrayFieldStart("reports");
            for (Invocation i : done) {
                g.writeString(i.report().line());
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        t.stream().println();
    }
}

package lambert.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import lambert.onnx.checkpoint.CheckpointException;
import lambert.onnx.family.Head;
import lambert.onnx.family.ModelFamilies;
import lambert.runtime.bundle.Manifest;
import lambert.runtime.bundle.Pooling;
import lambert.runtime.bundle.Task;
import lambert.base.json.Json;
import lambert.toolkit.bundling.ConvertOptions;
import lambert.toolkit.bundling.ConvertReport;
import lambert.toolkit.bundling.Converter;
import lambert.toolkit.bundling.EqualityCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lambert convert}: a Hugging Face checkpoint (config.json, tokenizer, safetensors or
 * pytorch_model.bin weights) to a lambert bundle, checked against a plain-Java forward pass.
 *
 * <pre>{@code
 * lambert convert --from my-checkpoint --out build/my-model
 * }</pre>
 */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = {"Converts a Hugging Face checkpoint folder (config.json, tokenizer.json or vocab.txt, "
                + "model.safetensors or pytorch_model.bin) into a lambert bundle, in Java.",
            "Before writing, runs the ONNX model and a plain-Java reference forward pass over the checkpoint on a few "
                + "texts and refuses (exit 1) if any output differs by more than 1e-4."})
final class ConvertCommand implements Callable<Integer> {
    /** What the bundle answers, and so which head is converted. */
    enum TaskOption {
        EMBED(Head.ENCODER), CLASSIFY(Head.SEQUENCE_CLASSIFICATION), TAG(Head.TOKEN_CLASSIFICATION);

        final Head head;

        TaskOption(Head head) {
            this.head = head;
        }
    }

    @Option(names = "--from", required = true, paramLabel = "DIR", description = "The checkpoint folder.")
    Path from;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "B", description = "The bundle folder to write.")
    Path out;

    @Option(names = "--task", paramLabel = "T", description = "embed (the bare encoder), classify or tag; default: "
            + "from config.json's architectures (…ForSequenceClassification, …ForTokenClassification, …Model), "
            + "else from the classifier weights present.")
    TaskOption task;

    @Option(names = "--head", paramLabel = "H", description = "The head by its name: ENCODER, "
            + "SEQUENCE_CLASSIFICATION or TOKEN_CLASSIFICATION (the same choice as --task).")
    Head head;

    @Option(names = "--pooling", paramLabel = "P", description = "mean or cls for an embedding bundle; default: "
            + "sentence-transformers' pooling config, else mean.")
    String pooling;

    @Option(names = "--opset", paramLabel = "N", defaultValue = "" + ConvertOptions.DEFAULT_OPSET,
            description = "The ONNX opset of the graph, " + ModelFamilies.MIN_OPSET + " to " + ModelFamilies.MAX_OPSET
                    + " (default: ${DEFAULT-VALUE}).")
    int opset;

    @Option(names = "--texts", paramLabel = "FILE", description = "Texts for the equality check, one per line "
            + "(default: 8 varied built-in texts).")
    Path texts;

    @Option(names = "--skip-check", description = "Write the bundle without comparing it with the reference forward "
            + "pass (recorded in the bundle's convert.json).")
    boolean skipCheck;

    @Mixin
    ForceMixin force;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException, CheckpointException {
        Head chosen = chooseHead();
        Pooling poolingChoice = null;
        if (pooling != null) {
            poolingChoice = Pooling.fromId(pooling.toLowerCase(Locale.ROOT));
            if (poolingChoice == null) {
                throw new UsageException("--pooling must be mean or cls, found \"" + pooling + "\"");
            }
        }
        List<String> checkTexts = ConvertOptions.DEFAULT_TEXTS;
        if (texts != null) {
            checkTexts = TextFiles.read(texts);
            if (checkTexts.isEmpty()) {
                throw new UsageException(texts + " has no texts (one per line)");
            }
        }
        Terminal t = Terminal.of(spec);
        if (skipCheck) {
            spec.commandLine().getErr().println("lambert: WARNING: --skip-check: the converted model will NOT be "
                    + "compared with the reference forward pass; the bundle's convert.json records this");
        }
        ConvertOptions options = new ConvertOptions(from, out, chosen, poolingChoice, opset, checkTexts, skipCheck,
                force.force());
        ConvertReport report;
        try {
            report = Converter.convert(options, step -> {
                if (!json) {
                    t.progress(step);
                }
            });
        } finally {
            t.clearProgress();
        }
        if (json) {
            printJson(t, report);
        } else {
            print(t, report);
        }
        return ExitCodes.OK;
    }

    private Head chooseHead() {
        if (task != null && head != null && task.head != head) {
            throw new UsageException("--task " + task.name().toLowerCase(Locale.ROOT) + " and --head " + head
                    + " disagree; give one of them");
        }
        return task != null ? task.head : head;
    }

    private static void print(Terminal t, ConvertReport r) {
        Manifest m = r.manifest();
        String what = m.task() == Task.EMBED
                ? "embed (" + m.pooling().id() + " pooling" + (m.normalize() ? ", normalised" : "") + ")"
                : m.task().id() + " (" + m.labels().size() + " labels" + (m.multiLabel() ? ", multi-label" : "") + ")";
        t.line(t.bold(r.bundle().toString()) + "  " + r.modelType() + " " + r.head().name().toLowerCase(Locale.ROOT)
                + " -> " + what);
        Map<String, Double> ms = r.timingsMs();
        t.line(String.format(Locale.ROOT, "  read      %.1f M parameters (%s)", r.parameters() / 1e6,
                seconds(ms.get("read"))));
        t.line("  tokenizer " + r.tokenizer() + ", " + m.vocabSize() + " ids, max length " + m.maxLength());
        t.line(String.format(Locale.ROOT, "  graph     opset %d, %d nodes, inputs %s, output %s [%d], %s (%s)",
                r.opset(), r.nodes(), m.inputs(), m.output(), m.outputSize(), Format.mb(r.modelBytes()),
                seconds(ms.get("graph"))));
        EqualityCheck.Result c = r.check();
        if (c == null) {
            t.line("  check     SKIPPED (--skip-check): never compared with the reference forward pass");
        } else {
            t.line(t.good(String.format(Locale.ROOT, "  check     %d texts, %d values against the reference forward "
                    + "pass: max abs diff %.2e (limit %.0e) (%s)", c.texts(), c.values(), c.maxAbsDiff(),
                    EqualityCheck.LIMIT, seconds(ms.get("check")))));
        }
        t.line(String.format(Locale.ROOT, "  written   model.onnx, tokenizer.json, %s, %s (total %s)",
                Manifest.FILE_NAME, Converter.RECORD_FILE, seconds(ms.get("total"))));
        t.line(t.dim("  next: ./lambert optimize --model " + r.bundle() + " --out " + r.bundle() + "-opt"));
    }

    private static String seconds(Double ms) {
        return ms == null ? "-" : String.format(Locale.ROOT, "%.1f s", ms / 1000);
    }

    private static void printJson(Terminal t, ConvertReport r) throws IOException {
        Manifest m = r.manifest();
        try (JsonGenerator g = Json.generator(t.stream())) {
            g.writeStartObject();
            g.writeStringField("bundle", r.bundle().toString());
            g.writeStringField("model_type", r.modelType());
            g.writeStringField("head", r.head().name().toLowerCase(Locale.ROOT));
            g.writeStringField("task", m.task().id());
            g.writeNumberField("opset", r.opset());
            g.writeNumberField("parameters", r.parameters());
            g.writeNumberField("nodes", r.nodes());
            g.writeNumberField("model_bytes", r.modelBytes());
            g.writeStringField("tokenizer", r.tokenizer());
            g.writeNumberField("vocab_size", m.vocabSize());
            g.writeNumberField("max_length", m.maxLength());
            g.writeArrayFieldStart("inputs");
            for (String input : m.inputs()) {
                g.writeString(input);
            }
            g.writeEndArray();
            g.writeStringField("output", m.output());
            g.writeNumberField("output_size", m.outputSize());
            if (m.task() == Task.EMBED) {
                g.writeStringField("pooling", m.pooling().id());
                g.writeBooleanField("normalize", m.normalize());
            } else {
                g.writeArrayFieldStart("labels");
                for (String label : m.labels()) {
                    g.writeString(label);
                }
                g.writeEndArray();
                g.writeBooleanField("multi_label", m.multiLabel());
            }
            g.writeObjectFieldStart("check");
            EqualityCheck.Result c = r.check();
            g.writeBooleanField("skipped", c == null);
            if (c != null) {
                g.writeNumberField("texts", c.texts());
                g.writeNumberField("values", c.values());
                g.writeNumberField("max_abs_diff", c.maxAbsDiff());
                g.writeNumberField("limit", EqualityCheck.LIMIT);
            }
            g.writeEndObject();
            g.writeObjectFieldStart("timings_ms");
            for (Map.Entry<String, Double> e : r.timingsMs().entrySet()) {
                g.writeNumberField(e.getKey(), Math.round(e.getValue() * 10) / 10.0);
            }
            g.writeEndObject();
            g.writeEndObject();
        }
        t.stream().println();
        t.stream().flush();
    }
}

package lambert.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import lambert.onnx.io.ModelFiles;
import lambert.base.json.Json;
import lambert.onnx.quantize.QuantizeException;
import lambert.onnx.quantize.QuantizeOptions;
import lambert.onnx.quantize.Quantizer;
import lambert.runtime.Model;
import lambert.runtime.ModelOptions;
import lambert.runtime.bundle.Manifest;
import lambert.runtime.bundle.ModelBundle;
import lambert.runtime.bundle.Task;
import lambert.runtime.session.OnnxSession;
import lambert.toolkit.models.DerivedBundle;
import lambert.toolkit.models.ModelResolver;
import lambert.toolkit.verify.Verifier;
import lambert.toolkit.verify.VerifyReport;
import lambert.toolkit.verify.VerifyTexts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lambert quantize}: dynamic int8 quantisation in Java, as a graph rewrite, into a new bundle;
 * then a quick comparison with the original on 200 verify texts.
 *
 * <pre>{@code
 * lambert quantize --model minilm --out build/minilm-q8
 * }</pre>
 */
@Command(name = "quantize", mixinStandardHelpOptions = true,
        description = {"Quantises a model's MatMul weights (and its word-embedding table) to int8, with "
                + "activations quantised at run time, into a new bundle.",
            "Then compares it with the original on 200 of the verify texts (lambert verify for all of them)."})
final class QuantizeCommand implements Callable<Integer> {
    @Option(names = {"-m", "--model"}, required = true, paramLabel = "B", description = "The float model.")
    String model;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "B2", description = "The bundle to write.")
    Path out;

    @Option(names = "--per-tensor", description = "One weight scale per matrix instead of one per output column.")
    boolean perTensor;

    @Option(names = "--no-embeddings", description = "Keep the word-embedding table in float.")
    boolean noEmbeddings;

    @Option(names = "--method", paramLabel = "M", defaultValue = "CONTRIB", description = "CONTRIB: ONNX Runtime's "
            + "fused DynamicQuantizeMatMul (default); STANDARD: DynamicQuantizeLinear + MatMulInteger + Cast + Mul, "
            + "standard ONNX ops only; BLOCKWISE: ONNX Runtime's MatMulNBits with 8-bit weights, one scale per "
            + "block (--block-size) of each column, activations quantised per row, so batching changes no answer; "
            + "ROWWISE: ONNX Runtime's MatMulIntegerToFloat, int8 weights per column, activations quantised per row "
            + "(one scale per token), batch-invariant too.")
    QuantizeOptions.Method method;

    @Option(names = "--block-size", paramLabel = "N", defaultValue = "" + QuantizeOptions.DEFAULT_BLOCK_SIZE,
            description = "BLOCKWISE: weights per scale along each column, a power of two >= 16 (default: "
                    + "${DEFAULT-VALUE}).")
    int blockSize;

    @Option(names = "--accuracy-level", paramLabel = "L", defaultValue = "" + QuantizeOptions.DEFAULT_ACCURACY_LEVEL,
            description = "BLOCKWISE: MatMulNBits' accuracy_level, 0 to 4; 4 computes in int8 (default: "
                    + "${DEFAULT-VALUE}).")
    int accuracyLevel;

    @Option(names = "--json", description = "Print the result as JSON, with the choice made for each layer.")
    boolean json;

    @Mixin
    ForceMixin force;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        ModelBundle source = ModelBundle.open(new ModelResolver(ModelResolver.defaultHome()).resolve(model));
        DerivedBundle.requireWritable(out, force.force());
        if (method != QuantizeOptions.Method.BLOCKWISE && (blockSize != QuantizeOptions.DEFAULT_BLOCK_SIZE
                || accuracyLevel != QuantizeOptions.DEFAULT_ACCURACY_LEVEL)) {
            throw new UsageException("--block-size and --accuracy-level apply to --method blockwise only, found --method "
                    + method.name().toLowerCase(Locale.ROOT));
        }
        if (method == QuantizeOptions.Method.BLOCKWISE && perTensor) {
            throw new UsageException("--per-tensor applies to --method contrib or standard; blockwise has one scale "
                    + "per block (--block-size)");
        }
        QuantizeOptions options;
        try {
            options = new QuantizeOptions(!perTensor, !noEmbeddings, method, blockSize, accuracyLevel);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        if (OnnxSession.isOrtFormat(source.modelPath())) {
            throw new UsageException(source.modelPath() + " is in ONNX Runtime's own format, which only runs: give "
                    + "the ONNX bundle it was made from (lambert optimize --format ort writes it last)");
        }
        Manifest manifest = DerivedBundle.manifestOf(source);
        Terminal t = Terminal.of(spec);
        if (!json) {
            t.progress("quantising " + source.modelPath());
        }
        Quantizer.Result result;
        try {
            result = Quantizer.quantize(ModelFiles.read(source.modelPath()), options);
        } catch (QuantizeException e) {
            throw new UsageException(source.modelPath() + ": " + e.getMessage());
        }
        ModelBundle written = DerivedBundle.write(out, manifest.quantized(manifest.name() + "-q8",
                result.description()), result.model(), source, force.force());
        if (!json) {
            t.progress("comparing with the original");
        }
        VerifyReport check;
        try (Model original = Model.open(source, ModelOptions.defaults());
                Model candidate = Model.open(written, ModelOptions.defaults())) {
            check = Verifier.compare(original, candidate, VerifyTexts.builtIn().subList(0, 200), 1);
        }
        t.clearProgress();
        long before = Files.size(source.modelPath());
        long after = Files.size(written.modelPath());
        if (json) {
            printJson(t, written, result, before, after, check);
        } else {
            print(t, written, result, before, after, check);
        }
        return ExitCodes.OK;
    }

    private void print(Terminal t, ModelBundle written, Quantizer.Result result, long before, long after,
            VerifyReport check) {
        t.line(t.bold(written.dir().toString()) + "  " + result.description());
        t.line(String.format(Locale.ROOT, "  rewrote   %d MatMuls to %s, %d embedding tables to int8",
                result.matmuls(), switch (method) {
                    case CONTRIB -> "DynamicQuantizeMatMul";
                    case STANDARD -> "MatMulInteger";
                    case BLOCKWISE -> "MatMulNBits";
                    case ROWWISE -> "MatMulIntegerToFloat";
                }, result.embeddingTables()));
        t.line("  layers");
        int width = result.layers().stream().mapToInt(l -> l.node().length()).max().orElse(0);
        for (Quantizer.Layer l : result.layers()) {
            String shape = l.rows() == 0 ? "-" : l.rows() + "x" + l.columns();
            String line = String.format(Locale.ROOT, "    %-" + width + "s  %-6s %-10s %s", l.node(), l.op(), shape,
                    l.choice());
            t.line(l.quantized() ? line : t.dim(line));
        }
        t.line(String.format(Locale.ROOT, "  size      %s -> %s", Format.mb(before), Format.mb(after)));
        t.line(check.task() == Task.EMBED
                ? String.format(Locale.ROOT, "  accuracy  on 200 verify texts: mean cosine %.5f, min %.5f",
                        check.meanCosine(), check.minCosine())
                : String.format(Locale.ROOT, "  accuracy  on 200 verify texts: label agreement %.4f",
                        check.labelAgreement()));
        t.line(t.dim("  full check: ./lambert verify --reference " + model + " --candidate " + out));
    }

    private void printJson(Terminal t, ModelBundle written, Quantizer.Result result, long before, long after,
            VerifyReport check) throws IOException {
        try (JsonGenerator g = Json.generator(t.stream())) {
            g.writeStartObject();
            g.writeStringField("bundle", written.dir().toString());
            g.writeStringField("method", method.name().toLowerCase(Locale.ROOT));
            g.writeStringField("quantization", result.description());
            if (method == QuantizeOptions.Method.BLOCKWISE) {
                g.writeNumberField("block_size", blockSize);
                g.writeNumberField("accuracy_level", accuracyLevel);
            }
            g.writeNumberField("matmuls", result.matmuls());
            g.writeNumberField("embedding_tables", result.embeddingTables());
            g.writeArrayFieldStart("layers");
            for (Quantizer.Layer l : result.layers()) {
                g.writeStartObject();
                g.writeStringField("node", l.node());
                g.writeStringField("op", l.op());
                g.writeStringField("weight", l.weight());
                g.writeNumberField("rows", l.rows());
                g.writeNumberField("columns", l.columns());
                g.writeBooleanField("quantized", l.quantized());
                g.writeStringField("choice", l.choice());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeNumberField("bytes_before", before);
            g.writeNumberField("bytes_after", after);
            g.writeNumberField("check_texts", check.texts());
            if (check.task() == Task.EMBED) {
                g.writeNumberField("mean_cosine", check.meanCosine());
                g.writeNumberField("min_cosine", check.minCosine());
            } else {
                g.writeNumberField("label_agreement", check.labelAgreement());
            }
            g.writeEndObject();
        }
        t.stream().println();
        t.stream().flush();
    }
}

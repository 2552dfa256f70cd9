package lambert.toolkit.bundling;

import ai.onnxruntime.OrtException;
import com.fasterxml.jackson.core.JsonGenerator;
import lambert.runtime.session.SessionException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import lambert.onnx.family.ModelFamily;
import lambert.onnx.checkpoint.Checkpoint;
import lambert.onnx.checkpoint.CheckpointException;
import lambert.onnx.family.Head;
import lambert.onnx.checkpoint.ModelConfig;
import lambert.onnx.family.ReferenceModel;
import lambert.onnx.checkpoint.Tensor;
import lambert.onnx.family.ModelFamilies;
import lambert.onnx.checkpoint.CheckpointReader;
import com.fasterxml.jackson.core.JsonGenerator;
import lambert.base.io.PartialFiles;
import lambert.base.io.Trees;
import lambert.onnx.io.ModelFiles;
import lambert.onnx.proto.Onnx;
import lambert.runtime.Model;
import lambert.runtime.ModelOptions;
import lambert.runtime.bundle.BundleException;
import lambert.runtime.bundle.BundleWriter;
import lambert.runtime.bundle.Manifest;
import lambert.runtime.bundle.ModelBundle;
import lambert.runtime.bundle.TokenizerVocabulary;
import lambert.base.json.Json;
import lambert.toolkit.CheckFailedException;

/**
 * A Hugging Face checkpoint folder to a complete lambert bundle: read the checkpoint, find or build
 * its tokenizer, build the ONNX graph, check it against the reference forward pass, and only then
 * put the bundle in place. Everything is written into a hidden folder next to the output and moved
 * into place at the end, so a failure at any step leaves no partial bundle and an existing output
 * untouched.
 *
 * <pre>{@code
 * ConvertReport report = Converter.convert(ConvertOptions.of(Path.of("my-checkpoint"), Path.of("my-bundle")),
 *         step -> System.out.println(step));
 * }</pre>
 */
public final class Converter {
    /** The file in the bundle that records how it was converted and checked. */
    public static final String RECORD_FILE = "convert.json";

    private Converter() {}

    /**
     * Converts {@code options.from()} into {@code options.out()}.
     *
     * @param progress told the name of each step as it starts
     * @throws CheckpointException the checkpoint cannot be converted (bad input; exit code 2)
     * @throws CheckFailedException the converted model does not answer like the reference (exit code 1)
     * @throws IOException a file is missing or cannot be read or written (exit code 3)
     */
    public static ConvertReport convert(ConvertOptions options, Consumer<String> progress)
            throws CheckpointException, IOException {
        return convert(options, progress, UnaryOperator.identity());
    }

    /** As {@link #convert(ConvertOptions, Consumer)}, with the reference passed through {@code tamper} (for tests). */
    static ConvertReport convert(ConvertOptions options, Consumer<String> progress, UnaryOperator<ReferenceModel> tamper)
            throws CheckpointException, IOException {
        Path from = options.from();
        Path out = options.out().toAbsolutePath().normalize();
        Path fromPath = Files.exists(from) ? from.toRealPath() : from.toAbsolutePath().normalize();
        if (fromPath.startsWith(Files.exists(out) ? out.toRealPath() : out)) {
            // --force would move the checkpoint away with the old output and delete it.
            throw new CheckpointException("--out " + options.out() + " is the checkpoint folder or holds it; expected a"
                    + " bundle folder outside " + from);
        }
        if (Files.exists(out) && !options.force()) {
            throw new FileAlreadyExistsException(options.out().toString(), null, "choose another --out or add --force");
        }
        ModelFamilies.checkOpset(options.opset());
        if (!Files.isDirectory(from)) {
            throw new NoSuchFileException(from.toString(), null, "expected a Hugging Face checkpoint folder");
        }
        if (!Files.isRegularFile(from.resolve("config.json"))) {
            throw new NoSuchFileException(from.resolve("config.json").toString(), null,
                    "a Hugging Face checkpoint needs its config.json");
        }
        if (CheckpointReader.WEIGHT_FILES.stream().noneMatch(f -> Files.isRegularFile(from.resolve(f)))) {
            throw new NoSuchFileException(from.toString(), null, "no weights: expected one of "
                    + String.join(", ", CheckpointReader.WEIGHT_FILES));
        }
        Map<String, Double> timings = new LinkedHashMap<>();
        long start = System.nanoTime();

        progress.accept("reading " + from);
        // Each tensor's header is checked against the shapes config.json implies before any weight is read.
        Checkpoint checkpoint = CheckpointReader.read(from, ModelFamilies::expectedWeights);
        ModelConfig config = checkpoint.config();
        ModelFamily architecture = ModelFamilies.forConfig(config);
        Head head = ModelFamilies.headFor(checkpoint, Optional.ofNullable(options.head()));
        long parameters = 0;
        for (Tensor t : checkpoint.weights().values()) {
            parameters += t.data().length;
        }
        timings.put("read", ms(start));

        progress.accept("reading the tokenizer");
        CheckpointTokenizer tokenizer = CheckpointTokenizer.of(from);

        Path parent = out.getParent();
        Files.createDirectories(parent);
        Path work = Files.createTempDirectory(parent, "." + out.getFileName() + ".converting-");
        try {
            Path tokenizerFile = work.resolve("tokenizer.json");
            Files.write(tokenizerFile, tokenizer.json());
            int vocabSize = vocabularySize(tokenizerFile);
            Tensor table = wordEmbeddings(checkpoint);
            if (vocabSize > table.shape()[0]) {
                throw new CheckpointException("the tokenizer has " + vocabSize + " ids but the embedding table "
                        + table.name() + " has " + table.shape()[0] + " rows: ids past the table would fail; "
                        + "a tokenizer may be smaller than the table (vocab_size is often padded up), never larger");
            }

            progress.accept("building the ONNX graph (opset " + options.opset() + ")");
            long step = System.nanoTime();
            Onnx.Model graph = architecture.graph(checkpoint, head, options.opset());
            Path modelFile = work.resolve("model.onnx");
            ModelFiles.write(graph, modelFile);
            int nodes = graph.getGraph().getNodeCount();
            List<String> inputs = new ArrayList<>();
            for (Onnx.ValueInfo input : graph.getGraph().getInputList()) {
                inputs.add(input.getName());
            }
            int outputSize = outputSize(graph, head);
            graph = null; // the protobuf holds a copy of every weight
            timings.put("graph", ms(step));

            Manifest manifest = ConvertedManifest.compose(from, config, head, options.pooling(), inputs, outputSize,
                    vocabSize);
            EqualityCheck.Result check = null;
            if (!options.skipCheck()) {
                progress.accept("checking against the reference forward pass on " + options.checkTexts().size()
                        + " texts");
                step = System.nanoTime();
                ReferenceModel reference = tamper.apply(architecture.reference(checkpoint, head));
                try {
                    check = EqualityCheck.run(modelFile, tokenizerFile, manifest.maxLength(), inputs,
                            head.outputName(), reference, config.intOr("pad_token_id", 0), options.checkTexts());
                } catch (SessionException e) {
                    throw new CheckpointException("ONNX Runtime cannot run the converted model: " + e.getMessage(), e);
                }
                timings.put("check", ms(step));
                if (!check.passed()) {
                    throw new CheckFailedException(String.format(Locale.ROOT, "the converted model differs from the "
                            + "reference forward pass: max abs diff %.3g on \"%s\" (%d tokens), limit %.0e; "
                            + "no bundle written", check.maxAbsDiff(), abbreviate(check.worstText()),
                            check.worstTokens(), EqualityCheck.LIMIT));
                }
            }
            checkpoint = null;

            progress.accept("writing " + out);
            step = System.nanoTime();
            Map<String, BundleWriter.Source> files = new LinkedHashMap<>();
            files.put("model.onnx", BundleWriter.file(modelFile));
            files.put("tokenizer.json", BundleWriter.file(tokenizerFile));
            byte[] record = record(from, config, head, options, tokenizer.origin(), check);
            files.put(RECORD_FILE, () -> new java.io.ByteArrayInputStream(record));
            Path staged = work.resolve("bundle");
            ModelBundle bundle = BundleWriter.write(staged, manifest, files, false);
            Files.delete(modelFile);
            try (Model loaded = Model.open(bundle, ModelOptions.defaults())) {
                manifest = loaded.manifest();
            } catch (BundleException e) {
                throw new CheckpointException("the converted bundle does not load: " + e.getMessage(), e);
            }
            try (PartialFiles partials = PartialFiles.open("lambert-convert")) {
                partials.replaceFolder(staged, out);
            }
            timings.put("write", ms(step));
            timings.put("total", ms(start));
            return new ConvertReport(out, config.modelType(), head, manifest, options.opset(), parameters,
                    nodes, Files.size(out.resolve("model.onnx")), tokenizer.origin(), check, timings);
        } finally {
            Trees.delete(work);
        }
    }

    /** The {@code word_embeddings} table, whatever the prefix of the architecture ({@code bert.}, {@code roberta.}). */
    static Tensor wordEmbeddings(Checkpoint checkpoint) throws CheckpointException {
        return checkpoint.weights().values().stream()
                .filter(t -> t.name().endsWith("word_embeddings.weight") && t.shape().length == 2)
                .findFirst()
                .orElseThrow(() -> new CheckpointException("the checkpoint has no word embedding table "
                        + "(a tensor named ...embeddings.word_embeddings.weight)"));
    }

    private static int vocabularySize(Path tokenizerFile) throws CheckpointException {
        try {
            return TokenizerVocabulary.size(tokenizerFile);
        } catch (BundleException e) {
            throw new CheckpointException("the tokenizer: " + e.getMessage(), e);
        }
    }

    private static int outputSize(Onnx.Model graph, Head head) throws CheckpointException {
        for (Onnx.ValueInfo output : graph.getGraph().getOutputList()) {
            if (output.getName().equals(head.outputName())) {
                List<Onnx.TensorShape.Dimension> dims = output.getType().getTensorType().getShape().getDimList();
                if (!dims.isEmpty() && dims.get(dims.size() - 1).hasDimValue()) {
                    return (int) dims.get(dims.size() - 1).getDimValue();
                }
                throw new CheckpointException("the graph's output " + head.outputName() + " has no fixed last dimension");
            }
        }
        throw new CheckpointException("the graph has no output " + head.outputName());
    }

    /** {@code convert.json}: where the bundle came from and how it was checked (or that it was not). */
    private static byte[] record(Path from, ModelConfig config, Head head, ConvertOptions options, String tokenizer,
            EqualityCheck.Result check) throws CheckpointException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator g = Json.generator(bytes)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("from", from.toAbsolutePath().normalize().toString());
            g.writeStringField("model_type", config.modelType());
            g.writeStringField("head", head.name().toLowerCase(Locale.ROOT));
            g.writeNumberField("opset", options.opset());
            g.writeStringField("tokenizer", tokenizer);
            g.writeObjectFieldStart("check");
            if (check == null) {
                g.writeBooleanField("skipped", true);
                g.writeStringField("warning", "converted with --skip-check: never compared with the reference "
                        + "forward pass");
            } else {
                g.writeBooleanField("skipped", false);
                g.writeNumberField("texts", check.texts());
                g.writeNumberField("max_abs_diff", check.maxAbsDiff());
                g.writeNumberField("limit", EqualityCheck.LIMIT);
            }
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        bytes.write('\n');
        return bytes.toByteArray();
    }

    private static String abbreviate(String text) {
        String oneLine = text.replace("\n", "\\n");
        return oneLine.length() <= 80 ? oneLine : oneLine.substring(0, 77) + "...";
    }

    private static double ms(long since) {
        return (System.nanoTime() - since) / 1e6;
    }
}

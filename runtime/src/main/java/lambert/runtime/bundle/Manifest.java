package lambert.runtime.bundle;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import lambert.base.json.Json;
import lambert.base.json.JsonException;

/**
 * The manifest of a model bundle, stored as {@code lambert.json} next to the model and tokenizer.
 *
 * <p>A manifest inferred from a Hugging Face folder may leave {@link #inputs()}, {@link #output()},
 * {@link #outputSize()} and {@link #sha256()} empty; loading fills them in from the model itself.
 *
 * @param name a human-readable model name
 * @param task what the model answers
 * @param modelFile the ONNX file, relative to the bundle folder
 * @param tokenizerFile the Hugging Face {@code tokenizer.json}, relative to the bundle folder
 * @param maxLength tokens per text, special tokens included; longer texts are truncated and flagged
 * @param pooling how token vectors become a sentence vector (embed only)
 * @param normalize whether sentence vectors are scaled to unit length (embed only)
 * @param labels label names by output index (classify and tag)
 * @param multiLabel sigmoid per label instead of softmax over labels (classify only)
 * @param inputs the model's input names, in the order lambert feeds them
 * @param output the name of the model output lambert reads
 * @param outputSize the last dimension of that output: hidden size or label count; 0 if unknown
 * @param vocabSize the tokenizer's vocabulary size; 0 if unknown
 * @param quantization {@code none} or a description of the weight quantisation
 * @param optimization the ONNX Runtime optimisation level the file was saved at, or {@code none}
 * @param sha256 hex SHA-256 of each bundle file by relative name
 * @param crc32 hex CRC32 of each bundle file, what loading checks (see {@link Checksums})
 * @param lambertVersion the lambert version that wrote the manifest
 */
public record Manifest(
        String name,
        Task task,
        String modelFile,
        String tokenizerFile,
        int maxLength,
        Pooling pooling,
        boolean normalize,
        List<String> labels,
        boolean multiLabel,
        List<String> inputs,
        String output,
        int outputSize,
        int vocabSize,
        String quantization,
        String optimization,
        Map<String, String> sha256,
        Map<String, String> crc32,
        String lambertVersion) {

    /** The manifest's file name inside a bundle folder. */
    public static final String FILE_NAME = "lambert.json";
    /** The manifest format this code reads and writes. */
    public static final int FORMAT = 1;
    /** The model inputs lambert can feed, by name. */
    public static final List<String> INPUTS = List.of("input_ids", "attention_mask", "token_type_ids");
    /** The longest sequence a BERT-family position table usually allows. */
    public static final int MAX_POSITIONS = 512;

    public Manifest {
        labels = List.copyOf(labels);
        inputs = List.copyOf(inputs);
        sha256 = Map.copyOf(sha256);
        crc32 = Map.copyOf(crc32);
    }

    /** Whether the file was saved already optimised, so sessions may open it with optimisation off. */
    public boolean preOptimized() {
        return optimization != null && !optimization.equals("none");
    }

    /**
     * Whether a text's answer is independent of the other texts in its batch. Not so for dynamically
     * quantised models: they quantise activations with one scale per tensor, computed over the whole
     * batch, so batch-mates (and their padding) move each other's answers (measured on the shipped
     * int8 all-MiniLM-L6-v2: cosine 0.978 between "hi" alone and "hi" next to a longer sentence).
     * Quantisations whose activations are quantised per row (lambert's blockwise int8) say so with
     * {@link #BATCH_INVARIANT} in their description, and batch like float models.
     */
    public boolean batchInvariant() {
        return quantization == null || quantization.equals("none") || quantization.contains(BATCH_INVARIANT);
    }

    /**
     * The words a quantisation's description carries when its answers do not depend on the batch (its
     * activations are quantised per row, never per tensor).
     */
    public static final String BATCH_INVARIANT = "batch-invariant";

    /** A copy with the facts that only the loaded model can tell. */
    public Manifest withModelFacts(List<String> modelInputs, String modelOutput, int modelOutputSize) {
        return new Manifest(name, task, modelFile, tokenizerFile, maxLength, pooling, normalize, labels, multiLabel,
                modelInputs, modelOutput, modelOutputSize, vocabSize, quantization, optimization, sha256, crc32,
                lambertVersion);
    }

    /** A copy for a model file saved at another optimisation level, named {@code modelFile}. */
    public Manifest withOptimization(String level, String file) {
        return new Manifest(name, task, file, tokenizerFile, maxLength, pooling, normalize, labels, multiLabel,
                inputs, output, outputSize, vocabSize, quantization, level, sha256, crc32, lambertVersion);
    }

    /**
     * A copy for a quantised model: another name, files named {@code model.onnx} and
     * {@code tokenizer.json}, the quantisation described, no optimisation, no checksums yet.
     */
    public Manifest quantized(String newName, String description) {
        return new Manifest(newName, task, "model.onnx", "tokenizer.json", maxLength, pooling, normalize, labels,
                multiLabel, inputs, output, outputSize, vocabSize, description, "none", Map.of(), Map.of(),
                lambertVersion);
    }

    /** A copy whose tokenizer file is named {@code file}. */
    public Manifest withTokenizer(String file) {
        return new Manifest(name, task, modelFile, file, maxLength, pooling, normalize, labels, multiLabel,
                inputs, output, outputSize, vocabSize, quantization, optimization, sha256, crc32, lambertVersion);
    }

    /** A copy with other file checksums and the current lambert version (for writing a new bundle). */
    public Manifest withHashes(Map<String, String> sha256Sums, Map<String, String> crc32Sums) {
        return new Manifest(name, task, modelFile, tokenizerFile, maxLength, pooling, normalize, labels, multiLabel,
                inputs, output, outputSize, vocabSize, quantization, optimization, sha256Sums, crc32Sums,
                Version.CURRENT);
    }

    /** Parses {@code lambert.json} content; errors name the field and what was found. */
    public static Manifest parse(byte[] json) {
        Object tree;
        try {
            tree = Json.parse(json);
        } catch (JsonException e) {
            throw new BundleException(FILE_NAME + " is " + e.getMessage(), e);
        }
        JsonFields f = new JsonFields(FILE_NAME, tree);
        long format = f.integer("format", -1);
        if (format != FORMAT) {
            throw new BundleException(FILE_NAME + ": field \"format\" must be " + FORMAT + ", found "
                    + (f.has("format") ? f.raw("format") : "nothing") + " (written by a different lambert version?)");
        }
        String taskId = f.requiredString("task");
        Task task = Task.fromId(taskId);
        if (task == null) {
            throw new BundleException(FILE_NAME + ": field \"task\" must be one of " + Task.ids() + ", found \""
                    + taskId + "\"");
        }
        String poolingId = f.string("pooling", "mean");
        Pooling pooling = Pooling.fromId(poolingId);
        if (pooling == null) {
            throw new BundleException(FILE_NAME + ": field \"pooling\" must be mean or cls, found \"" + poolingId + "\"");
        }
        long maxLength = f.integer("max_length", MAX_POSITIONS);
        if (maxLength < 3 || maxLength > 1 << 16) {
            throw new BundleException(FILE_NAME + ": field \"max_length\" must be between 3 and 65536, found "
                    + maxLength);
        }
        List<String> labels = f.strings("labels");
        if (task != Task.EMBED && labels.isEmpty()) {
            throw new BundleException(FILE_NAME + ": field \"labels\" is required for task " + task.id()
                    + " (one name per output index)");
        }
        if (task == Task.EMBED && f.has("labels")) {
            throw new BundleException(FILE_NAME + ": field \"labels\" is for the classify and tag tasks; an embed "
                    + "model answers vectors and has none (found " + labels.size() + " labels " + labels + ")");
        }
        boolean multiLabel = f.bool("multi_label", false);
        if (multiLabel && task != Task.CLASSIFY) {
            throw new BundleException(FILE_NAME + ": field \"multi_label\" is true, but only task classify has "
                    + "multi-label scores (task is " + task.id() + ")");
        }
        String modelFile = f.requiredString("model");
        String tokenizerFile = f.requiredString("tokenizer");
        Map<String, String> sha256 = sums(f, "sha256", 64, null);
        return new Manifest(
                f.string("name", "model"),
                task,
                modelFile,
                tokenizerFile,
                (int) maxLength,
                pooling,
                f.bool("normalize", task == Task.EMBED),
                labels,
                multiLabel,
                inputs(f),
                f.string("output", null),
                (int) size(f, "output_size", "the output's last dimension"),
                (int) size(f, "vocab_size", "the tokenizer's number of ids"),
                f.string("quantization", "none"),
                f.string("optimization", "none"),
                sha256,
                f.has("crc32") ? sums(f, "crc32", 8, sha256.keySet()) : Map.of(),
                f.string("lambert_version", "unknown"));
    }

    /** {@code inputs}: absent (the model's own), or a non-empty list of distinct names lambert can feed. */
    private static List<String> inputs(JsonFields f) {
        List<String> inputs = f.strings("inputs");
        if (!f.has("inputs")) {
            return inputs;
        }
        if (inputs.isEmpty()) {
            throw new BundleException(FILE_NAME + ": field \"inputs\" is empty; expected the model's inputs, some of "
                    + INPUTS + " with input_ids among them (or no \"inputs\" field, to take the model's own)");
        }
        for (int i = 0; i < inputs.size(); i++) {
            String input = inputs.get(i);
            if (!INPUTS.contains(input)) {
                throw new BundleException(FILE_NAME + ": field \"inputs[" + i + "]\" is \"" + input + "\"; lambert "
                        + "feeds only " + INPUTS);
            }
            if (inputs.indexOf(input) != i) {
                throw new BundleException(FILE_NAME + ": field \"inputs\" lists \"" + input + "\" twice: " + inputs);
            }
        }
        if (!inputs.contains("input_ids")) {
            throw new BundleException(FILE_NAME + ": field \"inputs\" lacks input_ids: " + inputs);
        }
        return inputs;
    }

    /** A size field: 0 (unknown) or more, at most Integer.MAX_VALUE. */
    private static long size(JsonFields f, String field, String what) {
        long value = f.integer(field, 0);
        if (value < 0 || value > Integer.MAX_VALUE) {
            throw new BundleException(FILE_NAME + ": field \"" + field + "\" must be " + what + " (0 if unknown), "
                    + "found " + value);
        }
        return value;
    }

    /**
     * A checksum map, required ({@code sha256}) or optional ({@code crc32}, for manifests written before it):
     * present, it must not be empty (no file would be checked at load), each value must have {@code digits} hex
     * digits, and {@code crc32} must name the same files as {@code sha256}. That the model and tokenizer files are
     * among them is checked when the bundle is opened ({@link ModelBundle#open}), once their names are resolved.
     */
    private static Map<String, String> sums(JsonFields f, String field, int digits, java.util.Set<String> sameAs) {
        if (!f.has(field)) {
            throw new BundleException(FILE_NAME + ": field \"" + field + "\" is required: the checksum of each "
                    + "bundle file (the model and the tokenizer at least), which loading checks");
        }
        Map<String, String> sums = f.stringMap(field);
        if (sums.isEmpty()) {
            throw new BundleException(FILE_NAME + ": field \"" + field + "\" is empty; expected the checksum of each "
                    + "bundle file (the model and the tokenizer at least), or no file would be checked");
        }
        if (sameAs != null && !sums.keySet().equals(sameAs)) {
            throw new BundleException(FILE_NAME + ": field \"" + field + "\" names the files " + sums.keySet()
                    + " but \"sha256\" names " + sameAs + "; expected the same files in both");
        }
        for (Map.Entry<String, String> e : sums.entrySet()) {
            if (e.getValue().length() != digits || !isHex(e.getValue())) {
                throw new BundleException(FILE_NAME + ": field \"" + field + "\" has \"" + e.getValue() + "\" for "
                        + e.getKey() + "; expected " + digits + " hex digits");
            }
        }
        return sums;
    }

    /** Whether every character is a hex digit (a loop, not a stream: manifests are read in a function's INIT). */
    private static boolean isHex(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (Character.digit(value.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }

    /** The manifest as pretty-printed {@code lambert.json} content. */
    public byte[] toJson() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = Json.generator(out)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeNumberField("format", FORMAT);
            g.writeStringField("name", name);
            g.writeStringField("task", task.id());
            g.writeStringField("model", modelFile);
            g.writeStringField("tokenizer", tokenizerFile);
            g.writeNumberField("max_length", maxLength);
            if (task == Task.EMBED) {
                g.writeStringField("pooling", pooling.id());
                g.writeBooleanField("normalize", normalize);
            } else {
                g.writeArrayFieldStart("labels");
                for (String label : labels) {
                    g.writeString(label);
                }
                g.writeEndArray();
                if (task == Task.CLASSIFY) {
                    g.writeBooleanField("multi_label", multiLabel);
                }
            }
            if (!inputs.isEmpty()) { // none known yet: left out, and taken from the model at load
                g.writeArrayFieldStart("inputs");
                for (String input : inputs) {
                    g.writeString(input);
                }
                g.writeEndArray();
            }
            if (output != null) {
                g.writeStringField("output", output);
            }
            g.writeNumberField("output_size", outputSize);
            g.writeNumberField("vocab_size", vocabSize);
            g.writeStringField("quantization", quantization);
            g.writeStringField("optimization", optimization);
            writeSums(g, "sha256", sha256);
            writeSums(g, "crc32", crc32);
            g.writeStringField("lambert_version", lambertVersion);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.write('\n');
        return out.toByteArray();
    }

    private static void writeSums(JsonGenerator g, String field, Map<String, String> sums) throws IOException {
        g.writeObjectFieldStart(field);
        for (String file : sums.keySet().stream().sorted().toList()) {
            g.writeStringField(file, sums.get(file));
        }
        g.writeEndObject();
    }
}

package lambert.toolkit.bundling;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lambert.onnx.checkpoint.Checkpoint;
import lambert.onnx.checkpoint.ModelConfig;
import lambert.onnx.checkpoint.Tensor;
import lambert.onnx.checkpoint.SafetensorsWriter;
import lambert.onnx.checkpoint.TorchBinWriter;
import lambert.onnx.io.ModelFiles;
import lambert.onnx.proto.Onnx;
import lambert.runtime.bundle.Manifest;
import lambert.runtime.bundle.Pooling;

/**
 * A BERT checkpoint taken back out of an ONNX export made by PyTorch's exporter, so that the export
 * serves as an independent reference for {@code lambert convert}: the exporter keeps the names of
 * embeddings, biases and LayerNorm parameters, but stores each linear layer's weight transposed
 * ({@code [in, out]}) under a generated name ({@code onnx::MatMul_787}). Those are found by graph
 * position: the MatMul nodes that take an initializer, in node order, are per layer the query, key,
 * value, attention output, intermediate and output projections (cross-checked against the node
 * names the exporter writes, {@code /encoder/layer.0/attention/self/query/MatMul}).
 *
 * <p>Used by the tests and benchmarks of {@code lambert convert}, and to try it on a real model
 * without Python: the built-in {@code minilm} bundle taken apart into a checkpoint folder,
 *
 * <pre>
 * java -cp "$(cat benchmarks/target/classpath.txt)" lambert.toolkit.bundling.ExportedCheckpoint \
 *     ~/.cache/lambert/models/minilm build/minilm-checkpoint
 * ./lambert convert --from build/minilm-checkpoint --out build/minilm-converted
 * </pre>
 */
public final class ExportedCheckpoint {
    private static final String[] PROJECTIONS = {"attention.self.query", "attention.self.key",
        "attention.self.value", "attention.output.dense", "intermediate.dense", "output.dense"};
    private static final String[] NODE_NAMES = {"/attention/self/query/", "/attention/self/key/",
        "/attention/self/value/", "/attention/output/dense/", "/intermediate/dense/", "/output/dense/"};
    private static final Pattern LAYER = Pattern.compile("^encoder\\.layer\\.(\\d+)\\.");

    private ExportedCheckpoint() {}

    /** The Hugging Face checkpoint ({@code BertModel} without pooler) the export was made from. */
    public static Checkpoint extract(Path onnx, int heads) throws IOException {
        Onnx.Graph graph = ModelFiles.read(onnx).getGraph();
        Map<String, Onnx.Tensor> initializers = new LinkedHashMap<>();
        for (Onnx.Tensor t : graph.getInitializerList()) {
            initializers.put(t.getName(), t);
        }
        Map<String, Tensor> weights = new LinkedHashMap<>();
        TreeSet<Integer> layers = new TreeSet<>();
        for (Onnx.Tensor t : initializers.values()) {
            String name = t.getName();
            if (name.equals("embeddings.position_ids")) {
                continue; // a buffer (0..511), not a weight
            }
            if (name.startsWith("embeddings.") || name.startsWith("encoder.")) {
                weights.put(name, toTensor(name, t, false));
                Matcher m = LAYER.matcher(name);
                if (m.find()) {
                    layers.add(Integer.parseInt(m.group(1)));
                }
            }
        }
        List<Onnx.Node> matmuls = new ArrayList<>();
        for (Onnx.Node node : graph.getNodeList()) {
            if (node.getOpType().equals("MatMul") && node.getInputCount() == 2
                    && initializers.containsKey(node.getInput(1))) {
                matmuls.add(node);
            }
        }
        if (matmuls.size() != PROJECTIONS.length * layers.size()) {
            throw new IllegalStateException(onnx + ": expected " + PROJECTIONS.length + " weight MatMuls per layer for "
                    + layers.size() + " layers, found " + matmuls.size());
        }
        for (int i = 0; i < matmuls.size(); i++) {
            int layer = i / PROJECTIONS.length;
            int slot = i % PROJECTIONS.length;
            Onnx.Node node = matmuls.get(i);
            String expectedNode = "/encoder/layer." + layer + NODE_NAMES[slot];
            if (!node.getName().isEmpty() && !node.getName().startsWith(expectedNode)) {
                throw new IllegalStateException(onnx + ": MatMul " + i + " is " + node.getName() + ", expected "
                        + expectedNode + "MatMul by its position");
            }
            String name = "encoder.layer." + layer + "." + PROJECTIONS[slot] + ".weight";
            weights.put(name, toTensor(name, initializers.get(node.getInput(1)), true));
        }
        long[] table = weights.get("embeddings.word_embeddings.weight").shape();
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("architectures", List.of("BertModel"));
        config.put("model_type", "bert");
        config.put("vocab_size", table[0]);
        config.put("hidden_size", table[1]);
        config.put("num_hidden_layers", (long) layers.size());
        config.put("num_attention_heads", (long) heads);
        config.put("intermediate_size", weights.get("encoder.layer.0.intermediate.dense.bias").shape()[0]);
        config.put("hidden_act", "gelu");
        config.put("max_position_embeddings", weights.get("embeddings.position_embeddings.weight").shape()[0]);
        config.put("type_vocab_size", weights.get("embeddings.token_type_embeddings.weight").shape()[0]);
        config.put("layer_norm_eps", 1e-12);
        config.put("pad_token_id", 0L);
        config.put("hidden_dropout_prob", 0.1);
        config.put("attention_probs_dropout_prob", 0.1);
        return new Checkpoint(ModelConfig.of(config), weights);
    }

    /**
     * Takes the bundle or Hugging Face folder {@code args[0]} (its {@code model.onnx} and
     * {@code tokenizer.json}) apart into the checkpoint folder {@code args[1]}: {@code config.json},
     * {@code model.safetensors} (or {@code pytorch_model.bin} with {@code --bin}), the tokenizer and, for
     * a lambert bundle, sentence-transformers' files with its pooling, normalisation and maximum length.
     * {@code --heads N} gives the attention head count (default 12, as all-MiniLM-L6-v2,
     * bge-small-en-v1.5 and e5-small-v2 have).
     */
    public static void main(String[] args) throws IOException {
        List<String> positional = new ArrayList<>();
        int heads = 12;
        boolean bin = false;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--heads") && i + 1 < args.length) {
                heads = Integer.parseInt(args[++i]);
            } else if (args[i].equals("--bin")) {
                bin = true;
            } else {
                positional.add(args[i]);
            }
        }
        if (positional.size() != 2) {
            System.err.println("usage: ExportedCheckpoint BUNDLE_OR_FOLDER OUT_DIR [--heads N] [--bin]");
            System.exit(2);
        }
        Path source = Path.of(positional.get(0));
        Path out = Path.of(positional.get(1));
        Checkpoint checkpoint = extract(source.resolve("model.onnx"), heads);
        write(checkpoint, out, bin);
        Files.copy(source.resolve("tokenizer.json"), out.resolve("tokenizer.json"), StandardCopyOption.REPLACE_EXISTING);
        String extra = "";
        Path manifest = source.resolve(Manifest.FILE_NAME);
        if (Files.isRegularFile(manifest)) {
            writeSentenceTransformers(Manifest.parse(Files.readAllBytes(manifest)), out);
            extra = ", modules.json, 1_Pooling/config.json, sentence_bert_config.json";
        }
        System.out.println(out + ": config.json, " + (bin ? "pytorch_model.bin" : "model.safetensors") + " ("
                + checkpoint.weights().size() + " tensors), tokenizer.json" + extra);
    }

    /**
     * sentence-transformers' files for an embedding bundle's pooling, normalisation and maximum
     * length, as the published sentence-transformers models have them.
     */
    public static void writeSentenceTransformers(Manifest manifest, Path dir) throws IOException {
        String modules = "[{\"idx\": 0, \"name\": \"0\", \"path\": \"\", \"type\": "
                + "\"sentence_transformers.models.Transformer\"}, {\"idx\": 1, \"name\": \"1\", \"path\": "
                + "\"1_Pooling\", \"type\": \"sentence_transformers.models.Pooling\"}"
                + (manifest.normalize() ? ", {\"idx\": 2, \"name\": \"2\", \"path\": \"2_Normalize\", \"type\": "
                        + "\"sentence_transformers.models.Normalize\"}" : "") + "]\n";
        Files.writeString(dir.resolve("modules.json"), modules);
        Files.createDirectories(dir.resolve("1_Pooling"));
        boolean cls = manifest.pooling() == Pooling.CLS;
        Files.writeString(dir.resolve("1_Pooling/config.json"), "{\"pooling_mode_cls_token\": " + cls
                + ", \"pooling_mode_mean_tokens\": " + !cls + "}\n");
        Files.writeString(dir.resolve("sentence_bert_config.json"), "{\"max_seq_length\": " + manifest.maxLength()
                + "}\n");
    }

    /** Writes {@code config.json} and the weights ({@code model.safetensors}, or {@code pytorch_model.bin}). */
    public static void write(Checkpoint checkpoint, Path dir, boolean torchBin) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), configJson(checkpoint.config()));
        if (torchBin) {
            TorchBinWriter.write(dir.resolve("pytorch_model.bin"), checkpoint.weights().values());
        } else {
            SafetensorsWriter.write(dir.resolve("model.safetensors"), checkpoint.weights().values());
        }
    }

    /** {@code config.json} content for a checkpoint's config. */
    public static String configJson(ModelConfig config) {
        StringBuilder json = new StringBuilder("{");
        for (Map.Entry<String, Object> e : config.fields().entrySet()) {
            if (json.length() > 1) {
                json.append(", ");
            }
            json.append('"').append(e.getKey()).append("\": ").append(jsonValue(e.getValue()));
        }
        return json.append("}\n").toString();
    }

    private static String jsonValue(Object v) {
        if (v instanceof String) {
            return "\"" + ((String) v).replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }
        if (v instanceof List) {
            List<String> items = new ArrayList<>();
            for (Object item : (List<?>) v) {
                items.add(jsonValue(item));
            }
            return "[" + String.join(", ", items) + "]";
        }
        if (v instanceof Map) {
            List<String> items = new ArrayList<>();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                items.add("\"" + e.getKey() + "\": " + jsonValue(e.getValue()));
            }
            return "{" + String.join(", ", items) + "}";
        }
        return String.valueOf(v);
    }

    private static Tensor toTensor(String name, Onnx.Tensor t, boolean transpose) {
        if (t.getDataType() != Onnx.Tensor.DataType.FLOAT_VALUE || t.getRawData().isEmpty()) {
            throw new IllegalStateException("initializer " + t.getName() + " is not raw float32 data");
        }
        long[] dims = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        float[] data = new float[(int) Tensor.elementCount(dims)];
        ByteBuffer.wrap(t.getRawData().toByteArray()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(data);
        if (!transpose) {
            return new Tensor(name, dims, data);
        }
        int in = (int) dims[0];
        int out = (int) dims[1];
        float[] back = new float[data.length];
        for (int i = 0; i < in; i++) {
            for (int o = 0; o < out; o++) {
                back[o * in + i] = data[i * out + o];
            }
        }
        return new Tensor(name, new long[] {out, in}, back);
    }
}

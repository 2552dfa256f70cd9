package lambert.onnx.family;

import static lambert.onnx.family.FamilyConformanceTest.assertClose;
import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import lambert.onnx.checkpoint.Checkpoint;
import lambert.onnx.checkpoint.ModelConfig;
import lambert.onnx.checkpoint.Tensor;
import lambert.onnx.proto.Onnx;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real model: all-MiniLM-L6-v2's weights, recovered from the Hugging Face ONNX export shipped on
 * Maven Central (biases and norms keep their checkpoint names there; each {@code MatMul} weight
 * feeding an {@code Add} with {@code X.bias} is {@code X.weight} transposed), converted by
 * {@link BertFamily} and run against that export: same hidden states, padded batch included.
 */
class MiniLmExportTest {
    private static final long[] HELLO = {101, 7592, 2088, 1010, 2129, 2024, 2017, 1029, 102};
    private static final long[] SHORT = {101, 2748, 102};

    private static Onnx.Model export;
    private static Checkpoint checkpoint;

    @BeforeAll
    static void recoverCheckpoint() throws Exception {
        try (InputStream in = MiniLmExportTest.class.getClassLoader().getResourceAsStream("all-minilm-l6-v2.onnx")) {
            assertThat(in).as("all-minilm-l6-v2.onnx on the test classpath").isNotNull();
            export = Onnx.Model.parseFrom(in.readAllBytes());
        }
        Map<String, Onnx.Tensor> initializers = new HashMap<>();
        for (Onnx.Tensor t : export.getGraph().getInitializerList()) {
            initializers.put(t.getName(), t);
        }
        Map<String, Onnx.Node> producers = new HashMap<>();
        for (Onnx.Node n : export.getGraph().getNodeList()) {
            for (String out : n.getOutputList()) {
                producers.put(out, n);
            }
        }
        Map<String, Tensor> weights = new LinkedHashMap<>();
        for (Onnx.Tensor t : export.getGraph().getInitializerList()) {
            if (t.getDataType() == Onnx.Tensor.DataType.FLOAT.getNumber() && !t.getName().startsWith("onnx::")) {
                weights.put(t.getName(), tensor(t.getName(), t, false));
            }
        }
        for (Onnx.Node add : export.getGraph().getNodeList()) {
            if (!add.getOpType().equals("Add")) {
                continue;
            }
            String bias = add.getInputList().stream().filter(i -> i.endsWith(".bias") && initializers.containsKey(i))
                    .findFirst().orElse(null);
            if (bias == null) {
                continue;
            }
            String other = add.getInput(0).equals(bias) ? add.getInput(1) : add.getInput(0);
            Onnx.Node matmul = producers.get(other);
            if (matmul != null && matmul.getOpType().equals("MatMul") && initializers.containsKey(matmul.getInput(1))) {
                String name = bias.substring(0, bias.length() - "bias".length()) + "weight";
                weights.put(name, tensor(name, initializers.get(matmul.getInput(1)), true));
            }
        }
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("model_type", "bert");
        config.put("architectures", java.util.List.of("BertModel"));
        config.put("vocab_size", 30522L);
        config.put("hidden_size", 384L);
        config.put("num_hidden_layers", 6L);
        config.put("num_attention_heads", 12L);
        config.put("intermediate_size", 1536L);
        config.put("hidden_act", "gelu");
        config.put("max_position_embeddings", 512L);
        config.put("type_vocab_size", 2L);
        config.put("layer_norm_eps", 1e-12);
        checkpoint = new Checkpoint(ModelConfig.of(config), weights);
    }

    /** The initializer as float32, transposed from {@code [in, out]} to PyTorch's {@code [out, in]} when asked. */
    private static Tensor tensor(String name, Onnx.Tensor t, boolean transpose) {
        FloatBuffer buffer = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        float[] data = new float[buffer.remaining()];
        buffer.get(data);
        long[] dims = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        if (!transpose) {
            return new Tensor(name, dims, data);
        }
        int in = (int) dims[0];
        int out = (int) dims[1];
        float[] transposed = new float[data.length];
        for (int i = 0; i < in; i++) {
            for (int o = 0; o < out; o++) {
                transposed[o * in + i] = data[i * out + o];
            }
        }
        return new Tensor(name, new long[] {out, in}, transposed);
    }

    @Test
    void graph_answersAsTheHuggingFaceExportOnAPaddedBatch() throws Exception {
        assertThat(checkpoint.weights()).containsKey("encoder.layer.5.output.dense.weight");
        ModelFamily bert = ModelFamilies.forConfig(checkpoint.config());
        Head head = ModelFamilies.headFor(checkpoint, java.util.Optional.empty());
        float[][][] ours = (float[][][]) OrtRun.run(bert.graph(checkpoint, head, 17), new long[][] {HELLO, SHORT}, null, 0,
                false);
        float[][][] theirs = runExport();
        assertClose(ours[0], theirs[0], HELLO.length);
        assertClose(ours[1], java.util.Arrays.copyOf(theirs[1], SHORT.length), SHORT.length);
    }

    @Test
    void reference_answersAsTheHuggingFaceExport() throws Exception {
        float[][] reference = ModelFamilies.forConfig(checkpoint.config()).reference(checkpoint, Head.ENCODER)
                .forward(HELLO, new long[HELLO.length]);
        assertClose(reference, runExport()[0], HELLO.length);
    }

    private static float[][][] runExport() throws Exception {
        long[][] ids = {HELLO, new long[HELLO.length]};
        System.arraycopy(SHORT, 0, ids[1], 0, SHORT.length);
        long[][] mask = new long[2][HELLO.length];
        java.util.Arrays.fill(mask[0], 1);
        java.util.Arrays.fill(mask[1], 0, SHORT.length, 1);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(export.toByteArray(), new OrtSession.SessionOptions());
                OnnxTensor i = OnnxTensor.createTensor(env, ids);
                OnnxTensor m = OnnxTensor.createTensor(env, mask);
                OnnxTensor t = OnnxTensor.createTensor(env, new long[2][HELLO.length]);
                OrtSession.Result r = session.run(Map.of("input_ids", i, "attention_mask", m, "token_type_ids", t))) {
            return (float[][][]) r.get("last_hidden_state").orElseThrow().getValue();
        }
    }
}

package lambert.onnx.quantize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import lambert.onnx.graph.GraphBuilder;
import lambert.onnx.io.ModelFiles;
import lambert.onnx.proto.Onnx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Quantised tiny graphs run in ONNX Runtime and stay close to the float answer computed here by hand. */
class QuantizerTest {
    @TempDir
    Path dir;

    @Test
    void quantize_gemmWithTransposedWeightAndBiasStaysCloseToFloat() throws Exception {
        checkGemm(QuantizeOptions.defaults(), "DynamicQuantizeMatMul");
    }

    @Test
    void quantize_standardOpsGiveTheSameKindOfAnswer() throws Exception {
        checkGemm(new QuantizeOptions(true, true, QuantizeOptions.Method.STANDARD), "MatMulInteger");
    }

    @Test
    void quantize_blockwiseGemmWithTransposedWeightAndBiasStaysCloseToFloat() throws Exception {
        checkGemm(QuantizeOptions.blockwise(16), "MatMulNBits");
    }

    @Test
    void quantize_blockwiseMatchesDequantiseThenMatMulInJava() throws Exception {
        // K = 80 is not a multiple of 32: the last block of each column is padded.
        checkBlockwise(80, 24, 32, 0, false);
    }

    @Test
    void quantize_blockwiseTakesTheBiasOfTheFollowingAddIntoTheOperator() throws Exception {
        checkBlockwise(64, 8, 32, 0, true);
    }

    @Test
    void quantize_blockwiseInt8ComputeStaysCloseAndIsBatchInvariant() throws Exception {
        checkBlockwise(128, 16, 64, 4, false);
    }

    @Test
    void quantize_blockwiseOptionsRejectABadBlockSize() {
        assertThatThrownBy(() -> QuantizeOptions.blockwise(24)).hasMessageContaining("block size")
                .hasMessageContaining("power of two").hasMessageContaining("24");
    }

    /**
     * A MatMul [rows, k] x [k, n] rewritten to MatMulNBits; its B and scales are read back from the model as
     * the operator's spec lays them out ([n, blocks, blockSize] bytes around 128, [n, blocks] scales),
     * dequantised here, checked against the float weights, and multiplied in plain Java. Each row run alone
     * gives exactly what it gives inside the batch.
     */
    private void checkBlockwise(int k, int n, int blockSize, int accuracyLevel, boolean withBias) throws Exception {
        boolean int8Activations = accuracyLevel == 4;
        Random random = new Random(7);
        float[] w = gaussians(random, k * n);
        GraphBuilder g = GraphBuilder.create("matmul", 13);
        g.input("x", Onnx.Tensor.DataType.FLOAT, "batch", k);
        g.initializer("w", w, k, n);
        float[] bias = new float[n];
        if (withBias) {
            for (int i = 0; i < n; i++) {
                bias[i] = 10f * (i + 1);
            }
            g.initializer("b", bias, n);
            g.node("MatMul", List.of("x", "w"), "product");
            g.node("Add", List.of("product", "b"), "y");
        } else {
            g.node("MatMul", List.of("x", "w"), "y");
        }
        g.output("y", Onnx.Tensor.DataType.FLOAT, "batch", n);
        Quantizer.Result result = Quantizer.quantize(g.build(),
                new QuantizeOptions(true, true, QuantizeOptions.Method.BLOCKWISE, blockSize, accuracyLevel));
        assertThat(result.model().getGraph().getNodeList()).extracting(Onnx.Node::getOpType)
                .containsExactly("MatMulNBits");
        Onnx.Node node = result.model().getGraph().getNode(0);
        assertThat(node.getDomain()).isEqualTo("com.microsoft");
        assertThat(node.getOutput(0)).isEqualTo("y");
        if (withBias) {
            assertThat(node.getInputList()).containsExactly("x", "w_blocks", "w_block_scale", "", "", "b");
        }
        Map<String, Onnx.Tensor> inits = new java.util.HashMap<>();
        result.model().getGraph().getInitializerList().forEach(t -> inits.put(t.getName(), t));
        Onnx.Tensor b = inits.get(node.getInput(1));
        Onnx.Tensor scales = inits.get(node.getInput(2));
        int blocks = (k + blockSize - 1) / blockSize;
        assertThat(b.getDimsList()).containsExactly((long) n, (long) blocks, (long) blockSize);
        assertThat(b.getDataType()).isEqualTo(Onnx.Tensor.DataType.UINT8_VALUE);
        byte[] packed = b.getRawData().toByteArray();
        float[] s = Quantizer.readFloats(scales);
        float[] dequantised = new float[k * n];
        for (int col = 0; col < n; col++) {
            for (int row = 0; row < k; row++) {
                int block = row / blockSize;
                float scale = s[col * blocks + block];
                int q = (packed[(col * blocks + block) * blockSize + row % blockSize] & 0xff) - 128;
                dequantised[row * n + col] = q * scale;
                // round to nearest: within half a step of the float weight
                assertThat((double) dequantised[row * n + col]).isCloseTo(w[row * n + col], within(scale / 2 + 1e-7));
            }
        }
        Path file = dir.resolve("blockwise.onnx");
        ModelFiles.write(result.model(), file);
        int rows = 5;
        float[][] x = new float[rows][];
        for (int r = 0; r < rows; r++) {
            x[r] = gaussians(random, k);
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(file.toString(), new OrtSession.SessionOptions())) {
            float[][] batched = run(env, session, x);
            for (int r = 0; r < rows; r++) {
                float[] alone = run(env, session, new float[][] {x[r]})[0];
                for (int col = 0; col < n; col++) {
                    double expected = bias[col];
                    double bound = 1e-4;
                    for (int i = 0; i < k; i++) {
                        expected += x[r][i] * dequantised[i * n + col];
                        if (int8Activations) {
                            // x quantised symmetrically per block of the row: off by at most half a step each
                            bound += Math.abs(dequantised[i * n + col]) * blockMax(x[r], i / blockSize, blockSize) / 127;
                        }
                    }
                    assertThat((double) batched[r][col]).as("row %d column %d", r, col)
                            .isCloseTo(expected, within(int8Activations ? bound : 1e-4 * Math.max(1, Math.abs(expected))));
                    // the same row alone: the same answer up to float rounding, whatever its batch mates
                    assertThat(alone[col]).as("row %d column %d alone", r, col)
                            .isCloseTo(batched[r][col], within(1e-5f * Math.max(1, Math.abs(batched[r][col]))));
                }
            }
        }
    }

    private static double blockMax(float[] row, int block, int blockSize) {
        double max = 0;
        for (int i = block * blockSize; i < Math.min(row.length, (block + 1) * blockSize); i++) {
            max = Math.max(max, Math.abs(row[i]));
        }
        return max;
    }

    private static float[][] run(OrtEnvironment env, OrtSession session, float[][] x) throws Exception {
        try (OnnxTensor input = OnnxTensor.createTensor(env, x); OrtSession.Result out = session.run(Map.of("x", input))) {
            return (float[][]) out.get(0).getValue();
        }
    }

    private static float[] gaussians(Random random, int count) {
        float[] out = new float[count];
        for (int i = 0; i < count; i++) {
            out[i] = (float) random.nextGaussian();
        }
        return out;
    }

    private void checkGemm(QuantizeOptions options, String expectedOp) throws Exception {
        Random random = new Random(4);
        int k = 16;
        int n = 8;
        float[] w = new float[n * k];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) random.nextGaussian();
        }
        float[] bias = new float[n];
        for (int i = 0; i < n; i++) {
            bias[i] = (float) random.nextGaussian();
        }
        GraphBuilder g = GraphBuilder.create("gemm", 13);
        g.input("x", Onnx.Tensor.DataType.FLOAT, "batch", k);
        g.initializer("w", w, n, k);
        g.initializer("b", bias, n);
        g.node("Gemm", List.of("x", "w", "b"), "y", GraphBuilder.attribute("transB", 1L));
        g.output("y", Onnx.Tensor.DataType.FLOAT, "batch", n);
        Quantizer.Result result = Quantizer.quantize(g.build(), options);
        assertThat(result.matmuls()).isEqualTo(1);
        assertThat(result.model().getGraph().getNodeList()).extracting(Onnx.Node::getOpType).contains(expectedOp)
                .doesNotContain("Gemm");
        Path file = dir.resolve("q.onnx");
        ModelFiles.write(result.model(), file);

        float[] x = new float[k];
        for (int i = 0; i < k; i++) {
            x[i] = (float) random.nextGaussian();
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(file.toString(), new OrtSession.SessionOptions());
                OnnxTensor input = OnnxTensor.createTensor(env, new float[][] {x});
                OrtSession.Result out = session.run(Map.of("x", input))) {
            float[] y = ((float[][]) out.get(0).getValue())[0];
            for (int j = 0; j < n; j++) {
                double expected = bias[j];
                for (int i = 0; i < k; i++) {
                    expected += x[i] * w[j * k + i];
                }
                // int8 weights and activations: within a few percent of the output scale
                assertThat((double) y[j]).as("output %d", j).isCloseTo(expected, within(0.15));
            }
        }
    }
}

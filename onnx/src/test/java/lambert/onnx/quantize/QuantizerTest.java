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
    void quantize_rowwiseMatchesPerRowInt8InJavaAndIsBatchInvariant() throws Exception {
        checkRowwise(96, 12, false);
    }

    @Test
    void quantize_rowwiseKeepsTheBiasAddAndQuantisesASharedInputOnce() throws Exception {
        checkRowwise(64, 8, true);
    }

    @Test
    void quantize_rowwiseGemmWithTransposedWeightAndBiasStaysCloseToFloat() throws Exception {
        checkGemm(new QuantizeOptions(true, true, QuantizeOptions.Method.ROWWISE), "MatMulIntegerToFloat");
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

    /**
     * Two MatMuls [rows, k] x [k, n] reading the same input x, rewritten per row: one quantisation of x (one
     * Abs, one ReduceMax) feeding two MatMulIntegerToFloat. Expected values computed here: each row of x
     * quantised with its own scale max|x|/127 (round half to even), the int8 weights and their column scales
     * read back from the model (checked against the float weights), multiplied in integers. Each row alone
     * gives what it gives inside the batch; a row of zeros gives zeros (no division by zero).
     */
    private void checkRowwise(int k, int n, boolean withBias) throws Exception {
        Random random = new Random(11);
        float[] w1 = gaussians(random, k * n);
        float[] w2 = gaussians(random, k * n);
        float[] bias = new float[n];
        GraphBuilder g = GraphBuilder.create("rows", 13);
        g.input("x", Onnx.Tensor.DataType.FLOAT, "batch", k);
        g.initializer("w1", w1, k, n);
        g.initializer("w2", w2, k, n);
        if (withBias) {
            for (int i = 0; i < n; i++) {
                bias[i] = 3f * (i + 1);
            }
            g.initializer("b", bias, n);
            g.node("MatMul", List.of("x", "w1"), "product");
            g.node("Add", List.of("product", "b"), "y1");
        } else {
            g.node("MatMul", List.of("x", "w1"), "y1");
        }
        g.node("MatMul", List.of("x", "w2"), "y2");
        g.output("y1", Onnx.Tensor.DataType.FLOAT, "batch", n);
        g.output("y2", Onnx.Tensor.DataType.FLOAT, "batch", n);
        Quantizer.Result result = Quantizer.quantize(g.build(),
                new QuantizeOptions(true, true, QuantizeOptions.Method.ROWWISE));
        assertThat(result.matmuls()).isEqualTo(2);
        assertThat(result.description()).contains(Quantizer.BATCH_INVARIANT);
        List<String> ops = result.model().getGraph().getNodeList().stream().map(Onnx.Node::getOpType).toList();
        assertThat(ops).doesNotContain("MatMul", "DynamicQuantizeLinear");
        assertThat(ops.stream().filter(op -> op.equals("MatMulIntegerToFloat"))).hasSize(2);
        assertThat(ops.stream().filter(op -> op.equals("ReduceMax"))).hasSize(1);
        assertThat(ops.stream().filter(op -> op.equals("Add"))).hasSize(withBias ? 2 : 1); // + the 128 shift
        Map<String, Onnx.Tensor> inits = new java.util.HashMap<>();
        result.model().getGraph().getInitializerList().forEach(t -> inits.put(t.getName(), t));
        int[][] qw = new int[2][];
        float[][] ws = new float[2][];
        float[][] floats = {w1, w2};
        for (int m = 0; m < 2; m++) {
            Onnx.Tensor q = inits.get("w" + (m + 1) + "_quantized");
            // unsigned around 128, so that CPUs without VNNI multiply them exactly too (Quantizer.addColumnWeights)
            assertThat(q.getDataType()).isEqualTo(Onnx.Tensor.DataType.UINT8_VALUE);
            assertThat(inits.get("w" + (m + 1) + "_zero_point").getRawData().toByteArray())
                    .hasSize(n).containsOnly((byte) 128);
            assertThat(q.getDimsList()).containsExactly((long) k, (long) n);
            byte[] raw = q.getRawData().toByteArray();
            ws[m] = Quantizer.readFloats(inits.get("w" + (m + 1) + "_scale"));
            assertThat(ws[m]).hasSize(n);
            qw[m] = new int[k * n];
            for (int i = 0; i < k * n; i++) {
                qw[m][i] = Byte.toUnsignedInt(raw[i]) - 128;
                assertThat((double) qw[m][i] * ws[m][i % n]).isCloseTo(floats[m][i], within(ws[m][i % n] / 2 + 1e-7));
            }
        }
        Path file = dir.resolve("rows.onnx");
        ModelFiles.write(result.model(), file);
        int rows = 5;
        float[][] x = new float[rows][];
        for (int r = 0; r < rows - 1; r++) {
            x[r] = gaussians(random, k);
            x[r][r] *= 40; // an outlier in each row, of a different size
        }
        x[rows - 1] = new float[k];
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(file.toString(), new OrtSession.SessionOptions())) {
            float[][][] batched = runTwo(env, session, x);
            for (int r = 0; r < rows; r++) {
                float max = 0;
                for (float v : x[r]) {
                    max = Math.max(max, Math.abs(v));
                }
                float scale = Math.max(max, 1e-12f) / 127f;
                int[] qa = new int[k];
                for (int i = 0; i < k; i++) {
                    qa[i] = (int) Math.rint(x[r][i] / scale);
                }
                float[][][] alone = runTwo(env, session, new float[][] {x[r]});
                for (int m = 0; m < 2; m++) {
                    for (int col = 0; col < n; col++) {
                        long dot = 0;
                        double exact = 0;
                        for (int i = 0; i < k; i++) {
                            dot += (long) qa[i] * qw[m][i * n + col];
                            exact += x[r][i] * floats[m][i * n + col];
                        }
                        double b = m == 0 ? bias[col] : 0;
                        double expected = dot * (double) scale * ws[m][col] + b;
                        float got = batched[m][r][col];
                        assertThat((double) got).as("output %d row %d column %d", m, r, col)
                                .isCloseTo(expected, within(1e-5 * Math.max(1, Math.abs(expected))));
                        // and near the float product: each activation off by half a step at most, each weight too
                        double bound = 1e-4;
                        for (int i = 0; i < k; i++) {
                            bound += Math.abs(floats[m][i * n + col]) * scale / 2 + Math.abs(x[r][i]) * ws[m][col] / 2;
                        }
                        assertThat((double) got).isCloseTo(exact + b, within(bound));
                        assertThat(alone[m][0][col]).as("output %d row %d column %d alone", m, r, col)
                                .isCloseTo(got, within(1e-6f * Math.max(1, Math.abs(got))));
                    }
                }
            }
        }
    }

    private static float[][][] runTwo(OrtEnvironment env, OrtSession session, float[][] x) throws Exception {
        try (OnnxTensor input = OnnxTensor.createTensor(env, x); OrtSession.Result out = session.run(Map.of("x", input))) {
            return new float[][][] {(float[][]) out.get("y1").get().getValue(), (float[][]) out.get("y2").get().getValue()};
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

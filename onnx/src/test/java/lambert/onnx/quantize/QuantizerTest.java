package lambert.onnx.quantize;

import static org.assertj.core.api.Assertions.assertThat;
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

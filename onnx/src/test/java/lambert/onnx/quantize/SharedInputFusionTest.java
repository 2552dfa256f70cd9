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

/**
 * Three MatMul-plus-bias projections of one input (attention's query, key and value, in small) fused into one
 * MatMul, Add and Split: ONNX Runtime's answers equal the float answers computed here by hand, before and after
 * the blockwise rewrite makes the one MatMul a MatMulNBits.
 */
class SharedInputFusionTest {
    private static final int K = 40;
    private static final int[] WIDTHS = {16, 8, 24};

    @TempDir
    Path dir;

    @Test
    void fuse_threeProjectionsOfOneInputBecomeOneMatMulAndASplitWithTheSameAnswers() throws Exception {
        Random random = new Random(11);
        float[][] w = new float[WIDTHS.length][];
        float[][] b = new float[WIDTHS.length][];
        GraphBuilder g = GraphBuilder.create("qkv", 13);
        g.input("x", Onnx.Tensor.DataType.FLOAT, "batch", K);
        for (int p = 0; p < WIDTHS.length; p++) {
            w[p] = gaussians(random, K * WIDTHS[p]);
            b[p] = gaussians(random, WIDTHS[p]);
            g.initializer("w" + p, w[p], K, WIDTHS[p]);
            g.initializer("b" + p, b[p], WIDTHS[p]);
            g.node("MatMul", List.of("x", "w" + p), "product" + p);
            g.node("Add", List.of("product" + p, "b" + p), "y" + p);
            g.output("y" + p, Onnx.Tensor.DataType.FLOAT, "batch", WIDTHS[p]);
        }
        SharedInputFusion.Result fused = SharedInputFusion.fuse(g.build());

        assertThat(fused.groups()).isEqualTo(1);
        assertThat(fused.matmuls()).isEqualTo(3);
        assertThat(fused.model().getGraph().getNodeList()).extracting(Onnx.Node::getOpType)
                .containsExactly("MatMul", "Add", "Split");
        assertThat(fused.model().getGraph().getNode(2).getOutputList()).containsExactly("y0", "y1", "y2");
        assertThat(fused.model().getGraph().getInitializerList()).extracting(Onnx.Tensor::getName)
                .noneMatch(name -> name.matches("[wb][0-2]"));
        float[][] x = new float[3][];
        for (int r = 0; r < x.length; r++) {
            x[r] = gaussians(random, K);
        }
        check(fused.model(), x, w, b, 1e-4);

        // blockwise afterwards: the one MatMul and its bias become one MatMulNBits feeding the Split
        Quantizer.Result q = Quantizer.quantize(fused.model(), QuantizeOptions.blockwise(32));
        assertThat(q.model().getGraph().getNodeList()).extracting(Onnx.Node::getOpType)
                .containsExactly("MatMulNBits", "Split");
        assertThat(q.model().getGraph().getNode(0).getAttributeList()).anySatisfy(a -> {
            assertThat(a.getName()).isEqualTo("N");
            assertThat(a.getI()).isEqualTo(48);
        });
        // int8 weights and activations: close to the float answer, not equal
        check(q.model(), x, w, b, 0.3);
    }

    @Test
    void fuse_aMatMulAloneOnItsInputIsLeftAsItIs() {
        GraphBuilder g = GraphBuilder.create("one", 13);
        g.input("x", Onnx.Tensor.DataType.FLOAT, "batch", K);
        g.initializer("w", new float[K * 4], K, 4);
        g.initializer("b", new float[4], 4);
        g.node("MatMul", List.of("x", "w"), "product");
        g.node("Add", List.of("product", "b"), "y");
        g.output("y", Onnx.Tensor.DataType.FLOAT, "batch", 4);
        Onnx.Model model = g.build();

        SharedInputFusion.Result result = SharedInputFusion.fuse(model);

        assertThat(result.groups()).isZero();
        assertThat(result.model()).isSameAs(model);
    }

    private void check(Onnx.Model model, float[][] x, float[][] w, float[][] b, double tolerance) throws Exception {
        Path file = dir.resolve("model-" + System.nanoTime() + ".onnx");
        ModelFiles.write(model, file);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(file.toString(), new OrtSession.SessionOptions());
                OnnxTensor input = OnnxTensor.createTensor(env, x);
                OrtSession.Result out = session.run(Map.of("x", input))) {
            for (int p = 0; p < WIDTHS.length; p++) {
                float[][] y = (float[][]) out.get("y" + p).orElseThrow().getValue();
                for (int r = 0; r < x.length; r++) {
                    for (int c = 0; c < WIDTHS[p]; c++) {
                        double expected = b[p][c];
                        for (int i = 0; i < K; i++) {
                            expected += x[r][i] * w[p][i * WIDTHS[p] + c];
                        }
                        assertThat((double) y[r][c]).as("y%d row %d column %d", p, r, c)
                                .isCloseTo(expected, within(tolerance * Math.max(1, Math.abs(expected))));
                    }
                }
            }
        }
    }

    private static float[] gaussians(Random random, int count) {
        float[] out = new float[count];
        for (int i = 0; i < count; i++) {
            out[i] = (float) random.nextGaussian();
        }
        return out;
    }
}

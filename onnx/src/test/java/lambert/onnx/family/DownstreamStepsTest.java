package lambert.onnx.family;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import lambert.onnx.checkpoint.Checkpoint;
import lambert.onnx.io.ModelFiles;
import lambert.onnx.proto.Onnx;
import lambert.onnx.quantize.QuantizeOptions;
import lambert.onnx.quantize.Quantizer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The converted graphs go through the later build steps: they keep the shapes and patterns ONNX
 * Runtime's fusions look for, so that {@code lambert optimize} (the EXTENDED level, saved) turns
 * every residual LayerNorm into {@code SkipLayerNormalization} and every GELU with its bias into
 * {@code BiasGelu}; and {@code lambert quantize} finds every Linear layer.
 */
class DownstreamStepsTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"bert", "roberta", "distilbert"})
    void graph_optimisedByOnnxRuntimeFusesResidualLayerNormsAndGelu(String type) throws Exception {
        Checkpoint checkpoint = TinyCheckpoints.of(type, Head.ENCODER, 1);
        Path raw = dir.resolve(type + ".onnx");
        Path optimised = dir.resolve(type + "-optimised.onnx");
        ModelFiles.write(ModelFamilies.forConfig(checkpoint.config()).graph(checkpoint, Head.ENCODER, 17), raw);
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.EXTENDED_OPT);
            options.setOptimizedModelFilePath(optimised.toString());
            OrtEnvironment.getEnvironment().createSession(raw.toString(), options).close();
        }
        Map<String, Integer> ops = new TreeMap<>();
        for (Onnx.Node n : ModelFiles.read(optimised).getGraph().getNodeList()) {
            ops.merge(n.getOpType(), 1, Integer::sum);
        }
        // two layers: two residual LayerNorms and one GELU each
        assertThat(ops.getOrDefault("SkipLayerNormalization", 0)).as("%s", ops).isGreaterThanOrEqualTo(4);
        assertThat(ops.getOrDefault("BiasGelu", 0)).as("%s", ops).isEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"bert", "roberta", "distilbert", "mobilebert"})
    void graph_quantisedHasEveryLinearLayerInInt8AndStillRuns(String type) throws Exception {
        Checkpoint checkpoint = TinyCheckpoints.of(type, Head.SEQUENCE_CLASSIFICATION, 2);
        Onnx.Model model = ModelFamilies.forConfig(checkpoint.config()).graph(checkpoint, Head.SEQUENCE_CLASSIFICATION, 17);
        long linears = model.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("MatMul"))
                .filter(n -> checkpoint.has(n.getInput(1))).count();

        Quantizer.Result result = Quantizer.quantize(model, QuantizeOptions.defaults());

        assertThat(result.matmuls()).isEqualTo(linears);
        float[][] logits = (float[][]) OrtRun.run(result.model(), new long[][] {{2, 17, 33, 3}, {2, 5, 3}}, null,
                checkpoint.config().intOr("pad_token_id", 0), false);
        assertThat(logits).hasDimensions(2, TinyCheckpoints.labels(Head.SEQUENCE_CLASSIFICATION));
    }
}

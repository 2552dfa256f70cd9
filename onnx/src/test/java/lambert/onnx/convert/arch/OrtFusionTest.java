package lambert.onnx.convert.arch;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import lambert.onnx.convert.Checkpoint;
import lambert.onnx.convert.Head;
import lambert.onnx.io.ModelFiles;
import lambert.onnx.proto.Onnx;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The graphs keep the shapes and patterns ONNX Runtime's fusions look for, so that
 * {@code lambert optimize} (the EXTENDED level, saved) turns every residual LayerNorm into
 * {@code SkipLayerNormalization} and every GELU with its bias into {@code BiasGelu}.
 */
class OrtFusionTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"bert", "roberta", "distilbert"})
    void graph_optimisedByOnnxRuntimeFusesResidualLayerNormsAndGelu(String type) throws Exception {
        Checkpoint checkpoint = TinyCheckpoints.of(type, Head.ENCODER, 1);
        Path raw = dir.resolve(type + ".onnx");
        Path optimised = dir.resolve(type + "-optimised.onnx");
        ModelFiles.write(Architectures.forConfig(checkpoint.config()).graph(checkpoint, Head.ENCODER, 17), raw);
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
}

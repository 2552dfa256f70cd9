package lambert.onnx.family;

import static lambert.onnx.family.FamilyConformanceTest.assertClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import lambert.onnx.checkpoint.Checkpoint;
import lambert.onnx.checkpoint.CheckpointException;
import lambert.onnx.checkpoint.Tensor;
import lambert.onnx.proto.Onnx;
import org.junit.jupiter.api.Test;

/** DistilBERT specifics: its own config names, ReLU, no token types. */
class DistilBertFamilyTest {
    private static final long[] TEXT = {2, 17, 33, 5, 41, 9, 3};

    @Test
    void graph_reluActivationMatchesReference() throws Exception {
        Checkpoint checkpoint = TinyCheckpoints.withConfig(TinyCheckpoints.distilbert(Head.SEQUENCE_CLASSIFICATION, 2),
                "activation", "relu");
        ModelFamily architecture = ModelFamilies.forConfig(checkpoint.config());
        Object out = OrtRun.run(architecture.graph(checkpoint, Head.SEQUENCE_CLASSIFICATION, 17), new long[][] {TEXT},
                null, 0, false);
        assertClose((float[][]) out, architecture.reference(checkpoint, Head.SEQUENCE_CLASSIFICATION).forward(TEXT, null),
                TEXT.length);
    }

    @Test
    void graph_sinusoidalPositionsLeftOutOfTheCheckpointAreMade() throws Exception {
        Checkpoint full = TinyCheckpoints.withConfig(TinyCheckpoints.distilbert(Head.ENCODER, 3), "sinusoidal_pos_embds", true);
        Map<String, Tensor> weights = new LinkedHashMap<>(full.weights());
        weights.remove("embeddings.position_embeddings.weight");
        Checkpoint checkpoint = new Checkpoint(full.config(), weights);
        ModelFamily architecture = ModelFamilies.forConfig(checkpoint.config());
        Onnx.Model model = architecture.graph(checkpoint, Head.ENCODER, 17);
        Object out = OrtRun.run(model, new long[][] {TEXT}, null, 0, false);
        assertClose(((float[][][]) out)[0], architecture.reference(checkpoint, Head.ENCODER).forward(TEXT, null),
                TEXT.length);
        Onnx.Tensor table = model.getGraph().getInitializerList().stream()
                .filter(t -> t.getName().equals("embeddings.position_embeddings.weight")).findFirst().orElseThrow();
        FloatBuffer values = table.getRawData().asReadOnlyByteBuffer()
                .order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        // position 1: sin(1) in column 0, cos(1) in column 1
        assertThat(values.get(32)).isEqualTo((float) Math.sin(1));
        assertThat(values.get(33)).isEqualTo((float) Math.cos(1));
    }

    @Test
    void graph_positionTableMissingWithoutSinusoidalIsRefused() {
        Checkpoint full = TinyCheckpoints.distilbert(Head.ENCODER, 3);
        Map<String, Tensor> weights = new LinkedHashMap<>(full.weights());
        weights.remove("embeddings.position_embeddings.weight");
        Checkpoint checkpoint = new Checkpoint(full.config(), weights);
        assertThatThrownBy(() -> ModelFamilies.forConfig(checkpoint.config()).graph(checkpoint, Head.ENCODER, 17))
                .isInstanceOf(CheckpointException.class)
                .hasMessage("the checkpoint has no tensor embeddings.position_embeddings.weight (expected shape [32, 32]"
                        + " from config.json)");
    }

    @Test
    void graph_takesNoTokenTypes() throws Exception {
        Checkpoint checkpoint = TinyCheckpoints.distilbert(Head.ENCODER, 2);
        Onnx.Graph graph = ModelFamilies.forConfig(checkpoint.config()).graph(checkpoint, Head.ENCODER, 17).getGraph();
        assertThat(graph.getInputList()).extracting(Onnx.ValueInfo::getName).containsExactly("input_ids", "attention_mask");
    }

    @Test
    void graph_dimDisagreeingWithWeightsNamesTheTensorAndBothShapes() {
        Checkpoint checkpoint = TinyCheckpoints.withConfig(TinyCheckpoints.distilbert(Head.TOKEN_CLASSIFICATION, 2),
                "hidden_dim", 48L);
        assertThatThrownBy(() -> ModelFamilies.forConfig(checkpoint.config()).graph(checkpoint, Head.TOKEN_CLASSIFICATION, 17))
                .isInstanceOf(CheckpointException.class)
                .hasMessage("tensor distilbert.transformer.layer.0.ffn.lin1.weight has shape [64, 32] but config.json"
                        + " implies [48, 32]");
    }

    @Test
    void graph_unknownActivationIsRefused() {
        Checkpoint checkpoint = TinyCheckpoints.withConfig(TinyCheckpoints.distilbert(Head.ENCODER, 2), "activation", "mish");
        assertThatThrownBy(() -> ModelFamilies.forConfig(checkpoint.config()).graph(checkpoint, Head.ENCODER, 17))
                .isInstanceOf(CheckpointException.class)
                .hasMessageStartingWith("config.json: field \"activation\" is \"mish\", expected one of gelu, gelu_new");
    }
}

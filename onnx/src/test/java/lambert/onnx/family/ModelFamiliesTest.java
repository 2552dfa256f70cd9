package lambert.onnx.family;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import lambert.onnx.checkpoint.Checkpoint;
import lambert.onnx.checkpoint.CheckpointException;
import lambert.onnx.checkpoint.ModelConfig;
import org.junit.jupiter.api.Test;

/** Choosing the architecture from {@code model_type} and the head from {@code architectures} and the weights. */
class ModelFamiliesTest {
    private static final List<String> FAMILIES = List.of("bert", "roberta", "distilbert", "mobilebert");

    @Test
    void forConfig_knownModelTypes() throws Exception {
        for (String type : ModelFamilies.supportedModelTypes()) {
            assertThat(ModelFamilies.forConfig(ModelConfig.of(Map.of("model_type", type))).modelTypes()).contains(type);
        }
        assertThat(ModelFamilies.supportedModelTypes()).contains("bert", "roberta", "xlm-roberta", "distilbert");
    }

    @Test
    void forConfig_unsupportedModelTypeListsSupportedOnes() {
        assertThatThrownBy(() -> ModelFamilies.forConfig(ModelConfig.of(Map.of("model_type", "gpt2"))))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("model_type \"gpt2\" is not supported")
                .hasMessageContaining("bert, roberta");
    }

    @Test
    void headFor_followsArchitectures() throws Exception {
        for (String type : FAMILIES) {
            for (Head head : Head.values()) {
                assertThat(ModelFamilies.headFor(TinyCheckpoints.of(type, head, 1), Optional.empty()))
                        .as("%s %s", type, head).isEqualTo(head);
            }
        }
    }

    @Test
    void headFor_withoutArchitecturesReadsTheWeights() throws Exception {
        for (String type : FAMILIES) {
            for (Head head : Head.values()) {
                Checkpoint bare = TinyCheckpoints.withConfig(TinyCheckpoints.of(type, head, 1), "architectures", null);
                assertThat(ModelFamilies.headFor(bare, Optional.empty())).as("%s %s", type, head).isEqualTo(head);
            }
        }
    }

    @Test
    void headFor_unsupportedHeadListsSupportedOnesAndOffersTheEncoder() {
        Checkpoint mlm = TinyCheckpoints.withConfig(TinyCheckpoints.bert(Head.ENCODER, 1), "architectures",
                List.of("BertForMaskedLM"));
        assertThatThrownBy(() -> ModelFamilies.headFor(mlm, Optional.empty()))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("[BertForMaskedLM]")
                .hasMessageContaining("ENCODER (BertModel), SEQUENCE_CLASSIFICATION (BertForSequenceClassification), "
                        + "TOKEN_CLASSIFICATION (BertForTokenClassification)")
                .hasMessageContaining("Ask for the ENCODER head");
    }

    @Test
    void headFor_encoderRequestedDropsAnyHead() throws Exception {
        Checkpoint qa = TinyCheckpoints.withConfig(TinyCheckpoints.bert(Head.ENCODER, 1), "architectures",
                List.of("BertForQuestionAnswering"));
        assertThat(ModelFamilies.headFor(qa, Optional.of(Head.ENCODER))).isEqualTo(Head.ENCODER);
        Checkpoint classifier = TinyCheckpoints.bert(Head.SEQUENCE_CLASSIFICATION, 1);
        assertThat(ModelFamilies.headFor(classifier, Optional.of(Head.ENCODER))).isEqualTo(Head.ENCODER);
    }

    @Test
    void headFor_classificationRequestedOfABareEncoderIsRefused() {
        assertThatThrownBy(() -> ModelFamilies.headFor(TinyCheckpoints.bert(Head.ENCODER, 1),
                Optional.of(Head.SEQUENCE_CLASSIFICATION)))
                .isInstanceOf(CheckpointException.class)
                .hasMessage("the checkpoint is a bare encoder (BertModel, no classification head) and cannot be converted"
                        + " with the SEQUENCE_CLASSIFICATION head; it can be converted with ENCODER only");
    }

    @Test
    void headFor_otherClassificationHeadRequestedIsRefused() {
        assertThatThrownBy(() -> ModelFamilies.headFor(TinyCheckpoints.roberta(Head.SEQUENCE_CLASSIFICATION, 1),
                Optional.of(Head.TOKEN_CLASSIFICATION)))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("a sequence classifier (RobertaForSequenceClassification)")
                .hasMessageContaining("SEQUENCE_CLASSIFICATION or ENCODER");
    }

    @Test
    void checkOpset_outsideTheRangeIsRefused() throws Exception {
        ModelFamilies.checkOpset(13);
        ModelFamilies.checkOpset(21);
        assertThatThrownBy(() -> ModelFamilies.checkOpset(12))
                .isInstanceOf(CheckpointException.class)
                .hasMessage("opset 12 is not supported: expected 13 to 21, 17 by default");
        assertThatThrownBy(() -> ModelFamilies.checkOpset(22)).isInstanceOf(CheckpointException.class);
    }
}

package lambert.onnx.family;

import static lambert.onnx.family.FamilyConformanceTest.assertClose;
import static lambert.onnx.family.FamilyConformanceTest.first;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import lambert.onnx.checkpoint.Checkpoint;
import lambert.onnx.checkpoint.CheckpointException;
import lambert.onnx.checkpoint.Tensor;
import lambert.onnx.proto.Onnx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** BERT and RoBERTa specifics: activations, opsets, names, positions, and what is refused. */
class BertFamilyTest {
    private static final long[] TEXT = {2, 17, 33, 5, 41, 9, 3};

    @ParameterizedTest
    @ValueSource(strings = {"gelu_new", "relu", "silu"})
    void graph_otherActivationsMatchReference(String activation) throws Exception {
        Checkpoint checkpoint = TinyCheckpoints.withConfig(TinyCheckpoints.bert(Head.ENCODER, 3), "hidden_act", activation);
        checkAgainstReference(checkpoint, Head.ENCODER, ModelFamilies.DEFAULT_OPSET);
    }

    @ParameterizedTest
    @ValueSource(ints = {13, 14, 15, 16, 18, 19, 20, 21})
    void graph_otherOpsetsMatchReference(int opset) throws Exception {
        Onnx.Model model = checkAgainstReference(TinyCheckpoints.bert(Head.SEQUENCE_CLASSIFICATION, 4),
                Head.SEQUENCE_CLASSIFICATION, opset);
        assertThat(model.getOpsetImport(0).getVersion()).isEqualTo(opset);
        assertThat(model.getIrVersion()).isEqualTo(opset <= 18 ? 8 : opset <= 20 ? 9 : 10);
    }

    @Test
    void graph_relativePositionEmbeddingsAreRefused() {
        Checkpoint checkpoint = TinyCheckpoints.withConfig(TinyCheckpoints.bert(Head.ENCODER, 5),
                "position_embedding_type", "relative_key");
        assertThatThrownBy(() -> ModelFamilies.forConfig(checkpoint.config()).graph(checkpoint, Head.ENCODER, 17))
                .isInstanceOf(CheckpointException.class)
                .hasMessage("config.json: field \"position_embedding_type\" is \"relative_key\"; lambert converts"
                        + " absolute position embeddings only");
    }

    @Test
    void graph_initializersKeepCheckpointNamesWithLinearWeightsTransposed() throws Exception {
        Checkpoint checkpoint = TinyCheckpoints.bert(Head.ENCODER, 6);
        Onnx.Graph graph = ModelFamilies.forConfig(checkpoint.config()).graph(checkpoint, Head.ENCODER, 17).getGraph();
        Onnx.Tensor query = graph.getInitializerList().stream()
                .filter(t -> t.getName().equals("encoder.layer.0.attention.self.query.weight")).findFirst().orElseThrow();
        assertThat(query.getDimsList()).containsExactly(32L, 32L);
        Tensor original = checkpoint.weights().get("encoder.layer.0.attention.self.query.weight");
        java.nio.FloatBuffer stored = query.getRawData().asReadOnlyByteBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .asFloatBuffer();
        // stored[in][out] == original[out][in]
        assertThat(stored.get(3 * 32 + 5)).isEqualTo(original.data()[5 * 32 + 3]);
    }

    @Test
    void graph_prefixedCheckpointConvertsAsBareEncoder() throws Exception {
        checkAgainstReference(TinyCheckpoints.bert(Head.TOKEN_CLASSIFICATION, 7), Head.ENCODER, 17);
    }

    @Test
    void graph_legacyGammaBetaLayerNormNamesAreRead() throws Exception {
        Checkpoint checkpoint = TinyCheckpoints.bert(Head.ENCODER, 8);
        Map<String, Tensor> renamed = new LinkedHashMap<>();
        for (Tensor t : checkpoint.weights().values()) {
            String name = t.name().replace("LayerNorm.weight", "LayerNorm.gamma").replace("LayerNorm.bias", "LayerNorm.beta");
            renamed.put(name, new Tensor(name, t.shape(), t.data()));
        }
        checkAgainstReference(new Checkpoint(checkpoint.config(), renamed), Head.ENCODER, 17);
    }

    @Test
    void graph_hiddenSizeDisagreeingWithWeightsNamesTheTensorAndBothShapes() {
        Checkpoint checkpoint = TinyCheckpoints.withConfig(TinyCheckpoints.bert(Head.ENCODER, 9), "hidden_size", 64L);
        assertThatThrownBy(() -> ModelFamilies.forConfig(checkpoint.config()).graph(checkpoint, Head.ENCODER, 17))
                .isInstanceOf(CheckpointException.class)
                .hasMessage("tensor embeddings.word_embeddings.weight has shape [50, 32] but config.json implies [50, 64]");
        assertThatThrownBy(() -> ModelFamilies.forConfig(checkpoint.config()).reference(checkpoint, Head.ENCODER))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("embeddings.word_embeddings.weight has shape [50, 32]");
    }

    @Test
    void graph_labelCountDisagreeingWithClassifierIsRefused() {
        Checkpoint checkpoint = TinyCheckpoints.withConfig(TinyCheckpoints.bert(Head.SEQUENCE_CLASSIFICATION, 9),
                "id2label", Map.of("0", "a", "1", "b"));
        assertThatThrownBy(() -> ModelFamilies.forConfig(checkpoint.config())
                .graph(checkpoint, Head.SEQUENCE_CLASSIFICATION, 17))
                .isInstanceOf(CheckpointException.class)
                .hasMessage("tensor classifier.weight has shape [3, 32] but config.json implies [2, 32]");
    }

    @Test
    void graph_notABertCheckpointSaysWhatWasExpected() {
        Checkpoint empty = new Checkpoint(TinyCheckpoints.bert(Head.ENCODER, 1).config(), Map.of());
        assertThatThrownBy(() -> ModelFamilies.forConfig(empty.config()).graph(empty, Head.ENCODER, 17))
                .isInstanceOf(CheckpointException.class)
                .hasMessage("not a BERT checkpoint: expected a tensor bert.embeddings.word_embeddings.weight or "
                        + "embeddings.word_embeddings.weight, found neither among 0 tensors");
    }

    @Test
    void graph_robertaPositionsFollowTheRealTokensWhenPaddedOnTheLeft() throws Exception {
        // positions count from pad_token_id + 1 over the real tokens, so a left-padded text sees the
        // same positions as alone; BERT's 0..n-1 would not
        Checkpoint checkpoint = TinyCheckpoints.roberta(Head.TOKEN_CLASSIFICATION, 10);
        ModelFamily architecture = ModelFamilies.forConfig(checkpoint.config());
        long[] shortText = {2, 44, 12, 3};
        Object out = OrtRun.run(architecture.graph(checkpoint, Head.TOKEN_CLASSIFICATION, 17),
                new long[][] {TEXT, shortText}, null, 1, true);
        float[][] padded = ((float[][][]) out)[1];
        float[][] valid = java.util.Arrays.copyOfRange(padded, TEXT.length - shortText.length, TEXT.length);
        assertClose(valid, architecture.reference(checkpoint, Head.TOKEN_CLASSIFICATION).forward(shortText, null),
                shortText.length);
    }

    @Test
    void reference_robertaGivesPadTokensThePadPosition() throws Exception {
        // a pad id inside the text keeps position pad_token_id, as Hugging Face does: the graph agrees
        Checkpoint checkpoint = TinyCheckpoints.roberta(Head.ENCODER, 11);
        long[] withPad = {2, 17, 1, 5, 3};
        checkAgainstReference(checkpoint, Head.ENCODER, 17, withPad);
    }

    @Test
    void usesTokenTypes_followsTypeVocabularySize() throws Exception {
        Checkpoint bert = TinyCheckpoints.bert(Head.ENCODER, 1);
        Checkpoint roberta = TinyCheckpoints.roberta(Head.ENCODER, 1);
        assertThat(ModelFamilies.forConfig(bert.config()).usesTokenTypes(bert.config())).isTrue();
        assertThat(ModelFamilies.forConfig(roberta.config()).usesTokenTypes(roberta.config())).isFalse();
    }

    private static Onnx.Model checkAgainstReference(Checkpoint checkpoint, Head head, int opset) throws Exception {
        return checkAgainstReference(checkpoint, head, opset, TEXT);
    }

    private static Onnx.Model checkAgainstReference(Checkpoint checkpoint, Head head, int opset, long[] text)
            throws Exception {
        ModelFamily architecture = ModelFamilies.forConfig(checkpoint.config());
        Onnx.Model model = architecture.graph(checkpoint, head, opset);
        long pad = checkpoint.config().intOr("pad_token_id", 0);
        Object out = OrtRun.run(model, new long[][] {text}, null, pad, false);
        assertClose(first(out, head), architecture.reference(checkpoint, head).forward(text, null), text.length);
        return model;
    }
}

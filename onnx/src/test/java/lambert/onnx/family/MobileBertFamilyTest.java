package lambert.onnx.family;

import static lambert.onnx.family.FamilyConformanceTest.assertClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import lambert.onnx.checkpoint.Checkpoint;
import lambert.onnx.checkpoint.CheckpointException;
import lambert.onnx.proto.Onnx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** MobileBERT's structural switches, each against the reference, alone and in a padded batch. */
class MobileBertFamilyTest {
    private static final long[] LONG_TEXT = {2, 17, 33, 5, 41, 9, 3};
    private static final long[] SHORT_TEXT = {2, 44, 12, 3};

    static Stream<Arguments> variants() {
        return Stream.of(
                Arguments.of("layer_norm, bottleneck attention", Map.of("normalization_type", "layer_norm",
                        "use_bottleneck_attention", true, "key_query_shared_bottleneck", false)),
                Arguments.of("no shared key/query bottleneck, value from the hidden state",
                        Map.of("key_query_shared_bottleneck", false, "use_bottleneck_attention", false,
                                "intra_bottleneck_size", 32L)),
                Arguments.of("no bottleneck", Map.of("use_bottleneck", false)),
                Arguments.of("no trigram, narrow embeddings", Map.of("trigram_input", false)),
                Arguments.of("no trigram, embeddings as wide as hidden", Map.of("trigram_input", false, "embedding_size", 32L)),
                Arguments.of("pooler without dense and tanh", Map.of("classifier_activation", false)),
                Arguments.of("one feed-forward network, gelu", Map.of("num_feedforward_networks", 1L, "hidden_act", "gelu")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void graph_variantMatchesReferenceAloneAndPadded(String description, Map<String, ?> overrides) throws Exception {
        for (Head head : Head.values()) {
            Checkpoint checkpoint = TinyCheckpoints.mobilebert(head, 21, overrides);
            ModelFamily architecture = ModelFamilies.forConfig(checkpoint.config());
            Onnx.Model model = architecture.graph(checkpoint, head, 17);
            Object out = OrtRun.run(model, new long[][] {LONG_TEXT, SHORT_TEXT}, null, 0, false);
            long[][] texts = {LONG_TEXT, SHORT_TEXT};
            for (int b = 0; b < 2; b++) {
                float[][] actual = head == Head.SEQUENCE_CLASSIFICATION
                        ? new float[][] {((float[][]) out)[b]}
                        : ((float[][][]) out)[b];
                assertClose(actual, architecture.reference(checkpoint, head).forward(texts[b], null), texts[b].length);
            }
        }
    }

    @Test
    void graph_singleTokenTextMatchesReference() throws Exception {
        Checkpoint checkpoint = TinyCheckpoints.mobilebert(Head.TOKEN_CLASSIFICATION, 22);
        ModelFamily architecture = ModelFamilies.forConfig(checkpoint.config());
        long[] one = {7};
        Object out = OrtRun.run(architecture.graph(checkpoint, Head.TOKEN_CLASSIFICATION, 17), new long[][] {one}, null, 0,
                false);
        assertClose(((float[][][]) out)[0], architecture.reference(checkpoint, Head.TOKEN_CLASSIFICATION).forward(one, null),
                1);
    }

    @Test
    void graph_usesNoNormAsMulAndAddWithoutLayerNormalization() throws Exception {
        Checkpoint checkpoint = TinyCheckpoints.mobilebert(Head.ENCODER, 23);
        Onnx.Graph graph = ModelFamilies.forConfig(checkpoint.config()).graph(checkpoint, Head.ENCODER, 17).getGraph();
        assertThat(graph.getNodeList()).extracting(Onnx.Node::getOpType)
                .doesNotContain("LayerNormalization")
                .contains("Pad", "Concat")
                .allMatch(op -> !op.isEmpty());
        assertThat(graph.getNodeList()).allSatisfy(n -> assertThat(n.getDomain()).isEmpty());
    }

    @Test
    void graph_bottleneckSizeDisagreeingWithWeightsNamesTheTensorAndBothShapes() {
        Checkpoint checkpoint = TinyCheckpoints.withConfig(TinyCheckpoints.mobilebert(Head.ENCODER, 24),
                "intra_bottleneck_size", 8L);
        assertThatThrownBy(() -> ModelFamilies.forConfig(checkpoint.config()).graph(checkpoint, Head.ENCODER, 17))
                .isInstanceOf(CheckpointException.class)
                .hasMessage("tensor encoder.layer.0.bottleneck.input.dense.weight has shape [16, 32] but config.json"
                        + " implies [8, 32]");
    }

    @Test
    void headFor_withoutArchitecturesOrPoolerAsksForTheHead() {
        Checkpoint checkpoint = TinyCheckpoints.withConfig(
                TinyCheckpoints.mobilebert(Head.SEQUENCE_CLASSIFICATION, 25, Map.of("classifier_activation", false)),
                "architectures", null);
        assertThatThrownBy(() -> ModelFamilies.headFor(checkpoint, Optional.empty()))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("do not tell a sequence classifier from a token classifier: ask for the head");
    }
}

package lambert.onnx.family;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import lambert.onnx.checkpoint.Checkpoint;
import lambert.onnx.checkpoint.ExpectedWeights;
import lambert.onnx.checkpoint.ModelConfig;
import lambert.onnx.checkpoint.Tensor;
import lambert.onnx.proto.Onnx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What each architecture declares it reads ({@link ModelFamily#expectedWeights}) against what its graph really
 * reads: every ONNX initializer that comes from a checkpoint tensor (the graph code names them after the tensors,
 * independently of the declaration) is declared, with the tensor's shape accepted, for every family, head and
 * MobileBERT variant; and the checks a reader makes with the declaration, message by message.
 */
class ExpectedWeightsTest {
    static Stream<Arguments> checkpoints() {
        List<Arguments> all = new ArrayList<>();
        for (String type : List.of("bert", "roberta", "distilbert", "mobilebert")) {
            for (Head head : Head.values()) {
                all.add(Arguments.of(type + " " + head, TinyCheckpoints.of(type, head, 5), head));
            }
        }
        List<Map<String, Object>> variants = List.of(Map.of("normalization_type", "layer_norm",
                "use_bottleneck_attention", true), Map.of("key_query_shared_bottleneck", false),
                Map.of("use_bottleneck", false), Map.of("trigram_input", false),
                Map.of("trigram_input", false, "embedding_size", 32L), Map.of("classifier_activation", false),
                Map.of("num_feedforward_networks", 1L));
        for (Map<String, Object> variant : variants) {
            for (Head head : Head.values()) {
                all.add(Arguments.of("mobilebert " + variant + " " + head, TinyCheckpoints.mobilebert(head, 6, variant),
                        head));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("checkpoints")
    void expectedWeights_declareEveryCheckpointTensorTheGraphReads(String name, Checkpoint checkpoint, Head head)
            throws Exception {
        ModelFamily architecture = ModelFamilies.forConfig(checkpoint.config());
        ExpectedWeights expected = architecture.expectedWeights(checkpoint.config());
        Onnx.Model graph = architecture.graph(checkpoint, head, ModelFamilies.DEFAULT_OPSET);
        int fromCheckpoint = 0;
        for (Onnx.Tensor initializer : graph.getGraph().getInitializerList()) {
            Tensor tensor = checkpoint.weights().get(initializer.getName());
            if (tensor != null) {
                fromCheckpoint++;
                assertThat(expected.declares(tensor.name())).as(tensor.toString()).isTrue();
                assertThat(expected.check(tensor.name(), tensor.shape())).as(tensor.toString()).isNull();
            }
        }
        assertThat(fromCheckpoint).as("initializers named after checkpoint tensors").isGreaterThan(10);
    }

    @Test
    void check_namesTheTensorAndBothShapes() throws Exception {
        ExpectedWeights bert = ModelFamilies.expectedWeights(TinyCheckpoints.bert(Head.ENCODER, 1).config());
        String table = "embeddings.word_embeddings.weight";
        assertThat(bert.check(table, new long[] {50, 32})).isNull();
        assertThat(bert.check("bert." + table, new long[] {50, 32})).isNull();
        assertThat(bert.check(table, new long[] {2_147_483_000L, 1}))
                .isEqualTo("tensor " + table + " has shape [2147483000, 1] but config.json implies [50, 32]");
        assertThat(bert.check(table, new long[] {50, 32, 1})).contains("but config.json implies [50, 32]");
        assertThat(bert.check("encoder.layer.1.intermediate.dense.weight", new long[] {32, 64}))
                .isEqualTo("tensor encoder.layer.1.intermediate.dense.weight has shape [32, 64] but config.json "
                        + "implies [64, 32]");
        // num_hidden_layers is 2: a third layer is nothing the graph reads.
        assertThat(bert.declares("encoder.layer.2.output.dense.weight")).isFalse();
    }

    @Test
    void check_findsOldLayerNormNamesAndSkipsWhatNoGraphReads() throws Exception {
        ExpectedWeights bert = ModelFamilies.expectedWeights(TinyCheckpoints.bert(Head.ENCODER, 1).config());
        assertThat(bert.declares("bert.embeddings.LayerNorm.gamma")).isTrue();
        assertThat(bert.check("embeddings.LayerNorm.beta", new long[] {31})).contains("implies [32]");
        for (String unread : List.of("cls.predictions.decoder.weight", "embeddings.position_ids", "qa_outputs.weight",
                "bert.pooler.dense.weight.extra", "roberta.embeddings.word_embeddings.weight")) {
            assertThat(bert.declares(unread)).as(unread).isFalse();
            assertThat(bert.reads(unread)).as(unread).isFalse();
            assertThat(bert.check(unread, new long[] {Long.MAX_VALUE})).as(unread).isNull();
        }
    }

    @Test
    void check_labelsWithoutId2labelAreOpenButBoundedByTheLargestWeight() throws Exception {
        Map<String, Object> fields = new LinkedHashMap<>(TinyCheckpoints.bert(Head.SEQUENCE_CLASSIFICATION, 1).config()
                .fields());
        ExpectedWeights three = ModelFamilies.expectedWeights(ModelConfig.of(fields));
        assertThat(three.check("classifier.weight", new long[] {3, 32})).isNull();
        assertThat(three.check("classifier.weight", new long[] {7, 32})).contains("implies [3, 32]");

        fields.remove("id2label");
        ExpectedWeights open = ModelFamilies.expectedWeights(ModelConfig.of(fields));
        assertThat(open.check("classifier.weight", new long[] {7, 32})).isNull();
        assertThat(open.check("classifier.bias", new long[] {7})).isNull();
        assertThat(open.check("classifier.weight", new long[] {7, 31})).contains("implies [any, 32]");
        // the largest weight a tiny BERT has is its 64 x 32 feed-forward matrix (2,048 values)
        assertThat(open.check("classifier.weight", new long[] {64, 32})).isNull();
        assertThat(open.check("classifier.weight", new long[] {2_147_483_000L, 32}))
                .isEqualTo("tensor classifier.weight has shape [2147483000, 32], more values than any weight "
                        + "config.json implies (at most 2048, for [any, 32])");
        assertThat(open.check("classifier.bias", new long[] {Long.MAX_VALUE})).contains("more values than any weight");
    }

    @Test
    void everything_readsEveryTensorUnchecked() {
        ExpectedWeights everything = ExpectedWeights.everything();
        assertThat(everything.reads("anything")).isTrue();
        assertThat(everything.declares("anything")).isFalse();
        assertThat(everything.check("anything", new long[] {1L << 40})).isNull();
    }
}

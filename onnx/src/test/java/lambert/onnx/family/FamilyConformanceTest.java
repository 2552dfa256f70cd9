package lambert.onnx.family;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import lambert.onnx.checkpoint.Checkpoint;
import lambert.onnx.proto.Onnx;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every architecture with every head, on tiny random checkpoints: the ONNX graph run by ONNX
 * Runtime answers as the plain-Java reference does, alone and in a padded batch.
 */
class FamilyConformanceTest {
    static final double TOLERANCE = 1e-4;
    private static final Set<String> STANDARD_OPS = Set.of("Gather", "Add", "LayerNormalization", "MatMul", "Reshape",
            "Transpose", "Softmax", "Erf", "Tanh", "Mul", "Div", "Sub", "Cast", "Unsqueeze", "Slice", "Shape",
            "Identity", "Relu", "Pow", "Sigmoid", "Equal", "Not", "CumSum", "Pad", "Concat", "ReduceMean", "Sqrt");
    private static final long[] LONG_TEXT = {2, 17, 33, 5, 41, 9, 3};
    private static final long[] LONG_TYPES = {0, 0, 0, 0, 1, 1, 1};
    private static final long[] SHORT_TEXT = {2, 44, 12, 3};
    private static final long[] SHORT_TYPES = {0, 0, 1, 1};

    static Stream<Arguments> architecturesAndHeads() {
        List<Arguments> all = new ArrayList<>();
        for (String type : List.of("bert", "roberta", "distilbert", "mobilebert")) {
            for (Head head : Head.values()) {
                all.add(Arguments.of(type, head));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("architecturesAndHeads")
    void graph_matchesReferenceOnOneText(String type, Head head) throws Exception {
        Checkpoint checkpoint = TinyCheckpoints.of(type, head, 11);
        ModelFamily architecture = ModelFamilies.forConfig(checkpoint.config());
        Onnx.Model model = architecture.graph(checkpoint, head, ModelFamilies.DEFAULT_OPSET);

        Object out = OrtRun.run(model, new long[][] {LONG_TEXT}, new long[][] {LONG_TYPES}, pad(checkpoint), false);
        float[][] expected = architecture.reference(checkpoint, head).forward(LONG_TEXT, LONG_TYPES);

        assertClose(first(out, head), expected, LONG_TEXT.length);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("architecturesAndHeads")
    void graph_paddedBatchMatchesReferencePerText(String type, Head head) throws Exception {
        Checkpoint checkpoint = TinyCheckpoints.of(type, head, 12);
        ModelFamily architecture = ModelFamilies.forConfig(checkpoint.config());
        Onnx.Model model = architecture.graph(checkpoint, head, ModelFamilies.DEFAULT_OPSET);

        Object out = OrtRun.run(model, new long[][] {LONG_TEXT, SHORT_TEXT}, new long[][] {LONG_TYPES, SHORT_TYPES},
                pad(checkpoint), false);

        long[][] texts = {LONG_TEXT, SHORT_TEXT};
        long[][] types = {LONG_TYPES, SHORT_TYPES};
        for (int b = 0; b < 2; b++) {
            float[][] expected = architecture.reference(checkpoint, head).forward(texts[b], types[b]);
            float[][] actual = head == Head.SEQUENCE_CLASSIFICATION
                    ? new float[][] {((float[][]) out)[b]}
                    : ((float[][][]) out)[b];
            assertClose(actual, expected, texts[b].length);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("architecturesAndHeads")
    void graph_declaresNamedInputsAndDynamicDimensions(String type, Head head) throws Exception {
        Checkpoint checkpoint = TinyCheckpoints.of(type, head, 13);
        ModelFamily architecture = ModelFamilies.forConfig(checkpoint.config());
        Onnx.Graph graph = architecture.graph(checkpoint, head, ModelFamilies.DEFAULT_OPSET).getGraph();

        List<String> expectedInputs = architecture.usesTokenTypes(checkpoint.config())
                ? List.of("input_ids", "attention_mask", "token_type_ids")
                : List.of("input_ids", "attention_mask");
        assertThat(graph.getInputList()).extracting(Onnx.ValueInfo::getName).containsExactlyElementsOf(expectedInputs);
        for (Onnx.ValueInfo input : graph.getInputList()) {
            assertThat(input.getType().getTensorType().getElemType()).isEqualTo(Onnx.Tensor.DataType.INT64.getNumber());
            assertThat(dims(input)).containsExactly("batch", "sequence");
        }
        assertThat(graph.getOutputList()).extracting(Onnx.ValueInfo::getName).containsExactly(head.outputName());
        Onnx.ValueInfo output = graph.getOutput(0);
        int width = head == Head.ENCODER ? 32 : TinyCheckpoints.labels(head);
        if (head == Head.SEQUENCE_CLASSIFICATION) {
            assertThat(dims(output)).containsExactly("batch", Integer.toString(width));
        } else {
            assertThat(dims(output)).containsExactly("batch", "sequence", Integer.toString(width));
        }
        assertThat(graph.getInitializerList()).extracting(Onnx.Tensor::getName)
                .allMatch(n -> checkpoint.has(n) || n.startsWith("const_"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("architecturesAndHeads")
    void graph_atTheHighestAndLowestOpsetsMatchesReference(String type, Head head) throws Exception {
        Checkpoint checkpoint = TinyCheckpoints.of(type, head, 15);
        ModelFamily architecture = ModelFamilies.forConfig(checkpoint.config());
        for (int opset : new int[] {ModelFamilies.MAX_OPSET, ModelFamilies.MIN_OPSET}) {
            Onnx.Model model = architecture.graph(checkpoint, head, opset);
            assertThat(model.getOpsetImport(0).getVersion()).isEqualTo(opset);

            Object out = OrtRun.run(model, new long[][] {LONG_TEXT, SHORT_TEXT}, new long[][] {LONG_TYPES, SHORT_TYPES},
                    pad(checkpoint), false);
            float[][] expected = architecture.reference(checkpoint, head).forward(LONG_TEXT, LONG_TYPES);
            assertClose(first(out, head), expected, LONG_TEXT.length);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("architecturesAndHeads")
    void graph_usesStandardOperatorsOnly(String type, Head head) throws Exception {
        Checkpoint checkpoint = TinyCheckpoints.of(type, head, 14);
        Onnx.Graph graph = ModelFamilies.forConfig(checkpoint.config()).graph(checkpoint, head, 17).getGraph();
        assertThat(graph.getNodeList()).allSatisfy(n -> {
            assertThat(n.getDomain()).isEmpty();
            assertThat(STANDARD_OPS).contains(n.getOpType());
        });
    }

    static List<String> dims(Onnx.ValueInfo value) {
        List<String> dims = new ArrayList<>();
        for (Onnx.TensorShape.Dimension d : value.getType().getTensorType().getShape().getDimList()) {
            dims.add(d.hasDimParam() ? d.getDimParam() : Long.toString(d.getDimValue()));
        }
        return dims;
    }

    static long pad(Checkpoint checkpoint) throws Exception {
        return checkpoint.config().intOr("pad_token_id", 0);
    }

    static float[][] first(Object out, Head head) {
        return head == Head.SEQUENCE_CLASSIFICATION ? (float[][]) out : ((float[][][]) out)[0];
    }

    /** Compares the first {@code length} rows (all rows of a one-row classification answer). */
    static void assertClose(float[][] actual, float[][] expected, int length) {
        int rows = expected.length == 1 ? 1 : length;
        assertThat(expected).hasNumberOfRows(rows);
        double max = 0;
        for (int t = 0; t < rows; t++) {
            assertThat(actual[t]).hasSameSizeAs(expected[t]);
            for (int i = 0; i < expected[t].length; i++) {
                max = Math.max(max, Math.abs(actual[t][i] - expected[t][i]));
            }
        }
        assertThat(max).as("max abs difference against the reference").isLessThanOrEqualTo(TOLERANCE);
    }
}

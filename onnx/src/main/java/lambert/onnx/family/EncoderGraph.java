package lambert.onnx.family;

import static lambert.onnx.graph.GraphBuilder.attribute;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import lambert.onnx.checkpoint.CheckpointException;
import lambert.onnx.checkpoint.Tensor;
import lambert.onnx.graph.GraphBuilder;
import lambert.onnx.proto.Onnx;

/**
 * An encoder graph under construction: the building blocks the architectures share (Linear,
 * LayerNorm, NoNorm, activations, multi-head attention with an additive mask, first-token
 * selection), in standard ONNX operators with no fixed batch or sequence size. Checkpoint weights
 * become initializers under their checkpoint names; Linear weights are stored transposed, as
 * {@code [in, out]} MatMul operands.
 */
final class EncoderGraph {
    static final String INPUT_IDS = "input_ids";
    static final String ATTENTION_MASK = "attention_mask";
    static final String TOKEN_TYPE_IDS = "token_type_ids";

    private final GraphBuilder g;
    private final int opset;
    private final PrefixedWeights weights;
    private final Set<String> names = new HashSet<>();
    private int constants;

    private EncoderGraph(GraphBuilder g, int opset, PrefixedWeights weights) {
        this.g = g;
        this.opset = opset;
        this.weights = weights;
    }

    /**
     * A graph named {@code name} with inputs {@code input_ids}, {@code attention_mask} and, when
     * {@code tokenTypes}, {@code token_type_ids}: int64 {@code [batch, sequence]}.
     */
    static EncoderGraph create(String name, int opset, PrefixedWeights weights, boolean tokenTypes) throws CheckpointException {
        ModelFamilies.checkOpset(opset);
        GraphBuilder g = GraphBuilder.create(name, opset);
        g.input(INPUT_IDS, Onnx.Tensor.DataType.INT64, "batch", "sequence");
        g.input(ATTENTION_MASK, Onnx.Tensor.DataType.INT64, "batch", "sequence");
        if (tokenTypes) {
            g.input(TOKEN_TYPE_IDS, Onnx.Tensor.DataType.INT64, "batch", "sequence");
        }
        EncoderGraph graph = new EncoderGraph(g, opset, weights);
        graph.names.add(INPUT_IDS);
        graph.names.add(ATTENTION_MASK);
        graph.names.add(TOKEN_TYPE_IDS);
        return graph;
    }

    PrefixedWeights weights() {
        return weights;
    }

    /** Declares {@code value} as the graph output for {@code head}, renaming it to the head's output name. */
    Onnx.Model finish(String value, Head head, int width) {
        String out = g.node("Identity", List.of(value), head.outputName());
        if (head == Head.SEQUENCE_CLASSIFICATION) {
            g.output(out, Onnx.Tensor.DataType.FLOAT, "batch", width);
        } else {
            g.output(out, Onnx.Tensor.DataType.FLOAT, "batch", "sequence", width);
        }
        return g.build();
    }

    /** A fresh value name based on {@code base}. */
    String name(String base) {
        String n = base;
        for (int i = 1; !names.add(n); i++) {
            n = base + "_" + i;
        }
        return n;
    }

    /** Adds {@code t} as an initializer under its own name (once) and returns the name. */
    String weight(Tensor t) {
        if (names.add(t.name())) {
            g.initializer(t.name(), t.data(), t.shape());
        }
        return t.name();
    }

    /** A float scalar constant. */
    String scalar(float value) {
        String n = name("const_" + constants++);
        g.initializer(n, new float[] {value});
        return n;
    }

    /** A 1-D int64 constant. */
    String longs(long... values) {
        String n = name("const_" + constants++);
        g.initializer(n, values, values.length);
        return n;
    }

    /** An int64 scalar constant. */
    String longScalar(long value) {
        String n = name("const_" + constants++);
        g.initializer(n, new long[] {value});
        return n;
    }

    /** One node with one output named after {@code base}. */
    String op(String opType, String base, List<String> inputs, Onnx.Attribute... attributes) {
        return g.node(opType, inputs, name(base), attributes);
    }

    String add(String base, String a, String b) {
        return op("Add", base, List.of(a, b));
    }

    String mul(String base, String a, String b) {
        return op("Mul", base, List.of(a, b));
    }

    /**
     * {@code x W^T + b} for the Linear layer {@code tensor} ({@code tensor.weight [out, in]},
     * {@code tensor.bias [out]}), the weight stored transposed under its checkpoint name.
     */
    String linear(String x, Tensor weight, Tensor bias) {
        long[] shape = weight.shape();
        int out = (int) shape[0];
        int in = (int) shape[1];
        String w = weight.name();
        if (names.add(w)) {
            float[] src = weight.data();
            float[] transposed = new float[src.length];
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < in; i++) {
                    transposed[i * out + o] = src[o * in + i];
                }
            }
            g.initializer(w, transposed, in, out);
        }
        String base = stem(weight.name());
        String y = op("MatMul", base + "/MatMul", List.of(x, w));
        return bias == null ? y : add(base + "/Add", y, weight(bias));
    }

    /** A base-model Linear layer {@code name} ({@code name.weight}, {@code name.bias}) from {@code in} to {@code out}. */
    String baseLinear(String x, String name, int in, int out) throws CheckpointException {
        return linear(x, weights.base(name + ".weight", out, in), weights.base(name + ".bias", out));
    }

    /** A head Linear layer {@code name} from {@code in} to {@code out}. */
    String headLinear(String x, String name, int in, int out) throws CheckpointException {
        return linear(x, weights.head(name + ".weight", out, in), weights.head(name + ".bias", out));
    }

    /**
     * Layer normalisation over the last axis with the checkpoint's scale and bias:
     * {@code LayerNormalization} from opset 17, spelled out in {@code ReduceMean}, {@code Sub},
     * {@code Mul}, {@code Add}, {@code Sqrt} and {@code Div} below it.
     */
    String layerNorm(String x, Tensor scale, Tensor bias, double eps) {
        String base = stem(scale.name());
        if (opset >= 17) {
            return op("LayerNormalization", base, List.of(x, weight(scale), weight(bias)),
                    attribute("axis", -1L), attribute("epsilon", (float) eps));
        }
        long[] lastAxis = {-1};
        String mean = op("ReduceMean", base + "/ReduceMean", List.of(x), attribute("axes", lastAxis));
        String centred = op("Sub", base + "/Sub", List.of(x, mean));
        String variance = op("ReduceMean", base + "/ReduceMean_1", List.of(mul(base + "/Square", centred, centred)),
                attribute("axes", lastAxis));
        String std = op("Sqrt", base + "/Sqrt", List.of(add(base + "/Add", variance, scalar((float) eps))));
        String normalised = op("Div", base + "/Div", List.of(centred, std));
        return add(base + "/Add_1", mul(base + "/Mul", normalised, weight(scale)), weight(bias));
    }

    /** A base-model LayerNorm {@code name} of {@code size}. */
    String baseLayerNorm(String x, String name, int size, double eps) throws CheckpointException {
        return layerNorm(x, weights.base(name + ".weight", size), weights.base(name + ".bias", size), eps);
    }

    /** MobileBERT's NoNorm: {@code x * weight + bias}, elementwise. */
    String baseNoNorm(String x, String name, int size) throws CheckpointException {
        Tensor scale = weights.base(name + ".weight", size);
        Tensor bias = weights.base(name + ".bias", size);
        String base = stem(scale.name());
        return add(base + "/Add", mul(base + "/Mul", x, weight(scale)), weight(bias));
    }

    /** The activation {@code act} applied elementwise. */
    String activation(String x, Activation act, String base) {
        switch (act) {
            case RELU:
                return op("Relu", base + "/Relu", List.of(x));
            case SILU:
                return mul(base + "/Mul", x, op("Sigmoid", base + "/Sigmoid", List.of(x)));
            case GELU: {
                String erf = op("Erf", base + "/Erf", List.of(op("Div", base + "/Div", List.of(x, scalar((float) Math.sqrt(2))))));
                String onePlus = add(base + "/Add", erf, scalar(1f));
                return mul(base + "/Mul_1", mul(base + "/Mul", x, scalar(0.5f)), onePlus);
            }
            case GELU_TANH: {
                String cube = op("Pow", base + "/Pow", List.of(x, scalar(3f)));
                String inner = add(base + "/Add", x, mul(base + "/Mul", cube, scalar(0.044715f)));
                String tanh = op("Tanh", base + "/Tanh",
                        List.of(mul(base + "/Mul_1", inner, scalar((float) Math.sqrt(2 / Math.PI)))));
                return mul(base + "/Mul_3", mul(base + "/Mul_2", x, scalar(0.5f)), add(base + "/Add_1", tanh, scalar(1f)));
            }
            default:
                throw new IllegalStateException("unhandled activation " + act);
        }
    }

    /**
     * The additive attention mask {@code [batch, 1, 1, sequence]}: 0 where {@code attention_mask}
     * is 1, the lowest float where it is 0.
     */
    String maskBias() {
        String unsqueezed = op("Unsqueeze", "mask/Unsqueeze", List.of(ATTENTION_MASK, longs(1, 2)));
        String asFloat = op("Cast", "mask/Cast", List.of(unsqueezed),
                attribute("to", (long) Onnx.Tensor.DataType.FLOAT.getNumber()));
        String inverted = op("Sub", "mask/Sub", List.of(scalar(1f), asFloat));
        return mul("mask/Mul", inverted, scalar(-Float.MAX_VALUE));
    }

    /**
     * Scaled dot-product attention over projected {@code q}, {@code k}, {@code v}
     * ({@code [batch, sequence, heads * headSize]}) with the additive {@code maskBias}; returns the
     * context {@code [batch, sequence, heads * headSize]}.
     */
    String attention(String q, String k, String v, int heads, int headSize, String maskBias, String base) {
        String split = longs(0, 0, heads, headSize);
        String qh = op("Transpose", base + "/q/Transpose",
                List.of(op("Reshape", base + "/q/Reshape", List.of(q, split))), attribute("perm", new long[] {0, 2, 1, 3}));
        String kt = op("Transpose", base + "/k/Transpose",
                List.of(op("Reshape", base + "/k/Reshape", List.of(k, split))), attribute("perm", new long[] {0, 2, 3, 1}));
        String vh = op("Transpose", base + "/v/Transpose",
                List.of(op("Reshape", base + "/v/Reshape", List.of(v, split))), attribute("perm", new long[] {0, 2, 1, 3}));
        String scores = op("MatMul", base + "/scores", List.of(qh, kt));
        String scaled = op("Div", base + "/scaled", List.of(scores, scalar((float) Math.sqrt(headSize))));
        String masked = add(base + "/masked", scaled, maskBias);
        String probs = op("Softmax", base + "/Softmax", List.of(masked), attribute("axis", -1L));
        String context = op("MatMul", base + "/context", List.of(probs, vh));
        String merged = op("Transpose", base + "/context/Transpose", List.of(context),
                attribute("perm", new long[] {0, 2, 1, 3}));
        return op("Reshape", base + "/context/Reshape", List.of(merged, longs(0, 0, (long) heads * headSize)));
    }

    /** The hidden state of the first token: {@code [batch, sequence, width]} to {@code [batch, width]}. */
    String firstToken(String x) {
        return op("Gather", "first_token", List.of(x, longScalar(0)), attribute("axis", 1L));
    }

    /**
     * The position embeddings of positions {@code 0..sequence-1}, {@code [batch, sequence, width]}.
     * The positions are counted from {@code input_ids} rather than sliced from the table so that
     * every value keeps the symbolic {@code [batch, sequence]} shape, which ONNX Runtime's
     * fusions (SkipLayerNormalization among them) need.
     */
    String positionRows(Tensor table) {
        String ones = add("position_ids/ones", mul("position_ids/zeros", INPUT_IDS, longScalar(0)), longScalar(1));
        String counted = op("CumSum", "position_ids/CumSum", List.of(ones, longScalar(1)));
        return gather(table, op("Sub", "position_ids", List.of(counted, longScalar(1))));
    }

    /** {@code table[ids]}. */
    String gather(Tensor table, String ids) {
        return op("Gather", stem(table.name()) + "/Gather", List.of(weight(table), ids));
    }

    private static String stem(String weightName) {
        int dot = weightName.lastIndexOf('.');
        return dot < 0 ? weightName : weightName.substring(0, dot);
    }
}

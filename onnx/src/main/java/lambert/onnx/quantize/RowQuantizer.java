package lambert.onnx.quantize;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import lambert.onnx.graph.GraphBuilder;
import lambert.onnx.proto.Onnx;

/**
 * Writes, once per activation, the standard ONNX ops that quantise it to unsigned 8 bits with one symmetric
 * scale per row (the last axis): {@code scale = max(|x|) / 127} per row, {@code q = round(x / scale) + 128} as
 * {@code uint8}, so that {@code x ≈ (q - 128) * scale} with the constant zero point 128. Each row's values and
 * scale depend on that row alone: a token's answer does not depend on the other tokens or texts of the batch.
 * The MatMuls that read the same activation (attention's query, key and value) share one quantisation.
 */
final class RowQuantizer {
    /** Below this a row's largest magnitude counts as zero (its scale would divide by zero). */
    static final float SMALLEST_MAX = 1e-12f;

    /**
     * A quantised activation's values.
     *
     * @param values the uint8 values, same shape as the activation
     * @param scale the float scale of each row, the activation's shape with a last axis of 1
     * @param zeroPoint the uint8 scalar 128
     */
    record Quantized(String values, String scale, String zeroPoint) {}

    private final Onnx.Graph.Builder out;
    private final long opset;
    private final Map<String, Quantized> done = new HashMap<>();
    private boolean constants;

    RowQuantizer(Onnx.Graph.Builder out, long opset) {
        this.out = out;
        this.opset = opset;
    }

    /** The quantised {@code activation}, its nodes added to the graph the first time it is asked for. */
    Quantized quantized(String activation) {
        Quantized known = done.get(activation);
        if (known != null) {
            return known;
        }
        addConstants();
        String base = activation + "_row_q";
        out.addNode(Quantizer.node("Abs", base + "_abs", List.of(activation), base + "_abs"));
        Onnx.Node.Builder max;
        if (opset >= 18) {
            max = Quantizer.node("ReduceMax", base + "_max", List.of(base + "_abs", "lambert_row_q_last_axis"),
                    base + "_max");
        } else {
            max = Quantizer.node("ReduceMax", base + "_max", List.of(base + "_abs"), base + "_max")
                    .addAttribute(GraphBuilder.attribute("axes", new long[] {-1}));
        }
        out.addNode(max.addAttribute(GraphBuilder.attribute("keepdims", 1L)));
        out.addNode(Quantizer.node("Max", base + "_nonzero", List.of(base + "_max", "lambert_row_q_smallest"),
                base + "_nonzero"));
        out.addNode(Quantizer.node("Div", base + "_scale", List.of(base + "_nonzero", "lambert_row_q_127"),
                base + "_scale"));
        out.addNode(Quantizer.node("Div", base + "_divide", List.of(activation, base + "_scale"), base + "_steps"));
        out.addNode(Quantizer.node("Round", base + "_round", List.of(base + "_steps"), base + "_rounded"));
        out.addNode(Quantizer.node("Add", base + "_shift", List.of(base + "_rounded", "lambert_row_q_128f"),
                base + "_shifted"));
        out.addNode(Quantizer.node("Cast", base + "_cast", List.of(base + "_shifted"), base + "_values")
                .addAttribute(GraphBuilder.attribute("to", (long) Onnx.Tensor.DataType.UINT8_VALUE)));
        Quantized q = new Quantized(base + "_values", base + "_scale", "lambert_row_q_zero_point");
        done.put(activation, q);
        return q;
    }

    private void addConstants() {
        if (constants) {
            return;
        }
        constants = true;
        out.addInitializer(Quantizer.floats("lambert_row_q_smallest", new float[] {SMALLEST_MAX}));
        out.addInitializer(Quantizer.floats("lambert_row_q_127", new float[] {127f}));
        out.addInitializer(Quantizer.floats("lambert_row_q_128f", new float[] {128f}));
        out.addInitializer(GraphBuilder.tensor("lambert_row_q_zero_point", Onnx.Tensor.DataType.UINT8,
                new byte[] {(byte) 128}));
        if (opset >= 18) {
            out.addInitializer(Quantizer.longs("lambert_row_q_last_axis", new long[] {-1}, 1));
        }
    }
}

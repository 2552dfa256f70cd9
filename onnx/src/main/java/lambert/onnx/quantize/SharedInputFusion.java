package lambert.onnx.quantize;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import lambert.onnx.graph.GraphBuilder;
import lambert.onnx.proto.Onnx;

/**
 * Fuses the MatMuls that read the same activation into one, before quantisation: each of them with its own
 * constant [K, N] float weight (used nowhere else) and a constant 1-D bias {@code Add} after it becomes a slice
 * of one MatMul on the weights side by side, one {@code Add} of the biases side by side, and a {@code Split}
 * along the last axis back into the Adds' outputs. In a BERT layer attention's query, key and value
 * projections become one: after {@link Quantizer}'s blockwise rewrite, one {@code MatMulNBits} that quantises
 * the shared activation once instead of three times. Every output column is computed from the same weights
 * as before, so the answers are the same up to float rounding.
 *
 * <pre>{@code
 * Onnx.Model fused = SharedInputFusion.fuse(ModelFiles.read(fp32)).model();
 * }</pre>
 */
public final class SharedInputFusion {
    private SharedInputFusion() {}

    /**
     * The rewritten model.
     *
     * @param model the model with the groups fused (the input model when {@code groups} is 0)
     * @param groups how many groups of MatMuls became one
     * @param matmuls how many MatMuls they held
     */
    public record Result(Onnx.Model model, int groups, int matmuls) {}

    private record Member(Onnx.Node matmul, Onnx.Node add, Onnx.Tensor weight, Onnx.Tensor bias) {}

    /** Fuses every group of two or more MatMul-plus-bias pairs that read the same activation. */
    public static Result fuse(Onnx.Model model) {
        Onnx.Graph graph = model.getGraph();
        Map<String, Onnx.Tensor> initializers = new HashMap<>();
        graph.getInitializerList().forEach(t -> initializers.put(t.getName(), t));
        Map<String, List<Onnx.Node>> consumers = Quantizer.consumers(graph);
        Set<String> graphOutputs = Quantizer.outputNames(graph);
        Map<String, List<Member>> byInput = new LinkedHashMap<>();
        for (Onnx.Node node : graph.getNodeList()) {
            Onnx.Tensor weight = node.getInputCount() == 2 ? initializers.get(node.getInput(1)) : null;
            if (!node.getOpType().equals("MatMul") || !node.getDomain().isEmpty() || !Quantizer.isFloatMatrix(weight)
                    || consumers.get(weight.getName()).size() != 1) {
                continue;
            }
            Onnx.Node add = Quantizer.biasAdd(node, weight.getDims(1), consumers, initializers, graphOutputs);
            if (add != null) {
                Onnx.Tensor bias = initializers.get(add.getInput(add.getInput(0).equals(node.getOutput(0)) ? 1 : 0));
                byInput.computeIfAbsent(node.getInput(0), x -> new ArrayList<>())
                        .add(new Member(node, add, weight, bias));
            }
        }
        Map<String, List<Member>> groups = new HashMap<>();
        Set<Onnx.Node> absorbed = new HashSet<>();
        int matmuls = 0;
        for (List<Member> group : byInput.values()) {
            if (group.size() >= 2) {
                groups.put(group.get(0).matmul().getOutput(0), group);
                for (Member m : group) {
                    absorbed.add(m.matmul());
                    absorbed.add(m.add());
                }
                matmuls += group.size();
            }
        }
        if (groups.isEmpty()) {
            return new Result(model, 0, 0);
        }
        long opset = model.getOpsetImportList().stream().filter(o -> o.getDomain().isEmpty())
                .mapToLong(Onnx.OperatorSetId::getVersion).findFirst().orElse(11);
        Set<String> dropped = new HashSet<>();
        Onnx.Graph.Builder out = graph.toBuilder().clearNode().clearInitializer();
        for (Onnx.Node node : graph.getNodeList()) {
            List<Member> group = groups.get(node.getOutput(0));
            if (group != null) {
                addFused(out, group, opset);
                for (Member m : group) {
                    dropped.add(m.weight().getName());
                    if (consumers.get(m.bias().getName()).size() == 1) {
                        dropped.add(m.bias().getName());
                    }
                }
            } else if (!absorbed.contains(node)) {
                out.addNode(node);
            }
        }
        for (Onnx.Tensor t : graph.getInitializerList()) {
            if (!dropped.contains(t.getName())) {
                out.addInitializer(t);
            }
        }
        return new Result(model.toBuilder().setGraph(out).build(), groups.size(), matmuls);
    }

    /** One MatMul on the weights side by side, one Add, one Split into the members' Add outputs. */
    private static void addFused(Onnx.Graph.Builder out, List<Member> group, long opset) {
        int k = (int) group.get(0).weight().getDims(0);
        int total = 0;
        long[] widths = new long[group.size()];
        for (int i = 0; i < group.size(); i++) {
            widths[i] = group.get(i).weight().getDims(1);
            total += (int) widths[i];
        }
        float[] weights = new float[k * total];
        float[] biases = new float[total];
        int offset = 0;
        for (Member m : group) {
            int n = (int) m.weight().getDims(1);
            float[] w = Quantizer.readFloats(m.weight());
            for (int row = 0; row < k; row++) {
                System.arraycopy(w, row * n, weights, row * total + offset, n);
            }
            System.arraycopy(Quantizer.readFloats(m.bias()), 0, biases, offset, n);
            offset += n;
        }
        Onnx.Node first = group.get(0).matmul();
        String base = (first.getName().isEmpty() ? first.getOutput(0) : first.getName()) + "_fused";
        out.addInitializer(Quantizer.floats(base + "_weight", weights, k, total));
        out.addInitializer(Quantizer.floats(base + "_bias", biases, total));
        out.addNode(Onnx.Node.newBuilder().setOpType("MatMul").setName(base).addInput(first.getInput(0))
                .addInput(base + "_weight").addOutput(base + "_product"));
        out.addNode(Onnx.Node.newBuilder().setOpType("Add").setName(base + "_add").addInput(base + "_product")
                .addInput(base + "_bias").addOutput(base + "_sum"));
        Onnx.Node.Builder split = Onnx.Node.newBuilder().setOpType("Split").setName(base + "_split")
                .addInput(base + "_sum").addAttribute(GraphBuilder.attribute("axis", -1));
        if (opset >= 13) {
            out.addInitializer(Quantizer.longs(base + "_widths", widths, widths.length));
            split.addInput(base + "_widths");
        } else {
            split.addAttribute(GraphBuilder.attribute("split", widths));
        }
        group.forEach(m -> split.addOutput(m.add().getOutput(0)));
        out.addNode(split);
    }
}

package lambert.onnx.quantize;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import lambert.onnx.graph.GraphBuilder;
import lambert.onnx.proto.Onnx;

/**
 * Int8 weight quantisation as a graph rewrite. Every {@code MatMul} whose second input is a constant
 * 2-D float weight, and every {@code Gemm} that is such a MatMul plus a constant bias, becomes ONNX
 * Runtime's {@code com.microsoft.DynamicQuantizeMatMul}: int8 weights with
 * symmetric scales (per output column, or one per matrix) and activations quantised at run time; or, with
 * {@link QuantizeOptions.Method#BLOCKWISE}, {@code com.microsoft.MatMulNBits} with 8-bit weights and one scale
 * per block of each column, whose activations are quantised per row so that batching changes no answer. The
 * word-embedding table, optionally, becomes int8 with one scale per row, read back with {@code Gather},
 * {@code Cast} and {@code Mul}, all standard ONNX. Names, inputs, outputs and the opset stay as they were.
 *
 * <pre>{@code
 * Onnx.Model int8 = Quantizer.quantize(ModelFiles.read(fp32), QuantizeOptions.defaults()).model();
 * }</pre>
 */
public final class Quantizer {
    private static final String MS_DOMAIN = "com.microsoft";
    private static final Set<String> QUANTISED_OPS = Set.of("MatMulInteger", "DynamicQuantizeMatMul",
            "QLinearMatMul", "MatMulNBits", "DynamicQuantizeLinear", "DequantizeLinear");

    /**
     * The rewritten model and what was rewritten.
     *
     * @param model the quantised model
     * @param matmuls how many MatMuls now run in int8
     * @param embeddingTables how many embedding tables are now int8
     * @param description what was done, in words, for a bundle manifest's {@code quantization}; it contains
     *     {@link #BATCH_INVARIANT} when a text's answer does not depend on its batch mates
     * @param layers what was chosen for each MatMul, Gemm and embedding Gather, in graph order
     */
    public record Result(Onnx.Model model, int matmuls, int embeddingTables, String description, List<Layer> layers) {}

    /**
     * What the quantiser chose for one node.
     *
     * @param node the node's name (its output's when it has none)
     * @param op the node's operator before the rewrite ({@code MatMul}, {@code Gemm}, {@code Gather})
     * @param weight the constant weight's name, or empty when there is none
     * @param rows the weight's rows as the node uses it (K for a MatMul, the vocabulary for a Gather), 0 if none
     * @param columns the weight's columns (N for a MatMul, the width for a Gather), 0 if none
     * @param quantized whether the node now runs in int8
     * @param choice how it is quantised, or why it stays in float
     */
    public record Layer(String node, String op, String weight, long rows, long columns, boolean quantized,
            String choice) {
        static Layer of(String name, Onnx.Node node, Onnx.Tensor weight, boolean quantized, String choice) {
            return weight == null ? new Layer(name, node.getOpType(), "", 0, 0, quantized, choice)
                    : new Layer(name, node.getOpType(), weight.getName(), weight.getDims(0), weight.getDims(1),
                            quantized, choice);
        }
    }

    /** The words (the runtime's {@code Manifest.BATCH_INVARIANT}) that let a quantised bundle batch its texts. */
    public static final String BATCH_INVARIANT = "batch-invariant";

    private Quantizer() {}

    /** Quantises {@code model}; refuses one with nothing to quantise or already quantised. */
    public static Result quantize(Onnx.Model model, QuantizeOptions options) throws QuantizeException {
        Onnx.Graph graph = model.getGraph();
        for (Onnx.Node node : graph.getNodeList()) {
            if (QUANTISED_OPS.contains(node.getOpType())) {
                throw new QuantizeException("the model is already quantised (it has a " + node.getOpType()
                        + " node, " + node.getName() + "); quantise its float original instead");
            }
        }
        Map<String, Onnx.Tensor> initializers = new HashMap<>();
        for (Onnx.Tensor t : graph.getInitializerList()) {
            initializers.put(t.getName(), t);
        }
        Map<String, Integer> uses = new HashMap<>();
        for (Onnx.Node node : graph.getNodeList()) {
            for (String input : node.getInputList()) {
                uses.merge(input, 1, Integer::sum);
            }
        }
        Set<String> graphInputs = new HashSet<>();
        for (Onnx.ValueInfo input : graph.getInputList()) {
            graphInputs.add(input.getName());
        }
        long defaultOpset = model.getOpsetImportList().stream().filter(o -> o.getDomain().isEmpty())
                .mapToLong(Onnx.OperatorSetId::getVersion).findFirst().orElse(11);

        Onnx.Graph.Builder out = graph.toBuilder().clearNode().clearInitializer();
        Set<String> replaced = new HashSet<>();
        int matmuls = 0;
        int tables = 0;
        List<Layer> layers = new ArrayList<>();
        Map<String, List<Onnx.Node>> consumers = consumers(graph);
        Set<String> graphOutputs = outputNames(graph);
        Set<String> foldedAdds = new HashSet<>();
        RowQuantizer rowQuantizer = new RowQuantizer(out, defaultOpset);
        for (Onnx.Node node : graph.getNodeList()) {
            if (node.getOpType().equals("Add") && foldedAdds.contains(node.getOutput(0))) {
                continue; // its bias went into the MatMulNBits before it
            }
            Onnx.Tensor weight = node.getInputCount() == 2 ? initializers.get(node.getInput(1)) : null;
            String name = node.getName().isEmpty() ? node.getOutput(0) : node.getName();
            if (node.getOpType().equals("MatMul") && node.getDomain().isEmpty() && isFloatMatrix(weight)
                    && uses.get(weight.getName()) == 1) {
                Onnx.Node add = options.method() == QuantizeOptions.Method.BLOCKWISE
                        ? biasAdd(node, weight.getDims(1), consumers, initializers, graphOutputs) : null;
                if (add != null) {
                    String bias = add.getInput(add.getInput(0).equals(node.getOutput(0)) ? 1 : 0);
                    addBlockwiseMatMul(out, node, weight, bias, add.getOutput(0), options);
                    foldedAdds.add(add.getOutput(0));
                } else {
                    addQuantizedMatMul(out, node, weight, null, options, rowQuantizer);
                }
                replaced.add(weight.getName());
                matmuls++;
                layers.add(Layer.of(name, node, weight, true, scheme(options) + (add != null
                        ? ", with the bias of " + (add.getName().isEmpty() ? add.getOutput(0) : add.getName()) : "")));
            } else if (isPlainGemm(node, initializers, uses)) {
                Onnx.Tensor b = initializers.get(node.getInput(1));
                Onnx.Tensor weights = attribute(node, "transB", 0) == 1 ? transpose(b) : b;
                addQuantizedMatMul(out, node, weights, node.getInputCount() == 3 ? node.getInput(2) : null, options,
                        rowQuantizer);
                replaced.add(b.getName());
                matmuls++;
                layers.add(Layer.of(name, node, weights, true, scheme(options)));
            } else if (options.embeddings() && node.getOpType().equals("Gather") && node.getDomain().isEmpty()
                    && isFloatMatrix(weight = initializers.get(node.getInput(0))) && weight.getDims(0) >= 1000
                    && graphInputs.contains(node.getInput(1)) && uses.get(weight.getName()) == 1) {
                addInt8Embedding(out, node, weight, defaultOpset);
                replaced.add(weight.getName());
                tables++;
                layers.add(Layer.of(name, node, weight, true, "int8 rows, one scale per row (Gather, Cast, Mul)"));
            } else {
                out.addNode(node);
                Layer kept = keptFloat(name, node, initializers, uses, graphInputs, options);
                if (kept != null) {
                    layers.add(kept);
                }
            }
        }
        if (matmuls == 0) {
            throw new QuantizeException("the model has no MatMul or Gemm with a constant 2-D float weight: nothing to "
                    + "quantise");
        }
        for (Onnx.Tensor t : graph.getInitializerList()) {
            if (!replaced.contains(t.getName())) {
                out.addInitializer(t);
            }
        }
        Onnx.Model.Builder result = model.toBuilder().setGraph(out);
        if (model.getOpsetImportList().stream().noneMatch(o -> o.getDomain().equals(MS_DOMAIN))) {
            result.addOpsetImport(Onnx.OperatorSetId.newBuilder().setDomain(MS_DOMAIN).setVersion(1));
        }
        return new Result(result.build(), matmuls, tables, describe(options, tables), List.copyOf(layers));
    }

    private static String scheme(QuantizeOptions options) {
        return switch (options.method()) {
            case CONTRIB -> "DynamicQuantizeMatMul, int8 weights " + (options.perChannel() ? "per column" : "per matrix")
                    + ", activations per tensor";
            case STANDARD -> "MatMulInteger, int8 weights " + (options.perChannel() ? "per column" : "per matrix")
                    + ", activations per tensor";
            case BLOCKWISE -> "MatMulNBits, 8-bit weights in blocks of " + options.blockSize() + ", accuracy level "
                    + options.accuracyLevel() + (options.accuracyLevel() == 4 ? " (int8, activations per row)" : "");
            case ROWWISE -> "MatMulIntegerToFloat, int8 weights " + (options.perChannel() ? "per column" : "per matrix")
                    + ", activations per row";
        };
    }

    /** A MatMul, Gemm or Gather on a float table that stays as it was, and why; null for any other node. */
    private static Layer keptFloat(String name, Onnx.Node node, Map<String, Onnx.Tensor> initializers,
            Map<String, Integer> uses, Set<String> graphInputs, QuantizeOptions options) {
        if (!node.getDomain().isEmpty()) {
            return null;
        }
        switch (node.getOpType()) {
            case "MatMul", "Gemm" -> {
                Onnx.Tensor w = node.getInputCount() >= 2 ? initializers.get(node.getInput(1)) : null;
                if (w == null) {
                    return Layer.of(name, node, null, false, "kept float: no constant weight (both inputs computed)");
                }
                if (!isFloatMatrix(w)) {
                    return new Layer(name, node.getOpType(), w.getName(), 0, 0, false,
                            "kept float: the weight is not a 2-D float constant");
                }
                return Layer.of(name, node, w, false, uses.get(w.getName()) > 1
                        ? "kept float: the weight is shared by " + uses.get(w.getName()) + " nodes"
                        : "kept float: a Gemm other than MatMul plus bias (transA, alpha or beta)");
            }
            case "Gather" -> {
                Onnx.Tensor table = initializers.get(node.getInput(0));
                if (!isFloatMatrix(table)) {
                    return null;
                }
                String why = !options.embeddings() ? "kept float: embeddings not asked for"
                        : table.getDims(0) < 1000 ? "kept float: a small table (" + table.getDims(0) + " rows)"
                        : !graphInputs.contains(node.getInput(1)) ? "kept float: ids computed in the graph"
                        : "kept float: the table is shared by " + uses.get(table.getName()) + " nodes";
                return Layer.of(name, node, table, false, why);
            }
            default -> {
                return null;
            }
        }
    }

    private static String describe(QuantizeOptions options, int tables) {
        return (options.method() == QuantizeOptions.Method.BLOCKWISE
                ? "int8 blockwise weights (block " + options.blockSize() + ", accuracy level "
                        + options.accuracyLevel() + ", " + BATCH_INVARIANT + ")"
                : options.method() == QuantizeOptions.Method.ROWWISE
                ? "int8 " + (options.perChannel() ? "per-channel" : "per-tensor") + " weights, activations per row ("
                        + BATCH_INVARIANT + ")"
                : "int8 dynamic, " + (options.perChannel() ? "per-channel" : "per-tensor") + " weights")
                + (tables > 0 ? ", int8 embeddings" : "")
                + (options.method() == QuantizeOptions.Method.STANDARD ? ", standard ops" : "") + " (lambert)";
    }

    /**
     * Replaces {@code node} (a MatMul, or a Gemm as MatMul plus {@code bias}) by its int8 form: ONNX
     * Runtime's {@code DynamicQuantizeMatMul}, or in standard ONNX ops {@code DynamicQuantizeLinear},
     * {@code MatMulInteger}, {@code Cast} and {@code Mul} by the product of the two scales (then
     * {@code Add} for a bias). The output keeps the node's name.
     *
     * @param weights the [K, N] float weight as the MatMul uses it (already transposed for a Gemm)
     */
    private static void addQuantizedMatMul(Onnx.Graph.Builder out, Onnx.Node node, Onnx.Tensor weights, String bias,
            QuantizeOptions options, RowQuantizer rowQuantizer) {
        if (options.method() == QuantizeOptions.Method.BLOCKWISE) {
            addBlockwiseMatMul(out, node, weights, bias, node.getOutput(0), options);
            return;
        }
        String output = node.getOutput(0);
        String name = node.getName().isEmpty() ? weights.getName() : node.getName();
        if (options.method() == QuantizeOptions.Method.ROWWISE) {
            RowQuantizer.Quantized a = rowQuantizer.quantized(node.getInput(0));
            String base = addColumnWeights(out, weights, options);
            String product = bias == null ? output : name + "_product";
            out.addNode(Onnx.Node.newBuilder().setOpType("MatMulIntegerToFloat").setDomain(MS_DOMAIN).setName(name)
                    .addInput(a.values()).addInput(base + "_quantized").addInput(a.scale()).addInput(base + "_scale")
                    .addInput(a.zeroPoint()).addInput(base + "_zero_point").addOutput(product));
            if (bias != null) {
                out.addNode(node("Add", name + "_bias", List.of(product, bias), output));
            }
            return;
        }
        String base = addColumnWeights(out, weights, options);
        if (options.method() == QuantizeOptions.Method.CONTRIB) {
            Onnx.Node.Builder quantised = Onnx.Node.newBuilder().setOpType("DynamicQuantizeMatMul")
                    .setDomain(MS_DOMAIN).setName(name).addInput(node.getInput(0)).addInput(base + "_quantized")
                    .addInput(base + "_scale").addInput(base + "_zero_point").addOutput(output);
            if (bias != null) {
                quantised.addInput(bias);
            }
            out.addNode(quantised);
            return;
        }
        String a = node.getInput(0);
        String product = bias == null ? output : name + "_product";
        out.addNode(Onnx.Node.newBuilder().setOpType("DynamicQuantizeLinear").setName(name + "_quantize_input")
                .addInput(a).addOutput(name + "_input_q").addOutput(name + "_input_scale")
                .addOutput(name + "_input_zero_point"));
        out.addNode(node("MatMulInteger", name + "_matmul_integer", List.of(name + "_input_q", base + "_quantized",
                name + "_input_zero_point", base + "_zero_point"), name + "_int32"));
        out.addNode(node("Cast", name + "_cast", List.of(name + "_int32"), name + "_float")
                .addAttribute(Onnx.Attribute.newBuilder().setName("to").setType(Onnx.Attribute.Type.INT)
                        .setI(Onnx.Tensor.DataType.FLOAT_VALUE)));
        out.addNode(node("Mul", name + "_scales", List.of(name + "_input_scale", base + "_scale"), name + "_scale"));
        out.addNode(node("Mul", name + "_dequantize", List.of(name + "_float", name + "_scale"), product));
        if (bias != null) {
            out.addNode(node("Add", name + "_bias", List.of(product, bias), output));
        }
    }

    /**
     * The [K, N] weight quantised symmetrically to 8 bits with a scale per column (or one), stored as unsigned bytes
     * around the zero point {@value #WEIGHT_ZERO_POINT}: initializers {@code <name>_quantized} (uint8),
     * {@code _scale} and {@code _zero_point} (uint8, the scale's shape).
     *
     * <p>Unsigned, not signed: ONNX Runtime runs these MatMuls on uint8 activations, and with int8 weights its kernel
     * on an x86-64 CPU without VNNI (AVX2, or AVX-512 without VNNI: AMD Zen 1 to 3, Intel before Cascade Lake) adds
     * each pair of products into 16 bits with saturation ({@code vpmaddubsw}): 255 x 127 twice (64,770) comes out as
     * 32,767, and the answer is wrong with no error. On an AMD EPYC (Zen 1) a row-wise MatMul answered 40.04 where
     * the exact int8 product was 60.89, and a per-column model of all-MiniLM-L6-v2 fell to a mean cosine of 0.98668
     * (min 0.95178) against fp32 on 200 texts. Its uint8-by-uint8 kernel widens to 16 bits before multiplying and
     * adds into 32, so it is exact on every CPU, and the weights keep all 8 bits (seven, ONNX Runtime's
     * {@code reduce_range}, cost that model 0.0024 of mean cosine).
     */
    private static String addColumnWeights(Onnx.Graph.Builder out, Onnx.Tensor weights, QuantizeOptions options) {
        Quantized q = quantizeColumns(weights, options.perChannel());
        String base = weights.getName();
        long columns = weights.getDims(1);
        long[] scaleDims = options.perChannel() ? new long[] {columns} : new long[0];
        byte[] unsigned = new byte[q.values.length];
        for (int i = 0; i < unsigned.length; i++) {
            unsigned[i] = (byte) (q.values[i] + WEIGHT_ZERO_POINT);
        }
        out.addInitializer(GraphBuilder.tensor(base + "_quantized", Onnx.Tensor.DataType.UINT8, unsigned,
                weights.getDims(0), columns));
        out.addInitializer(floats(base + "_scale", q.scales, scaleDims));
        byte[] zeroPoints = new byte[scaleDims.length == 0 ? 1 : (int) columns];
        java.util.Arrays.fill(zeroPoints, (byte) WEIGHT_ZERO_POINT);
        out.addInitializer(GraphBuilder.tensor(base + "_zero_point", Onnx.Tensor.DataType.UINT8, zeroPoints,
                scaleDims));
        return base;
    }

    /** The zero point of {@link #addColumnWeights}' unsigned weights. */
    static final int WEIGHT_ZERO_POINT = 128;

    /**
     * {@code com.microsoft.MatMulNBits} with 8-bit weights: B is the weight transposed to [N, blocks, blockSize]
     * as unsigned bytes around the implicit zero point 128, one float scale per (column, block); a bias (a Gemm's,
     * or that of the Add after a MatMul) as the operator's own bias input. The node keeps its name.
     *
     * @param output the value it writes: the node's output, or the folded Add's
     */
    private static void addBlockwiseMatMul(Onnx.Graph.Builder out, Onnx.Node node, Onnx.Tensor weights, String bias,
            String output, QuantizeOptions options) {
        int k = (int) weights.getDims(0);
        int n = (int) weights.getDims(1);
        Blocks q = quantizeBlocks(readFloats(weights), k, n, options.blockSize());
        String base = weights.getName();
        String name = node.getName().isEmpty() ? base : node.getName();
        out.addInitializer(GraphBuilder.tensor(base + "_blocks", Onnx.Tensor.DataType.UINT8, q.values, n, q.blocks,
                options.blockSize()));
        out.addInitializer(floats(base + "_block_scale", q.scales, n, q.blocks));
        Onnx.Node.Builder matmul = Onnx.Node.newBuilder().setOpType("MatMulNBits").setDomain(MS_DOMAIN).setName(name)
                .addInput(node.getInput(0)).addInput(base + "_blocks").addInput(base + "_block_scale");
        if (bias != null) {
            // inputs 3 and 4 (zero points, g_idx) absent; 5 is the bias
            matmul.addInput("").addInput("").addInput(bias);
        }
        out.addNode(matmul.addOutput(output).addAttribute(intAttribute("K", k)).addAttribute(intAttribute("N", n))
                .addAttribute(intAttribute("bits", 8)).addAttribute(intAttribute("block_size", options.blockSize()))
                .addAttribute(intAttribute("accuracy_level", options.accuracyLevel())));
    }

    /**
     * The {@code Add} that only adds a constant 1-D float bias of {@code n} to {@code matmul}'s output, when that
     * Add is the output's only reader and the output is not a graph output; null otherwise.
     */
    /** Each value's readers, in graph order. */
    static Map<String, List<Onnx.Node>> consumers(Onnx.Graph graph) {
        Map<String, List<Onnx.Node>> consumers = new HashMap<>();
        for (Onnx.Node node : graph.getNodeList()) {
            for (String input : node.getInputList()) {
                consumers.computeIfAbsent(input, x -> new ArrayList<>()).add(node);
            }
        }
        return consumers;
    }

    /** The names of the graph's outputs. */
    static Set<String> outputNames(Onnx.Graph graph) {
        Set<String> names = new HashSet<>();
        graph.getOutputList().forEach(o -> names.add(o.getName()));
        return names;
    }

    static Onnx.Node biasAdd(Onnx.Node matmul, long n, Map<String, List<Onnx.Node>> consumers,
            Map<String, Onnx.Tensor> initializers, Set<String> graphOutputs) {
        String product = matmul.getOutput(0);
        List<Onnx.Node> readers = consumers.getOrDefault(product, List.of());
        if (graphOutputs.contains(product) || readers.size() != 1) {
            return null;
        }
        Onnx.Node add = readers.get(0);
        if (!add.getOpType().equals("Add") || !add.getDomain().isEmpty() || add.getInputCount() != 2
                || add.getInput(0).equals(add.getInput(1))) {
            return null;
        }
        Onnx.Tensor bias = initializers.get(add.getInput(add.getInput(0).equals(product) ? 1 : 0));
        return bias != null && bias.getDataType() == Onnx.Tensor.DataType.FLOAT_VALUE && bias.getDimsCount() == 1
                && bias.getDims(0) == n && bias.getDataLocation() != Onnx.Tensor.DataLocation.EXTERNAL ? add : null;
    }

    private static Onnx.Attribute intAttribute(String name, long value) {
        return Onnx.Attribute.newBuilder().setName(name).setType(Onnx.Attribute.Type.INT).setI(value).build();
    }

    /**
     * 8-bit blocks of a [K, N] matrix in {@code MatMulNBits}' layout.
     *
     * @param values [N, blocks, blockSize] unsigned: round(w / scale) + 128, the padding past K at 128 (zero)
     * @param scales [N, blocks]: the block's largest magnitude / 127 (1 for an all-zero block)
     * @param blocks ceil(K / blockSize)
     */
    record Blocks(byte[] values, float[] scales, int blocks) {}

    /** Symmetric 8-bit quantisation of each block of {@code blockSize} weights along K of each column of w [K, N]. */
    static Blocks quantizeBlocks(float[] w, int k, int n, int blockSize) {
        int blocks = (k + blockSize - 1) / blockSize;
        byte[] values = new byte[n * blocks * blockSize];
        float[] scales = new float[n * blocks];
        for (int col = 0; col < n; col++) {
            for (int b = 0; b < blocks; b++) {
                int start = b * blockSize;
                int end = Math.min(k, start + blockSize);
                float max = 0;
                for (int row = start; row < end; row++) {
                    max = Math.max(max, Math.abs(w[row * n + col]));
                }
                float scale = max == 0 ? 1f : max / 127f;
                scales[col * blocks + b] = scale;
                int offset = (col * blocks + b) * blockSize;
                for (int i = 0; i < blockSize; i++) {
                    int row = start + i;
                    int q = row < end ? Math.max(-127, Math.min(127, Math.round(w[row * n + col] / scale))) : 0;
                    values[offset + i] = (byte) (q + 128);
                }
            }
        }
        return new Blocks(values, scales, blocks);
    }

    /**
     * A Gemm that is a MatMul plus an optional 1-D bias: constant 2-D float B used only here, A not
     * transposed, alpha and beta 1, and C (if any) a 1-D constant of B's output width.
     */
    private static boolean isPlainGemm(Onnx.Node node, Map<String, Onnx.Tensor> initializers,
            Map<String, Integer> uses) {
        if (!node.getOpType().equals("Gemm") || !node.getDomain().isEmpty() || node.getInputCount() < 2) {
            return false;
        }
        Onnx.Tensor b = initializers.get(node.getInput(1));
        if (!isFloatMatrix(b) || uses.get(b.getName()) != 1 || attribute(node, "transA", 0) != 0
                || attributeFloat(node, "alpha", 1f) != 1f || attributeFloat(node, "beta", 1f) != 1f) {
            return false;
        }
        if (node.getInputCount() == 3) {
            Onnx.Tensor c = initializers.get(node.getInput(2));
            long width = attribute(node, "transB", 0) == 1 ? b.getDims(0) : b.getDims(1);
            return c != null && c.getDimsCount() == 1 && c.getDims(0) == width;
        }
        return true;
    }

    private static long attribute(Onnx.Node node, String name, long fallback) {
        return node.getAttributeList().stream().filter(a -> a.getName().equals(name)).mapToLong(Onnx.Attribute::getI)
                .findFirst().orElse(fallback);
    }

    private static float attributeFloat(Onnx.Node node, String name, float fallback) {
        for (Onnx.Attribute a : node.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getF();
            }
        }
        return fallback;
    }

    /** The transpose of a 2-D float tensor, same name. */
    private static Onnx.Tensor transpose(Onnx.Tensor t) {
        int rows = (int) t.getDims(0);
        int cols = (int) t.getDims(1);
        float[] in = readFloats(t);
        float[] out = new float[in.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out[c * rows + r] = in[r * cols + c];
            }
        }
        return floats(t.getName(), out, cols, rows);
    }

    /** Gather(table_q, ids) → Cast → Mul by Gather(scales, ids) unsqueezed: the rows read back in float. */
    private static void addInt8Embedding(Onnx.Graph.Builder out, Onnx.Node gather, Onnx.Tensor table, long opset) {
        String base = table.getName();
        int rows = (int) table.getDims(0);
        int width = (int) table.getDims(1);
        float[] values = readFloats(table);
        byte[] q = new byte[values.length];
        float[] scales = new float[rows];
        for (int r = 0; r < rows; r++) {
            float max = 0;
            for (int c = 0; c < width; c++) {
                max = Math.max(max, Math.abs(values[r * width + c]));
            }
            scales[r] = max == 0 ? 1f : max / 127f;
            for (int c = 0; c < width; c++) {
                q[r * width + c] = (byte) Math.max(-127, Math.min(127, Math.round(values[r * width + c] / scales[r])));
            }
        }
        out.addInitializer(GraphBuilder.tensor(base + "_quantized", Onnx.Tensor.DataType.INT8, q, rows, width));
        out.addInitializer(floats(base + "_row_scale", scales, rows));
        String ids = gather.getInput(1);
        String output = gather.getOutput(0);
        out.addNode(node("Gather", base + "_gather_q", List.of(base + "_quantized", ids), base + "_rows_q"));
        out.addNode(node("Cast", base + "_cast", List.of(base + "_rows_q"), base + "_rows_f")
                .addAttribute(Onnx.Attribute.newBuilder().setName("to").setType(Onnx.Attribute.Type.INT)
                        .setI(Onnx.Tensor.DataType.FLOAT_VALUE)));
        out.addNode(node("Gather", base + "_gather_scale", List.of(base + "_row_scale", ids), base + "_scales"));
        Onnx.Node.Builder unsqueeze;
        if (opset >= 13) {
            out.addInitializer(longs(base + "_last_axis", new long[] {-1}, 1));
            unsqueeze = node("Unsqueeze", base + "_unsqueeze", List.of(base + "_scales", base + "_last_axis"),
                    base + "_scales_3d");
        } else {
            unsqueeze = node("Unsqueeze", base + "_unsqueeze", List.of(base + "_scales"), base + "_scales_3d")
                    .addAttribute(Onnx.Attribute.newBuilder().setName("axes").setType(Onnx.Attribute.Type.INTS)
                            .addInts(-1));
        }
        out.addNode(unsqueeze);
        out.addNode(node("Mul", base + "_dequantize", List.of(base + "_rows_f", base + "_scales_3d"), output));
    }

    static Onnx.Node.Builder node(String op, String name, List<String> inputs, String output) {
        return Onnx.Node.newBuilder().setOpType(op).setName(name).addAllInput(inputs).addOutput(output);
    }

    private record Quantized(byte[] values, float[] scales) {}

    /** Symmetric int8 of a [K, N] matrix: one scale per column, or one for all. */
    private static Quantized quantizeColumns(Onnx.Tensor weight, boolean perColumn) {
        int k = (int) weight.getDims(0);
        int n = (int) weight.getDims(1);
        float[] w = readFloats(weight);
        float[] scales = new float[perColumn ? n : 1];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < n; j++) {
                int s = perColumn ? j : 0;
                scales[s] = Math.max(scales[s], Math.abs(w[i * n + j]));
            }
        }
        for (int s = 0; s < scales.length; s++) {
            scales[s] = scales[s] == 0 ? 1f : scales[s] / 127f;
        }
        byte[] q = new byte[w.length];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < n; j++) {
                float scale = scales[perColumn ? j : 0];
                q[i * n + j] = (byte) Math.max(-127, Math.min(127, Math.round(w[i * n + j] / scale)));
            }
        }
        return new Quantized(q, scales);
    }

    static boolean isFloatMatrix(Onnx.Tensor t) {
        return t != null && t.getDataType() == Onnx.Tensor.DataType.FLOAT_VALUE && t.getDimsCount() == 2
                && t.getDataLocation() != Onnx.Tensor.DataLocation.EXTERNAL;
    }

    static float[] readFloats(Onnx.Tensor t) {
        if (t.getFloatDataCount() > 0) {
            float[] out = new float[t.getFloatDataCount()];
            for (int i = 0; i < out.length; i++) {
                out[i] = t.getFloatData(i);
            }
            return out;
        }
        ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[raw.remaining() / Float.BYTES];
        raw.asFloatBuffer().get(out);
        return out;
    }

    static Onnx.Tensor floats(String name, float[] values, long... dims) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        return GraphBuilder.tensor(name, Onnx.Tensor.DataType.FLOAT, bytes.array(), dims);
    }

    static Onnx.Tensor longs(String name, long[] values, long... dims) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asLongBuffer().put(values);
        return GraphBuilder.tensor(name, Onnx.Tensor.DataType.INT64, bytes.array(), dims);
    }
}

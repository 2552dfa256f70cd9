package lambert.onnx.graph;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import lambert.onnx.proto.Onnx;

/**
 * Builds small ONNX models node by node: typed graph inputs and outputs with symbolic or fixed
 * dimensions, float and int64 initializers stored as raw little-endian data, and nodes with int,
 * ints and float attributes.
 *
 * <pre>{@code
 * GraphBuilder g = GraphBuilder.create("tiny", 17);
 * g.input("input_ids", Onnx.Tensor.DataType.INT64, "batch", "sequence");
 * g.initializer("table", table, 100, 8);
 * g.node("Gather", List.of("table", "input_ids"), "hidden");
 * g.output("hidden", Onnx.Tensor.DataType.FLOAT, "batch", "sequence", 8);
 * Onnx.Model model = g.build();
 * }</pre>
 */
public final class GraphBuilder {
    private final Onnx.Graph.Builder graph = Onnx.Graph.newBuilder();
    private final int opset;
    private int nodeCount;

    private GraphBuilder(String name, int opset) {
        this.opset = opset;
        graph.setName(name);
    }

    /** A new graph importing the default ONNX domain at {@code opset}. */
    public static GraphBuilder create(String name, int opset) {
        return new GraphBuilder(name, opset);
    }

    /** Adds a graph input; each dimension is a {@link String} (symbolic) or a number (fixed). */
    public GraphBuilder input(String name, Onnx.Tensor.DataType type, Object... dims) {
        graph.addInput(valueInfo(name, type, dims));
        return this;
    }

    /** Adds a graph output; each dimension is a {@link String} (symbolic) or a number (fixed). */
    public GraphBuilder output(String name, Onnx.Tensor.DataType type, Object... dims) {
        graph.addOutput(valueInfo(name, type, dims));
        return this;
    }

    /** Adds a float initializer of the given shape. */
    public GraphBuilder initializer(String name, float[] values, long... dims) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        graph.addInitializer(tensor(name, Onnx.Tensor.DataType.FLOAT, bytes.array(), dims));
        return this;
    }

    /** Adds an int64 initializer of the given shape. */
    public GraphBuilder initializer(String name, long[] values, long... dims) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asLongBuffer().put(values);
        graph.addInitializer(tensor(name, Onnx.Tensor.DataType.INT64, bytes.array(), dims));
        return this;
    }

    /** Adds a node with one output and returns that output's name. */
    public String node(String opType, List<String> inputs, String output, Onnx.Attribute... attributes) {
        Onnx.Node.Builder node = Onnx.Node.newBuilder()
                .setOpType(opType)
                .setName(opType + "_" + nodeCount++)
                .addAllInput(inputs)
                .addOutput(output);
        for (Onnx.Attribute a : attributes) {
            node.addAttribute(a);
        }
        graph.addNode(node);
        return output;
    }

    /** An integer attribute. */
    public static Onnx.Attribute attribute(String name, long value) {
        return Onnx.Attribute.newBuilder().setName(name).setType(Onnx.Attribute.Type.INT).setI(value).build();
    }

    /** An integer list attribute. */
    public static Onnx.Attribute attribute(String name, long[] values) {
        Onnx.Attribute.Builder a = Onnx.Attribute.newBuilder().setName(name).setType(Onnx.Attribute.Type.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    /** A float attribute. */
    public static Onnx.Attribute attribute(String name, float value) {
        return Onnx.Attribute.newBuilder().setName(name).setType(Onnx.Attribute.Type.FLOAT).setF(value).build();
    }

    /**
     * The model, producer lambert, at the lowest IR version that can carry its opset (8 up to
     * opset 18, 9 for opsets 19 and 20, 10 from opset 21).
     */
    public Onnx.Model build() {
        return Onnx.Model.newBuilder()
                .setIrVersion(irVersionFor(opset))
                .setProducerName("lambert")
                .addOpsetImport(Onnx.OperatorSetId.newBuilder().setDomain("").setVersion(opset))
                .setGraph(graph)
                .build();
    }

    /** The lowest ONNX IR version whose models may import the default domain at {@code opset}. */
    public static long irVersionFor(int opset) {
        if (opset <= 18) {
            return 8;
        }
        return opset <= 20 ? 9 : 10;
    }

    /** A tensor with raw little-endian data. */
    public static Onnx.Tensor tensor(String name, Onnx.Tensor.DataType type, byte[] raw, long... dims) {
        Onnx.Tensor.Builder t = Onnx.Tensor.newBuilder().setName(name).setDataType(type.getNumber())
                .setRawData(ByteString.copyFrom(raw));
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    private static Onnx.ValueInfo valueInfo(String name, Onnx.Tensor.DataType type, Object... dims) {
        Onnx.TensorShape.Builder shape = Onnx.TensorShape.newBuilder();
        for (Object d : dims) {
            Onnx.TensorShape.Dimension.Builder dim = Onnx.TensorShape.Dimension.newBuilder();
            if (d instanceof String) {
                dim.setDimParam((String) d);
            } else if (d instanceof Number) {
                dim.setDimValue(((Number) d).longValue());
            } else {
                throw new IllegalArgumentException("a dimension is a String or a number, found " + d);
            }
            shape.addDim(dim);
        }
        return Onnx.ValueInfo.newBuilder()
                .setName(name)
                .setType(Onnx.TypeInfo.newBuilder().setTensorType(
                        Onnx.TypeInfo.TensorType.newBuilder().setElemType(type.getNumber()).setShape(shape)))
                .build();
    }
}

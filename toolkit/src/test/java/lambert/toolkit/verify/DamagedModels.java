package lambert.toolkit.verify;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import lambert.onnx.io.ModelFiles;
import lambert.onnx.proto.Onnx;
import lambert.runtime.testing.TestModels;

/** Copies of the built-in all-MiniLM-L6-v2 with deliberate damage, for the tests of verify and its command. */
public final class DamagedModels {
    private DamagedModels() {}

    /** A folder {@code folder} holding all-MiniLM-L6-v2's files with its graph passed through {@code edit}. */
    public static Path copyOfMiniLm(Path folder, UnaryOperator<Onnx.Model> edit) throws IOException {
        Files.createDirectories(folder);
        Onnx.Model model = ModelFiles.read(TestModels.minilm().resolve("model.onnx"));
        ModelFiles.write(edit.apply(model), folder.resolve("model.onnx"));
        for (String file : List.of("tokenizer.json", "config.json", "modules.json", "sentence_bert_config.json")) {
            Files.copy(TestModels.minilm().resolve(file), folder.resolve(file));
        }
        return folder;
    }

    /** {@code model} with its first 2-D float MatMul weight scaled by {@code factor}: the damage a bad conversion does. */
    public static Onnx.Model scaleFirstMatMulWeight(Onnx.Model model, float factor) {
        Onnx.Graph graph = model.getGraph();
        Set<String> matmulInputs = new HashSet<>();
        for (Onnx.Node node : graph.getNodeList()) {
            if (node.getOpType().equals("MatMul")) {
                matmulInputs.addAll(node.getInputList());
            }
        }
        Onnx.Graph.Builder edited = graph.toBuilder();
        for (int i = 0; i < graph.getInitializerCount(); i++) {
            Onnx.Tensor t = graph.getInitializer(i);
            if (matmulInputs.contains(t.getName()) && t.getDataType() == Onnx.Tensor.DataType.FLOAT_VALUE
                    && t.getDimsCount() == 2) {
                ByteBuffer in = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                ByteBuffer out = ByteBuffer.allocate(in.remaining()).order(ByteOrder.LITTLE_ENDIAN);
                while (in.hasRemaining()) {
                    out.putFloat(in.getFloat() * factor);
                }
                edited.setInitializer(i, t.toBuilder().setRawData(ByteString.copyFrom(out.array())));
                return model.toBuilder().setGraph(edited).build();
            }
        }
        throw new IllegalStateException("no 2-D float MatMul weight in the model");
    }
}

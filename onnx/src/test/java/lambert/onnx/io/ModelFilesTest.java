package lambert.onnx.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import lambert.onnx.graph.GraphBuilder;
import lambert.onnx.proto.Onnx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFilesTest {
    @TempDir
    Path dir;

    @Test
    void read_thenWriteGivesTheSameBytesForTheRealMiniLm() throws Exception {
        Path original = dir.resolve("minilm-int8.onnx");
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("all-minilm-l6-v2-q.onnx")) {
            Files.copy(in, original);
        }
        Onnx.Model model = ModelFiles.read(original);
        assertThat(model.getGraph().getNodeCount()).isGreaterThan(100);
        assertThat(model.getGraph().getInputList()).extracting(Onnx.ValueInfo::getName)
                .contains("input_ids", "attention_mask");
        Path copy = dir.resolve("copy.onnx");
        ModelFiles.write(model, copy);
        assertThat(Files.mismatch(original, copy)).isEqualTo(-1L);
    }

    @Test
    void build_tinyGraphRunsInOnnxRuntime() throws Exception {
        GraphBuilder g = GraphBuilder.create("add-one", 17);
        g.input("x", Onnx.Tensor.DataType.FLOAT, "n");
        g.initializer("one", new float[] {1f}, 1);
        g.node("Add", List.of("x", "one"), "y");
        g.output("y", Onnx.Tensor.DataType.FLOAT, "n");
        Path file = dir.resolve("add.onnx");
        ModelFiles.write(g.build(), file);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(file.toString(), new OrtSession.SessionOptions());
                OnnxTensor x = OnnxTensor.createTensor(env, new float[] {1f, 2.5f});
                OrtSession.Result result = session.run(Map.of("x", x))) {
            assertThat((float[]) result.get(0).getValue()).containsExactly(2f, 3.5f);
        }
    }

    @Test
    void read_fileThatIsNotAModelSaysSo() throws Exception {
        Path text = Files.writeString(dir.resolve("notes.onnx"), "this is not protobuf at all \u0000\u0001");
        assertThatThrownBy(() -> ModelFiles.read(text)).isInstanceOf(IOException.class)
                .hasMessageContaining("is not an ONNX model");
    }

    @Test
    void write_ontoAFolderNamesTheTargetNotTheTempFile() throws Exception {
        Path target = Files.createDirectories(dir.resolve("model.onnx"));
        Files.writeString(target.resolve("inside"), "keeps the folder from being replaced");
        assertThatThrownBy(() -> ModelFiles.write(GraphBuilder.create("g", 17).build(), target))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith(target + ": cannot be replaced by the file written next to it")
                .hasMessageNotContaining(".partial");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".partial"));
        }
    }

    @Test
    void write_failureLeavesThePreviousFileAndNoTempFiles() throws Exception {
        Path target = dir.resolve("model.onnx");
        Files.writeString(target, "previous");
        Path blocked = dir.resolve("sub");
        Files.writeString(blocked, "a file where a folder is needed");
        assertThatThrownBy(() -> ModelFiles.write(GraphBuilder.create("g", 17).build(), blocked.resolve("m.onnx")))
                .isInstanceOf(IOException.class);
        assertThat(Files.readString(target)).isEqualTo("previous");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".partial"));
        }
    }
}

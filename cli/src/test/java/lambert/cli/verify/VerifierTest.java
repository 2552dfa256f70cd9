package lambert.cli.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import lambert.cli.ExitCodes;
import lambert.cli.Lambert;
import lambert.onnx.io.ModelFiles;
import lambert.onnx.proto.Onnx;
import lambert.runtime.Model;
import lambert.runtime.ModelOptions;
import lambert.base.json.Json;
import lambert.runtime.testing.TestModels;
import lambert.runtime.testing.TinyModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** verify against real and deliberately damaged models. */
class VerifierTest {
    private static final List<String> TEXTS = VerifyTexts.builtIn().subList(0, 120);

    @TempDir
    Path dir;

    @Test
    void builtIn_hasOverAThousandVariedTexts() {
        List<String> texts = VerifyTexts.builtIn();
        assertThat(texts).hasSizeGreaterThanOrEqualTo(1000);
        assertThat(texts).anyMatch(t -> t.codePoints().anyMatch(c -> c > 0x1F000));
        assertThat(texts).anyMatch(t -> t.chars().anyMatch(c -> c >= 0x4E00 && c <= 0x9FFF));
        assertThat(texts).anyMatch(t -> t.split(" ").length > 400);
        assertThat(texts).anyMatch(t -> !t.contains(" "));
    }

    @Test
    void compare_modelReadAndWrittenByTheOnnxModuleAnswersIdentically() throws Exception {
        Path copy = copyOfMiniLm("copy", model -> model);
        try (Model reference = Model.open(TestModels.minilm(), ModelOptions.defaults());
                Model candidate = Model.open(copy, ModelOptions.defaults())) {
            VerifyReport r = Verifier.compare(reference, candidate, TEXTS, 3);
            assertThat(r.maxAbsDiff()).isZero();
            assertThat(r.minCosine()).isGreaterThan(0.999999);
            assertThat(Thresholds.converted().failures(r)).isEmpty();
        }
    }

    @Test
    void verify_damagedModelFailsWithExitOneAndNamesTheWorstTexts() throws Exception {
        // One attention weight scaled by 1.5: the kind of damage a bad conversion does.
        Path damaged = copyOfMiniLm("damaged", model -> scaleFirstMatMulWeight(model, 1.5f));
        Path texts = Files.write(dir.resolve("texts.txt"), TEXTS.subList(0, 60));
        StringWriter out = new StringWriter();
        CommandLine cli = Lambert.commandLine();
        cli.setOut(new PrintWriter(out, true));
        int code = cli.execute("verify", "--reference", TestModels.minilm().toString(), "--candidate",
                damaged.toString(), "--texts", texts.toString(), "--only-texts", "--json", "--worst", "3");
        assertThat(code).isEqualTo(ExitCodes.CHECK_FAILED);
        Map<?, ?> report = (Map<?, ?>) Json.parse(out.toString().trim().getBytes());
        assertThat(report.get("pass")).isEqualTo(false);
        assertThat(((Number) report.get("max_abs_diff")).doubleValue()).isGreaterThan(1e-3);
        assertThat((List<?>) report.get("worst")).hasSize(3);
        assertThat((String) ((Map<?, ?>) ((List<?>) report.get("worst")).get(0)).get("text")).isNotEmpty();
    }

    @Test
    void compare_classifierWithShiftedBiasLosesLabelAgreement() throws Exception {
        List<String> labels = List.of("a", "b", "c");
        TinyModels original = TinyModels.classifier(dir.resolve("original"), 30522, labels, false, 9);
        TinyModels same = TinyModels.classifier(dir.resolve("same"), 30522, labels, false, 9);
        TinyModels other = TinyModels.classifier(dir.resolve("other"), 30522, labels, false, 10);
        try (Model a = Model.open(original.bundle(), ModelOptions.defaults());
                Model b = Model.open(same.bundle(), ModelOptions.defaults());
                Model c = Model.open(other.bundle(), ModelOptions.defaults())) {
            VerifyReport identical = Verifier.compare(a, b, TEXTS, 3);
            assertThat(identical.labelAgreement()).isEqualTo(1.0);
            assertThat(Thresholds.converted().failures(identical)).isEmpty();
            VerifyReport different = Verifier.compare(a, c, TEXTS, 3);
            assertThat(different.labelAgreement()).isLessThan(0.98);
            assertThat(Thresholds.quantised().failures(different)).singleElement().asString()
                    .contains("label agreement");
        }
    }

    private Path copyOfMiniLm(String name, java.util.function.UnaryOperator<Onnx.Model> edit) throws Exception {
        Path folder = Files.createDirectories(dir.resolve(name));
        Onnx.Model model = ModelFiles.read(TestModels.minilm().resolve("model.onnx"));
        ModelFiles.write(edit.apply(model), folder.resolve("model.onnx"));
        for (String file : List.of("tokenizer.json", "config.json", "modules.json", "sentence_bert_config.json")) {
            Files.copy(TestModels.minilm().resolve(file), folder.resolve(file));
        }
        return folder;
    }

    private static Onnx.Model scaleFirstMatMulWeight(Onnx.Model model, float factor) {
        Onnx.Graph graph = model.getGraph();
        java.util.Set<String> matmulInputs = new java.util.HashSet<>();
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

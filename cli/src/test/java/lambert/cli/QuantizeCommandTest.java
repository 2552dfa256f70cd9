package lambert.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import lambert.base.json.Json;
import lambert.onnx.graph.GraphBuilder;
import lambert.onnx.io.ModelFiles;
import lambert.onnx.proto.Onnx;
import lambert.onnx.quantize.QuantizeException;
import lambert.onnx.quantize.QuantizeOptions;
import lambert.onnx.quantize.Quantizer;
import lambert.runtime.Model;
import lambert.runtime.ModelOptions;
import lambert.runtime.bundle.ModelBundle;
import lambert.runtime.testing.TestModels;
import lambert.toolkit.verify.Thresholds;
import lambert.toolkit.verify.Verifier;
import lambert.toolkit.verify.VerifyReport;
import lambert.toolkit.verify.VerifyTexts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** lambert's own int8 quantiser on the real fp32 all-MiniLM-L6-v2, checked with verify against the original. */
class QuantizeCommandTest {
    private static final List<String> TEXTS = VerifyTexts.builtIn().subList(0, 150);

    @TempDir
    Path dir;

    @Test
    void quantize_realMiniLmPassesVerifyAndPerChannelBeatsPerTensor() throws Exception {
        Path perChannel = dir.resolve("per-channel");
        Path perTensor = dir.resolve("per-tensor");
        assertThat(run("quantize", "--model", TestModels.minilm().toString(), "--out", perChannel.toString()))
                .isEqualTo(0);
        assertThat(run("quantize", "--model", TestModels.minilm().toString(), "--out", perTensor.toString(),
                "--per-tensor")).isEqualTo(0);
        ModelBundle bundle = ModelBundle.open(perChannel);
        assertThat(bundle.manifest().quantization()).contains("per-channel");
        assertThat(Files.size(bundle.modelPath())).isLessThan(24L * 1024 * 1024);
        try (Model fp32 = Model.open(TestModels.minilm(), ModelOptions.defaults());
                Model channel = Model.open(perChannel, ModelOptions.defaults());
                Model tensor = Model.open(perTensor, ModelOptions.defaults())) {
            VerifyReport c = Verifier.compare(fp32, channel, TEXTS, 1);
            VerifyReport t = Verifier.compare(fp32, tensor, TEXTS, 1);
            assertThat(Thresholds.quantised().failures(c)).isEmpty();
            assertThat(c.meanCosine()).isGreaterThanOrEqualTo(t.meanCosine());
            assertThat(c.minCosine()).isGreaterThanOrEqualTo(t.minCosine());
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void quantize_blockwiseJsonSaysWhatItChoseForEachLayer() throws Exception {
        StringWriter out = new StringWriter();
        CommandLine cli = Lambert.commandLine();
        cli.setOut(new PrintWriter(out, true));
        assertThat(cli.execute("quantize", "--model", TestModels.minilm().toString(), "--out",
                dir.resolve("blockwise").toString(), "--method", "blockwise", "--block-size", "64", "--json"))
                .isEqualTo(0);
        Map<String, Object> json = (Map<String, Object>) Json.parse(out.toString().getBytes(StandardCharsets.UTF_8));
        assertThat(json).containsEntry("method", "blockwise").containsEntry("block_size", 64L)
                .containsEntry("accuracy_level", 4L).containsEntry("matmuls", 36L).containsEntry("embedding_tables", 1L);
        List<Map<String, Object>> layers = (List<Map<String, Object>>) json.get("layers");
        List<Map<String, Object>> quantised = layers.stream().filter(l -> (Boolean) l.get("quantized")).toList();
        // 36 weight MatMuls (6 layers x query, key, value, attention output, intermediate, output) and the words
        assertThat(quantised).hasSize(37);
        assertThat(quantised).filteredOn(l -> l.get("op").equals("MatMul")).hasSize(36)
                .allSatisfy(l -> assertThat((String) l.get("choice")).contains("MatMulNBits")
                        .contains("blocks of 64"))
                .extracting(l -> l.get("rows") + "x" + l.get("columns"))
                .containsOnly("384x384", "384x1536", "1536x384");
        assertThat(quantised).filteredOn(l -> l.get("op").equals("Gather")).singleElement()
                .satisfies(l -> assertThat(l.get("rows")).isEqualTo(30522L));
        // attention's two MatMuls per layer multiply activations: nothing constant to quantise
        assertThat(layers).filteredOn(l -> l.get("op").equals("MatMul") && !(Boolean) l.get("quantized")).hasSize(12)
                .allSatisfy(l -> assertThat((String) l.get("choice")).contains("no constant weight"));
        assertThat((Double) json.get("mean_cosine")).isGreaterThan(0.99);
        assertThat(ModelBundle.open(dir.resolve("blockwise")).manifest().batchInvariant()).isTrue();
    }

    @Test
    void quantize_blockwiseSettingsAreCheckedBeforeAnyWork() {
        StringWriter err = new StringWriter();
        CommandLine cli = Lambert.commandLine();
        cli.setErr(new PrintWriter(err, true));
        assertThat(cli.execute("quantize", "--model", TestModels.minilm().toString(), "--out",
                dir.resolve("bad").toString(), "--method", "blockwise", "--block-size", "48"))
                .isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(cli.execute("quantize", "--model", TestModels.minilm().toString(), "--out",
                dir.resolve("bad").toString(), "--block-size", "64")).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(err.toString()).contains("block size: expected a power of two, at least 16, found 48")
                .contains("--block-size and --accuracy-level apply to --method blockwise only, found --method contrib");
        assertThat(Files.exists(dir.resolve("bad"))).isFalse();
    }

    @Test
    void quantize_alreadyQuantisedModelIsRefused() {
        StringWriter err = new StringWriter();
        CommandLine cli = Lambert.commandLine();
        cli.setErr(new PrintWriter(err, true));
        assertThat(cli.execute("quantize", "--model", TestModels.minilmInt8().toString(), "--out",
                dir.resolve("again").toString())).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(err.toString()).contains("already quantised").contains("float original");
        assertThat(Files.exists(dir.resolve("again"))).isFalse();
    }

    @Test
    void quantize_modelWithoutMatMulIsRefused() {
        GraphBuilder g = GraphBuilder.create("add", 17);
        g.input("x", Onnx.Tensor.DataType.FLOAT, "n");
        g.initializer("one", new float[] {1f}, 1);
        g.node("Add", List.of("x", "one"), "y");
        g.output("y", Onnx.Tensor.DataType.FLOAT, "n");
        assertThatThrownBy(() -> Quantizer.quantize(g.build(), QuantizeOptions.defaults()))
                .isInstanceOf(QuantizeException.class).hasMessageContaining("no MatMul");
    }

    @Test
    void quantize_fileThatIsNotAModelIsRefused() throws Exception {
        Path notModel = Files.writeString(dir.resolve("model.onnx"), "plain text, not protobuf");
        assertThatThrownBy(() -> ModelFiles.read(notModel)).hasMessageContaining("is not an ONNX model");
    }

    private static int run(String... args) {
        CommandLine cli = Lambert.commandLine();
        cli.setOut(new PrintWriter(new StringWriter(), true));
        return cli.execute(args);
    }
}

package lambert.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

package lambert.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
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

class OptimizeCommandTest {
    @TempDir
    Path dir;

    @Test
    void optimize_writesAPreOptimisedBundleThatAnswersTheSame() throws Exception {
        Path out = dir.resolve("opt");
        assertThat(run("optimize", "--model", TestModels.minilmInt8().toString(), "--out", out.toString()))
                .isEqualTo(0);
        ModelBundle bundle = ModelBundle.open(out);
        assertThat(bundle.manifest().optimization()).isEqualTo("extended");
        assertThat(bundle.manifest().preOptimized()).isTrue();
        assertAnswersAsTheInt8Export(bundle);
    }

    @Test
    void optimize_ortFormatWritesModelOrtThatAnswersAsTheOnnxExport() throws Exception {
        Path out = dir.resolve("ort");
        assertThat(run("optimize", "--model", TestModels.minilmInt8().toString(), "--out", out.toString(),
                "--format", "ort")).isEqualTo(0);
        ModelBundle bundle = ModelBundle.open(out);
        assertThat(bundle.manifest().modelFile()).isEqualTo("model.ort");
        assertThat(Files.isRegularFile(out.resolve("model.ort"))).isTrue();
        assertThat(Files.exists(out.resolve("model.onnx"))).isFalse();
        assertAnswersAsTheInt8Export(bundle);
    }

    @Test
    void quantize_ortFormatBundleIsRefusedNamingTheFormat() throws Exception {
        Path ort = dir.resolve("ort");
        assertThat(run("optimize", "--model", TestModels.minilm().toString(), "--out", ort.toString(), "--format",
                "ort")).isEqualTo(0);
        StringWriter err = new StringWriter();
        CommandLine cli = Lambert.commandLine();
        cli.setOut(new PrintWriter(new StringWriter(), true));
        cli.setErr(new PrintWriter(err, true));
        assertThat(cli.execute("quantize", "--model", ort.toString(), "--out", dir.resolve("q").toString()))
                .isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(err.toString()).contains("model.ort").contains("ONNX Runtime's own format");
        assertThat(dir.resolve("q")).doesNotExist();
    }

    @Test
    void optimize_unknownFormatIsABadArgument() {
        StringWriter err = new StringWriter();
        CommandLine cli = Lambert.commandLine();
        cli.setErr(new PrintWriter(err, true));
        assertThat(cli.execute("optimize", "--model", TestModels.minilmInt8().toString(), "--out",
                dir.resolve("x").toString(), "--format", "tflite")).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(err.toString()).contains("--format").contains("tflite");
    }

    @Test
    void optimize_existingOutputIsKeptWithoutForce() throws Exception {
        Path out = Files.createDirectories(dir.resolve("taken"));
        Files.writeString(out.resolve("keep.txt"), "mine");
        StringWriter err = new StringWriter();
        CommandLine cli = Lambert.commandLine();
        cli.setErr(new PrintWriter(err, true));
        assertThat(cli.execute("optimize", "--model", TestModels.minilmInt8().toString(), "--out", out.toString()))
                .isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(err.toString()).contains("exists").contains("--force");
        assertThat(Files.readString(out.resolve("keep.txt"))).isEqualTo("mine");
    }

    /** The optimised bundle answers as the int8 export it was made from, within the converted profile's bounds. */
    private static void assertAnswersAsTheInt8Export(ModelBundle bundle) {
        try (Model original = Model.open(TestModels.minilmInt8(), ModelOptions.defaults());
                Model optimised = Model.open(bundle, ModelOptions.defaults())) {
            VerifyReport r = Verifier.compare(original, optimised, VerifyTexts.builtIn().subList(0, 100), 1);
            assertThat(Thresholds.converted().failures(r)).isEmpty();
        }
    }

    private static int run(String... args) {
        CommandLine cli = Lambert.commandLine();
        cli.setOut(new PrintWriter(new StringWriter(), true));
        return cli.execute(args);
    }
}

package lambert.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import lambert.cli.Lambert;
import lambert.onnx.checkpoint.Checkpoint;
import lambert.runtime.session.EngineOptions;
import lambert.runtime.session.OnnxSession;
import lambert.runtime.session.Optimization;
import lambert.runtime.session.Output;
import lambert.runtime.session.TokenBatch;
import lambert.runtime.tokenize.TextTokenizer;
import lambert.runtime.tokenize.Tokens;
import lambert.toolkit.bundling.ExportedCheckpoint;
import lambert.toolkit.bundling.Exports;
import lambert.toolkit.verify.VerifyTexts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import picocli.CommandLine;

/**
 * {@code lambert convert} against references it did not make: ONNX exports of all-MiniLM-L6-v2,
 * bge-small-en-v1.5 and e5-small-v2 made by PyTorch's exporter. Each export is taken apart into the
 * Hugging Face checkpoint it came from ({@link ExportedCheckpoint}), converted by the command, and
 * both models are run by ONNX Runtime on the verify texts: every value of {@code last_hidden_state}
 * for every real token must agree within 1e-4. To keep the suite short it takes every fourth of the
 * 1,100 texts plus the 16 longest (up to 512 tokens); {@code -Dlambert.test.allTexts=true} runs all
 * of them (about three times longer).
 */
class ExportEquivalenceTest {
    private static final double LIMIT = 1e-4;

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Exports.class)
    void convert_answersLikeThePyTorchExportOnTheVerifyTexts(Exports export) throws Exception {
        Path checkpoint = dir.resolve("checkpoint");
        ExportedCheckpoint.write(ExportedCheckpoint.extract(export.onnx(), export.heads), checkpoint, false);
        Files.copy(export.tokenizer(), checkpoint.resolve("tokenizer.json"));
        Path bundle = dir.resolve("bundle");
        assertThat(run("convert", "--from", checkpoint.toString(), "--out", bundle.toString())).isZero();

        double worst = maxAbsDiff(export.onnx(), bundle.resolve("model.onnx"), export.tokenizer(),
                texts());
        assertThat(worst).as("max abs diff of last_hidden_state, %s", export.modelName).isLessThanOrEqualTo(LIMIT);
    }

    @Test
    void convert_readsTheSameModelFromPytorchModelBin() throws Exception {
        Checkpoint extracted = ExportedCheckpoint.extract(Exports.MINILM.onnx(), Exports.MINILM.heads);
        Path checkpoint = dir.resolve("checkpoint-bin");
        ExportedCheckpoint.write(extracted, checkpoint, true);
        assertThat(checkpoint.resolve("model.safetensors")).doesNotExist();
        Files.copy(Exports.MINILM.tokenizer(), checkpoint.resolve("tokenizer.json"));
        Path bundle = dir.resolve("bundle-bin");
        assertThat(run("convert", "--from", checkpoint.toString(), "--out", bundle.toString())).isZero();

        double worst = maxAbsDiff(Exports.MINILM.onnx(), bundle.resolve("model.onnx"), Exports.MINILM.tokenizer(),
                VerifyTexts.builtIn().subList(0, 200));
        assertThat(worst).isLessThanOrEqualTo(LIMIT);
    }

    @Test
    void extract_findsEveryWeightOfTheSixLayers() throws Exception {
        Checkpoint c = ExportedCheckpoint.extract(Exports.MINILM.onnx(), Exports.MINILM.heads);
        assertThat(c.weights()).hasSize(5 + 6 * 16);
        assertThat(c.require("encoder.layer.5.output.dense.weight", 384, 1536)).isNotNull();
        assertThat(c.require("encoder.layer.0.attention.self.query.weight", 384, 384)).isNotNull();
        assertThat(c.config().requireInt("num_hidden_layers")).isEqualTo(6);
    }

    /** Every fourth verify text and the 16 longest, or all of them with {@code -Dlambert.test.allTexts=true}. */
    static List<String> texts() {
        List<String> all = VerifyTexts.builtIn();
        if (Boolean.getBoolean("lambert.test.allTexts")) {
            return all;
        }
        List<String> picked = new ArrayList<>();
        for (int i = 0; i < all.size(); i += 4) {
            picked.add(all.get(i));
        }
        all.stream().sorted(Comparator.comparingInt(String::length).reversed()).limit(16)
                .filter(t -> !picked.contains(t)).forEach(picked::add);
        return picked;
    }

    /** Both models on the same padded batches (texts sorted by length, 32 at a time), real tokens only. */
    static double maxAbsDiff(Path original, Path converted, Path tokenizerJson, List<String> texts) throws Exception {
        List<Tokens> all = new ArrayList<>();
        try (TextTokenizer tokenizer = TextTokenizer.load(tokenizerJson, 512)) {
            for (String text : texts) {
                all.add(tokenizer.encode(text));
            }
        }
        all.sort(Comparator.comparingInt(Tokens::length));
        List<String> inputs = List.of("input_ids", "attention_mask", "token_type_ids");
        double worst = 0;
        try (OnnxSession a = OnnxSession.open(original, new EngineOptions(0, false, Optimization.AUTO), false);
                OnnxSession b = OnnxSession.open(converted, new EngineOptions(0, false, Optimization.AUTO), false)) {
            for (int from = 0; from < all.size(); from += 32) {
                List<Tokens> chunk = all.subList(from, Math.min(all.size(), from + 32));
                TokenBatch batch = TokenBatch.of(chunk, 0);
                Output x = a.run(inputs, "last_hidden_state", batch);
                Output y = b.run(inputs, "last_hidden_state", batch);
                assertThat(y.shape()).isEqualTo(x.shape());
                int hidden = (int) x.shape()[2];
                for (int r = 0; r < chunk.size(); r++) {
                    for (int t = 0; t < chunk.get(r).length(); t++) {
                        int base = (r * batch.width() + t) * hidden;
                        for (int h = 0; h < hidden; h++) {
                            double d = Math.abs(x.data()[base + h] - y.data()[base + h]);
                            worst = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(worst, d);
                        }
                    }
                }
            }
        }
        return worst;
    }

    private static int run(String... args) {
        CommandLine cli = Lambert.commandLine();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(new StringWriter(), true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        if (code != 0) {
            System.err.println(err);
        }
        return code;
    }
}

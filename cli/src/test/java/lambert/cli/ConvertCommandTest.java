package lambert.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import lambert.onnx.checkpoint.Checkpoint;
import lambert.onnx.family.Head;
import lambert.onnx.family.ReferenceModel;
import lambert.onnx.family.ModelFamilies;
import lambert.onnx.family.TinyCheckpoints;
import lambert.runtime.Model;
import lambert.runtime.ModelOptions;
import lambert.runtime.bundle.Manifest;
import lambert.runtime.bundle.ModelBundle;
import lambert.runtime.bundle.Pooling;
import lambert.runtime.bundle.Task;
import lambert.base.json.Json;
import lambert.runtime.session.EngineOptions;
import lambert.runtime.session.OnnxSession;
import lambert.runtime.session.Optimization;
import lambert.runtime.session.Output;
import lambert.runtime.session.TokenBatch;
import lambert.runtime.task.Parameters;
import lambert.runtime.tokenize.TextTokenizer;
import lambert.runtime.tokenize.Tokens;
import lambert.toolkit.bundling.ConvertOptions;
import lambert.toolkit.bundling.ConvertedManifest;
import lambert.toolkit.bundling.Converter;
import lambert.toolkit.bundling.TinyFolders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * {@code lambert convert} through the command line: tiny random checkpoints of every supported
 * architecture and head, as safetensors and as {@code pytorch_model.bin}, compared with the
 * reference forward pass over the checkpoint in memory (not the one read back from disk); the
 * manifest; and every kind of bad input, none of which may leave a bundle or a work folder behind.
 */
class ConvertCommandTest {
    @TempDir
    Path dir;

    static Stream<Arguments> tinyCheckpoints() {
        List<Arguments> cases = new ArrayList<>();
        for (String type : List.of("bert", "roberta", "distilbert", "mobilebert")) {
            if (!ModelFamilies.supportedModelTypes().contains(type)) {
                continue;
            }
            for (Head head : Head.values()) {
                cases.add(Arguments.of(type, head, false));
                cases.add(Arguments.of(type, head, true));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} bin={2}")
    @MethodSource("tinyCheckpoints")
    void convert_tinyCheckpointAnswersLikeTheReferenceForwardPass(String type, Head head, boolean bin)
            throws Exception {
        Checkpoint checkpoint = TinyCheckpoints.of(type, head, 11);
        Path from = TinyFolders.write(checkpoint, dir.resolve("from"), bin);
        Path out = dir.resolve("out");
        Result r = run("convert", "--from", from.toString(), "--out", out.toString());
        assertThat(r.code).as(r.err).isZero();
        assertThat(r.out).contains("check").contains("max abs diff");

        Manifest manifest = ModelBundle.open(out).manifest();
        assertThat(manifest.task()).isEqualTo(ConvertedManifest.task(head));
        assertThat(manifest.labels()).hasSize(TinyCheckpoints.labels(head));
        assertThat(manifest.output()).isEqualTo(head.outputName());

        ReferenceModel reference = ModelFamilies.forConfig(checkpoint.config()).reference(checkpoint, head);
        List<String> texts = List.of("hey, how are you?", "the new movie is awesome.", "a man playing guitar in the park",
                "ok");
        List<Tokens> tokens = new ArrayList<>();
        try (TextTokenizer tokenizer = TextTokenizer.load(out.resolve("tokenizer.json"), manifest.maxLength())) {
            for (String text : texts) {
                tokens.add(tokenizer.encode(text));
            }
        }
        long pad = checkpoint.config().intOr("pad_token_id", 0);
        TokenBatch batch = TokenBatch.of(tokens, pad);
        Output output;
        try (OnnxSession session = OnnxSession.open(out.resolve("model.onnx"), new EngineOptions(0, false, Optimization.AUTO), false)) {
            output = session.run(manifest.inputs(), manifest.output(), batch);
        }
        int size = (int) output.shape()[output.shape().length - 1];
        int width = output.shape().length == 3 ? batch.width() : 1;
        for (int i = 0; i < tokens.size(); i++) {
            float[][] expected = reference.forward(tokens.get(i).ids(), tokens.get(i).typeIds());
            for (int row = 0; row < expected.length; row++) {
                for (int c = 0; c < size; c++) {
                    assertThat((double) output.data()[(i * width + row) * size + c])
                            .as("%s row %d value %d", texts.get(i), row, c)
                            .isCloseTo(expected[row][c], org.assertj.core.data.Offset.offset(1e-4));
                }
            }
        }
        try (Model model = Model.open(out, ModelOptions.defaults())) {
            assertThat(model.predict(texts, Parameters.defaults()).predictions()).hasSize(texts.size());
        }
    }

    @Test
    void convert_takesPoolingNormalisationAndLengthFromSentenceTransformersFiles() throws Exception {
        Path from = TinyFolders.write(TinyCheckpoints.of("bert", Head.ENCODER, 3), dir.resolve("st"), false);
        Files.writeString(from.resolve("modules.json"), "[{\"idx\": 0, \"name\": \"0\", \"path\": \"\", \"type\": "
                + "\"sentence_transformers.models.Transformer\"}, {\"idx\": 1, \"name\": \"1\", \"path\": \"1_Pooling\", "
                + "\"type\": \"sentence_transformers.models.Pooling\"}]");
        Files.createDirectories(from.resolve("1_Pooling"));
        Files.writeString(from.resolve("1_Pooling/config.json"), "{\"word_embedding_dimension\": 32, "
                + "\"pooling_mode_cls_token\": true, \"pooling_mode_mean_tokens\": false}");
        Files.writeString(from.resolve("sentence_bert_config.json"), "{\"max_seq_length\": 16}");
        Path out = dir.resolve("out");
        assertThat(run("convert", "--from", from.toString(), "--out", out.toString()).code).isZero();
        Manifest m = ModelBundle.open(out).manifest();
        assertThat(m.task()).isEqualTo(Task.EMBED);
        assertThat(m.pooling()).isEqualTo(Pooling.CLS);
        assertThat(m.normalize()).isFalse();
        assertThat(m.maxLength()).isEqualTo(16);
        assertThat(m.vocabSize()).isEqualTo(TinyCheckpoints.VOCAB);
    }

    @Test
    void convert_multiLabelProblemTypeGivesSigmoidScoresAndTheLabelsOfId2label() throws Exception {
        Checkpoint c = TinyCheckpoints.withConfig(TinyCheckpoints.of("bert", Head.SEQUENCE_CLASSIFICATION, 5),
                "problem_type", "multi_label_classification");
        Path from = TinyFolders.write(c, dir.resolve("ml"), false);
        Path out = dir.resolve("out");
        assertThat(run("convert", "--from", from.toString(), "--out", out.toString()).code).isZero();
        Manifest m = ModelBundle.open(out).manifest();
        assertThat(m.multiLabel()).isTrue();
        assertThat(m.labels()).containsExactly("negative", "neutral", "positive");
    }

    @Test
    void convert_encoderOfAClassifierWhenAskedWithTask() throws Exception {
        Path from = TinyFolders.write(TinyCheckpoints.of("bert", Head.SEQUENCE_CLASSIFICATION, 5), dir.resolve("c"),
                false);
        Path out = dir.resolve("out");
        assertThat(run("convert", "--from", from.toString(), "--out", out.toString(), "--task", "embed").code).isZero();
        assertThat(ModelBundle.open(out).manifest().task()).isEqualTo(Task.EMBED);
    }

    @Test
    void convert_jsonReportsTheCheck() throws Exception {
        Path from = TinyFolders.write(TinyCheckpoints.of("bert", Head.TOKEN_CLASSIFICATION, 2), dir.resolve("j"), false);
        Result r = run("convert", "--from", from.toString(), "--out", dir.resolve("out").toString(), "--json");
        assertThat(r.code).isZero();
        Map<?, ?> json = (Map<?, ?>) Json.parse(r.out.getBytes(StandardCharsets.UTF_8));
        assertThat(json.get("task")).isEqualTo("tag");
        assertThat(json.get("tokenizer").toString()).contains("vocab.txt");
        Map<?, ?> check = (Map<?, ?>) json.get("check");
        assertThat(check.get("skipped")).isEqualTo(false);
        assertThat(((Number) check.get("max_abs_diff")).doubleValue()).isLessThanOrEqualTo(1e-4);
        assertThat(check.get("texts")).isEqualTo((long) ConvertOptions.DEFAULT_TEXTS.size());
    }

    @Test
    void convert_checkTextsComeFromAFile() throws Exception {
        Path from = TinyFolders.write(TinyCheckpoints.of("bert", Head.ENCODER, 2), dir.resolve("t"), false);
        Path texts = Files.writeString(dir.resolve("texts.txt"), "hey\n\nhow are you?\nok\n");
        Result r = run("convert", "--from", from.toString(), "--out", dir.resolve("out").toString(), "--texts",
                texts.toString(), "--json");
        assertThat(r.code).isZero();
        Map<?, ?> check = (Map<?, ?>) ((Map<?, ?>) Json.parse(r.out.getBytes(StandardCharsets.UTF_8))).get("check");
        assertThat(check.get("texts")).isEqualTo(3L);
    }

    @Test
    void convert_skipCheckWarnsLoudlyAndRecordsItInTheBundle() throws Exception {
        Path from = TinyFolders.write(TinyCheckpoints.of("bert", Head.ENCODER, 2), dir.resolve("s"), false);
        Path out = dir.resolve("out");
        Result r = run("convert", "--from", from.toString(), "--out", out.toString(), "--skip-check");
        assertThat(r.code).isZero();
        assertThat(r.err).contains("WARNING").contains("--skip-check");
        assertThat(r.out).contains("SKIPPED");
        assertThat(Files.readString(out.resolve(Converter.RECORD_FILE))).contains("\"skipped\" : true");
        assertThat(ModelBundle.open(out).manifest().sha256()).containsKey(Converter.RECORD_FILE);
    }

    @Test
    void convert_missingConfigNamesTheFile() throws Exception {
        Path from = TinyFolders.write(TinyCheckpoints.of("bert", Head.ENCODER, 2), dir.resolve("m"), false);
        Files.delete(from.resolve("config.json"));
        Result r = run("convert", "--from", from.toString(), "--out", dir.resolve("out").toString());
        assertThat(r.code).isEqualTo(ExitCodes.ENVIRONMENT);
        assertThat(r.err).contains("config.json");
        assertNothingWritten(dir.resolve("out"));
    }

    @Test
    void convert_missingWeightsNamesTheFilesLookedFor() throws Exception {
        Path from = TinyFolders.write(TinyCheckpoints.of("bert", Head.ENCODER, 2), dir.resolve("w"), false);
        Files.delete(from.resolve("model.safetensors"));
        Result r = run("convert", "--from", from.toString(), "--out", dir.resolve("out").toString());
        assertThat(r.code).isEqualTo(ExitCodes.ENVIRONMENT);
        assertThat(r.err).contains("model.safetensors").contains("pytorch_model.bin");
        assertNothingWritten(dir.resolve("out"));
    }

    @Test
    void convert_missingTokenizerNamesWhatIsNeeded() throws Exception {
        Path from = TinyFolders.write(TinyCheckpoints.of("bert", Head.ENCODER, 2), dir.resolve("tk"), false);
        Files.delete(from.resolve("vocab.txt"));
        Result r = run("convert", "--from", from.toString(), "--out", dir.resolve("out").toString());
        assertThat(r.code).isEqualTo(ExitCodes.ENVIRONMENT);
        assertThat(r.err).contains("tokenizer.json").contains("vocab.txt");
        assertNothingWritten(dir.resolve("out"));
    }

    @Test
    void convert_sizesThatDisagreeWithTheWeightsNameTheTensorAndBothShapes() throws Exception {
        Checkpoint c = TinyCheckpoints.withConfig(TinyCheckpoints.of("bert", Head.ENCODER, 2), "hidden_size", 48L);
        Path from = TinyFolders.write(c, dir.resolve("z"), false);
        Result r = run("convert", "--from", from.toString(), "--out", dir.resolve("out").toString());
        assertThat(r.code).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err).contains("embeddings.word_embeddings.weight").contains("[50, 32]").contains("[50, 48]");
        assertNothingWritten(dir.resolve("out"));
    }

    /**
     * A model.safetensors whose header declares the embedding table [2147483000, 1], 8.6 GB of data that the file
     * really has (a sparse file: setLength stores nothing): before, an OutOfMemoryError and a 22-line stack trace.
     * Now one line and exit code 2 from a JVM of 96 MB, which could not even hold a tenth of the claim.
     */
    @Test
    void convert_checkpointClaimingGigabytesIsOneLineAndExitTwoInASmallHeap() throws Exception {
        Path from = TinyFolders.write(TinyCheckpoints.bert(Head.ENCODER, 7), dir.resolve("from"), false);
        Path weights = from.resolve("model.safetensors");
        long bytes = 2_147_483_000L * 4;
        byte[] header = ("{\"embeddings.word_embeddings.weight\": {\"dtype\": \"F32\", \"shape\": [2147483000, 1], "
                + "\"data_offsets\": [0, " + bytes + "]}}").getBytes(StandardCharsets.UTF_8);
        java.nio.ByteBuffer start = java.nio.ByteBuffer.allocate(8 + header.length)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(header.length).put(header);
        Files.write(weights, start.array());
        try (java.io.RandomAccessFile file = new java.io.RandomAccessFile(weights.toFile(), "rw")) {
            file.setLength(8 + header.length + bytes);
        }
        Path out = dir.resolve("out");
        LambertProcess.Result r = LambertProcess.run(dir, List.of("-Xmx96m"), null, "convert", "--from",
                from.toString(), "--out", out.toString());
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.errLines()).containsExactly("lambert: " + weights + ": tensor embeddings.word_embeddings.weight "
                + "has shape [2147483000, 1] but config.json implies [50, 32]; refused before reading any weights");
        assertNothingWritten(out);
    }

    @Test
    void convert_tokenizerLargerThanTheEmbeddingTableIsRefusedWithBothNumbers() throws Exception {
        Path from = TinyFolders.write(TinyCheckpoints.of("bert", Head.ENCODER, 2), dir.resolve("v"), false);
        Files.write(from.resolve("vocab.txt"), TinyFolders.vocabulary(false, 60), StandardCharsets.UTF_8);
        Result r = run("convert", "--from", from.toString(), "--out", dir.resolve("out").toString());
        assertThat(r.code).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err).contains("60 ids").contains("50 rows").contains("embeddings.word_embeddings.weight");
        assertNothingWritten(dir.resolve("out"));
    }

    @Test
    void convert_tokenizerSmallerThanTheTableIsAccepted() throws Exception {
        Path from = TinyFolders.write(TinyCheckpoints.of("bert", Head.ENCODER, 2), dir.resolve("small"), false);
        Files.write(from.resolve("vocab.txt"), TinyFolders.vocabulary(false, 40), StandardCharsets.UTF_8);
        Path out = dir.resolve("out");
        assertThat(run("convert", "--from", from.toString(), "--out", out.toString()).code).isZero();
        assertThat(ModelBundle.open(out).manifest().vocabSize()).isEqualTo(40);
    }

    @Test
    void convert_unsupportedModelTypeListsTheSupportedOnes() throws Exception {
        Checkpoint c = TinyCheckpoints.withConfig(TinyCheckpoints.of("bert", Head.ENCODER, 2), "model_type", "gpt2");
        Path from = TinyFolders.write(c, dir.resolve("g"), false);
        Result r = run("convert", "--from", from.toString(), "--out", dir.resolve("out").toString());
        assertThat(r.code).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err).contains("gpt2").contains("bert").contains("roberta");
        assertNothingWritten(dir.resolve("out"));
    }

    @Test
    void convert_byteLevelBpeWithoutTokenizerJsonSaysTokenizerJsonIsNeeded() throws Exception {
        Path from = TinyFolders.write(TinyCheckpoints.of("roberta", Head.ENCODER, 2), dir.resolve("bpe"), false);
        Files.delete(from.resolve("vocab.txt"));
        Files.writeString(from.resolve("vocab.json"), "{\"<s>\": 0}");
        Files.writeString(from.resolve("merges.txt"), "#version: 0.2\n");
        Result r = run("convert", "--from", from.toString(), "--out", dir.resolve("out").toString());
        assertThat(r.code).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err).contains("tokenizer.json").contains("merges.txt");
        assertNothingWritten(dir.resolve("out"));
    }

    @Test
    void convert_unsupportedOpsetIsRefusedBeforeReading() throws Exception {
        Path from = TinyFolders.write(TinyCheckpoints.of("bert", Head.ENCODER, 2), dir.resolve("o"), false);
        Result r = run("convert", "--from", from.toString(), "--out", dir.resolve("out").toString(), "--opset", "11");
        assertThat(r.code).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err).contains("opset 11");
        assertNothingWritten(dir.resolve("out"));
    }

    @Test
    void convert_existingOutputIsKeptWithoutForceAndAfterAFailureWithForce() throws Exception {
        Path out = Files.createDirectories(dir.resolve("taken"));
        Files.writeString(out.resolve("keep.txt"), "mine");
        Path from = TinyFolders.write(TinyCheckpoints.of("bert", Head.ENCODER, 2), dir.resolve("f"), false);
        Result r = run("convert", "--from", from.toString(), "--out", out.toString());
        assertThat(r.code).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err).contains("exists").contains("--force");

        Files.write(from.resolve("vocab.txt"), TinyFolders.vocabulary(false, 60), StandardCharsets.UTF_8);
        assertThat(run("convert", "--from", from.toString(), "--out", out.toString(), "--force").code)
                .isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(Files.readString(out.resolve("keep.txt"))).isEqualTo("mine");
        assertThat(noWorkFolders(dir)).isTrue();

        Files.write(from.resolve("vocab.txt"), TinyFolders.vocabulary(false, 50), StandardCharsets.UTF_8);
        assertThat(run("convert", "--from", from.toString(), "--out", out.toString(), "--force").code).isZero();
        assertThat(out.resolve("keep.txt")).doesNotExist();
        assertThat(out.resolve("model.onnx")).exists();
    }

    @Test
    void convert_outputThatIsOrHoldsTheCheckpoint_isRefusedEvenWithForce() throws Exception {
        Path from = TinyFolders.write(TinyCheckpoints.of("bert", Head.ENCODER, 2), dir.resolve("models/ck"), false);
        for (Path out : List.of(from, dir.resolve("models"), from.resolve(".."))) {
            Result r = run("convert", "--from", from.toString(), "--out", out.toString(), "--force");
            assertThat(r.code).as(r.err).isEqualTo(ExitCodes.BAD_INPUT);
            assertThat(r.err).contains("is the checkpoint folder or holds it");
            assertThat(from.resolve("config.json")).exists();
        }
        assertThat(noWorkFolders(dir.resolve("models"))).isTrue();
    }

    @Test
    void convert_isListedInHelp() {
        Result r = run("--help");
        assertThat(r.out).contains("convert");
    }

    private void assertNothingWritten(Path out) throws Exception {
        assertThat(out).doesNotExist();
        assertThat(noWorkFolders(out.getParent())).isTrue();
    }

    private static boolean noWorkFolders(Path parent) throws Exception {
        try (Stream<Path> files = Files.list(parent)) {
            return files.noneMatch(p -> p.getFileName().toString().startsWith("."));
        }
    }

    record Result(int code, String out, String err) {}

    static Result run(String... args) {
        CommandLine cli = Lambert.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }
}

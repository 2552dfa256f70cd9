package lambert.runtime.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import lambert.runtime.Model;
import lambert.runtime.ModelOptions;
import lambert.runtime.testing.TestModels;
import lambert.runtime.testing.TinyModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Loading refuses damaged or mismatched bundles with a message naming the file or field. */
class ModelLoadTest {
    private static final List<String> LABELS = List.of("negative", "neutral", "positive");

    @TempDir
    Path dir;

    @Test
    void open_missingFolderIsNamed() {
        assertThatThrownBy(() -> Model.open(dir.resolve("nope"), ModelOptions.defaults()))
                .isInstanceOf(BundleException.class).hasMessageContaining("nope").hasMessageContaining("does not exist");
    }

    @Test
    void open_folderWithoutManifestOrTokenizerSaysWhatIsExpected() {
        assertThatThrownBy(() -> Model.open(dir, ModelOptions.defaults()))
                .isInstanceOf(BundleException.class).hasMessageContaining("no lambert.json and no tokenizer.json");
    }

    @Test
    void open_huggingFaceFolderWithoutModelListsWhereItLooked() throws Exception {
        Files.copy(TestModels.tokenizer(), dir.resolve("tokenizer.json"));
        assertThatThrownBy(() -> Model.open(dir, ModelOptions.defaults()))
                .isInstanceOf(BundleException.class)
                .hasMessageContaining("looked for model.onnx and onnx/model.onnx");
    }

    @Test
    void open_missingModelFileNamedInManifest() throws Exception {
        TinyModels tiny = classifier(30522);
        Files.delete(tiny.bundle().modelPath());
        assertThatThrownBy(() -> Model.open(tiny.bundle().dir(), ModelOptions.defaults()))
                .isInstanceOf(BundleException.class)
                .hasMessageContaining("model.onnx").hasMessageContaining("does not exist");
    }

    @Test
    void open_changedFileFailsItsHashCheck() throws Exception {
        TinyModels tiny = classifier(30522);
        Files.writeString(tiny.bundle().tokenizerPath(), " ", StandardOpenOption.APPEND);
        assertThatThrownBy(() -> Model.open(tiny.bundle().dir(), ModelOptions.defaults()))
                .isInstanceOf(BundleException.class)
                .hasMessageContaining("tokenizer.json does not match its hash in lambert.json");
    }

    @Test
    void open_manifestWithOnlySha256IsCheckedWithSha256() throws Exception {
        TinyModels tiny = classifier(30522);
        Path manifest = tiny.bundle().dir().resolve(Manifest.FILE_NAME);
        String json = Files.readString(manifest);
        Files.writeString(manifest, json.substring(0, json.indexOf(",\n  \"crc32\"")) + ",\n  \"lambert_version\" : \"x\"\n}\n");
        Files.writeString(tiny.bundle().tokenizerPath(), " ", StandardOpenOption.APPEND);
        assertThatThrownBy(() -> Model.open(tiny.bundle().dir(), ModelOptions.defaults()))
                .isInstanceOf(BundleException.class).hasMessageContaining("expected sha256");
    }

    @Test
    void open_truncatedModelIsReportedByHashBeforeOnnxRuntime() throws Exception {
        TinyModels tiny = classifier(30522);
        truncate(tiny.bundle().modelPath());
        assertThatThrownBy(() -> Model.open(tiny.bundle().dir(), ModelOptions.defaults()))
                .isInstanceOf(BundleException.class)
                .hasMessageContaining("model.onnx does not match its hash");
    }

    @Test
    void open_truncatedModelWithoutManifestIsReportedByOnnxRuntime() throws Exception {
        Path hf = huggingFaceCopy();
        truncate(hf.resolve("model.onnx"));
        assertThatThrownBy(() -> Model.open(hf, ModelOptions.defaults()))
                .isInstanceOf(BundleException.class)
                .hasMessageContaining("ONNX Runtime cannot load the model file " + hf.resolve("model.onnx"));
    }

    @Test
    void open_randomBytesAsModelAreRefused() throws Exception {
        Path hf = huggingFaceCopy();
        byte[] noise = new byte[4096];
        new Random(1).nextBytes(noise);
        Files.write(hf.resolve("model.onnx"), noise);
        assertThatThrownBy(() -> Model.open(hf, ModelOptions.defaults()))
                .isInstanceOf(BundleException.class).hasMessageContaining("cannot load the model file");
    }

    @Test
    void open_tokenizerThatIsNotATokenizerIsRefusedWithoutCrashing() throws Exception {
        Path hf = huggingFaceCopy();
        Files.writeString(hf.resolve("tokenizer.json"), "{\"model\": {\"vocab\": {\"a\": 0}}, \"not\": \"a tokenizer\"}");
        assertThatThrownBy(() -> Model.open(hf, ModelOptions.defaults()))
                .isInstanceOf(BundleException.class)
                .hasMessageContaining("tokenizer.json could not be loaded");
    }

    @Test
    void open_tokenizerLargerThanTheEmbeddingTableIsRefused() throws Exception {
        TinyModels tiny = classifier(1000);
        assertThatThrownBy(() -> Model.open(tiny.bundle().dir(), ModelOptions.defaults()))
                .isInstanceOf(BundleException.class)
                .hasMessageContaining("does not fit the model").hasMessageContaining("30522 ids");
    }

    @Test
    void open_manifestFieldOfWrongTypeIsNamed() throws Exception {
        TinyModels tiny = classifier(30522);
        editManifest(tiny, "\"max_length\" : 64", "\"max_length\" : \"long\"");
        assertThatThrownBy(() -> Model.open(tiny.bundle().dir(), ModelOptions.defaults()))
                .isInstanceOf(BundleException.class)
                .hasMessage("lambert.json: field \"max_length\" must be an integer, found string \"long\"");
    }

    @Test
    void open_manifestInputsThatDifferFromTheModelAreNamed() throws Exception {
        TinyModels tiny = classifier(30522);
        editManifest(tiny, ", \"token_type_ids\" ]", " ]");
        assertThatThrownBy(() -> Model.open(tiny.bundle().dir(), ModelOptions.defaults()))
                .isInstanceOf(BundleException.class)
                .hasMessageContaining("lists inputs [input_ids, attention_mask]")
                .hasMessageContaining("token_type_ids");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            "inputs" : [ ]                                      | field "inputs" is empty
            "inputs" : [ "input_ids", "attention_mask", "segment_ids" ] | field "inputs[2]" is "segment_ids"; lambert feeds only
            "inputs" : [ "input_ids", "input_ids", "attention_mask", "token_type_ids" ] | field "inputs" lists "input_ids" twice
            "inputs" : [ "attention_mask", "token_type_ids" ]   | field "inputs" lacks input_ids
            "vocab_size" : -1                                   | field "vocab_size" must be the tokenizer's number of ids (0 if unknown), found -1
            "output_size" : -3                                  | field "output_size" must be the output's last dimension (0 if unknown), found -3
            "sha256" : { }                                      | field "sha256" is empty
            "crc32" : { }                                       | field "crc32" is empty
            "sha256" : null                                     | field "sha256" is required
            "sha256" : { "model.onnx" : "0000000000000000000000000000000000000000000000000000000000000000" } | field "crc32" names the files
            "crc32" : { "model.onnx" : "00000000", "tokenizer.json" : "nothex!!" } | field "crc32" has "nothex!!" for tokenizer.json; expected 8 hex digits
            """)
    void open_manifestFieldThatWouldLeaveAFaultUnnoticedIsRefused(String field, String message) throws Exception {
        TinyModels tiny = classifier(30522);
        replaceField(tiny, field);
        assertThatThrownBy(() -> Model.open(tiny.bundle().dir(), ModelOptions.defaults()))
                .isInstanceOf(BundleException.class)
                .hasMessageStartingWith("lambert.json: ")
                .hasMessageContaining(message);
    }

    @Test
    void open_checksumsThatLeaveTheTokenizerOutAreRefused() throws Exception {
        TinyModels tiny = classifier(30522);
        Manifest manifest = ModelBundle.open(tiny.bundle().dir()).manifest();
        replaceField(tiny, "\"sha256\" : { \"model.onnx\" : \"" + manifest.sha256().get("model.onnx") + "\" }");
        replaceField(tiny, "\"crc32\" : { \"model.onnx\" : \"" + manifest.crc32().get("model.onnx") + "\" }");
        assertThatThrownBy(() -> Model.open(tiny.bundle().dir(), ModelOptions.defaults()))
                .isInstanceOf(BundleException.class)
                .hasMessage("lambert.json: field \"sha256\" has no checksum for the tokenizer file tokenizer.json (it "
                        + "lists [model.onnx]), so that file would never be checked");
    }

    @Test
    void open_labelsOnAnEmbeddingModelAreRefused() throws Exception {
        TinyModels tiny = classifier(30522);
        editManifest(tiny, "\"task\" : \"classify\"", "\"task\" : \"embed\"");
        editManifest(tiny, "\"multi_label\" : false,", "");
        assertThatThrownBy(() -> Model.open(tiny.bundle().dir(), ModelOptions.defaults()))
                .isInstanceOf(BundleException.class)
                .hasMessage("lambert.json: field \"labels\" is for the classify and tag tasks; an embed model answers "
                        + "vectors and has none (found 3 labels [negative, neutral, positive])");
    }

    @Test
    void open_manifestThatIsAFolderIsNotReadAsAHuggingFaceFolder() throws Exception {
        TinyModels tiny = classifier(30522);
        Path manifest = tiny.bundle().dir().resolve(Manifest.FILE_NAME);
        Files.delete(manifest);
        Files.createDirectory(manifest);
        assertThatThrownBy(() -> Model.open(tiny.bundle().dir(), ModelOptions.defaults()))
                .isInstanceOf(BundleException.class)
                .hasMessage(manifest + " is a folder; expected the bundle's manifest, a JSON file");
    }

    /** Before, each of these was reported as "does not exist". */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            folder           | is a folder; expected a regular file
            pipe             | is a named pipe (FIFO); expected a regular file
            link loop        | is a loop of symbolic links; expected a regular file
            link to dev zero | is a symbolic link to /dev/zero, a character device; expected a regular file
            dangling link    | is a symbolic link to gone.onnx, which does not exist; expected a regular file
            """)
    void open_modelFileThatIsNotARegularFileSaysWhatItIs(String kind, String message) throws Exception {
        TinyModels tiny = classifier(30522);
        Path model = tiny.bundle().modelPath();
        Files.delete(model);
        switch (kind) {
            case "folder" -> Files.createDirectory(model);
            case "pipe" -> assertThat(new ProcessBuilder("mkfifo", model.toString()).start().waitFor()).isZero();
            case "link loop" -> Files.createSymbolicLink(model, model.getFileName());
            case "link to dev zero" -> Files.createSymbolicLink(model, Path.of("/dev/zero"));
            default -> Files.createSymbolicLink(model, Path.of("gone.onnx"));
        }
        assertThatThrownBy(() -> Model.open(tiny.bundle().dir(), ModelOptions.defaults()))
                .isInstanceOf(BundleException.class)
                .hasMessage("the model file " + model + " named in lambert.json " + message);
    }

    @Test
    void open_labelCountThatDiffersFromTheModelIsRefused() throws Exception {
        TinyModels tiny = classifier(30522);
        editManifest(tiny, "\"neutral\", ", "");
        assertThatThrownBy(() -> Model.open(tiny.bundle().dir(), ModelOptions.defaults()))
                .isInstanceOf(BundleException.class)
                .hasMessageContaining("answers 3 scores per text but lambert.json lists 2 labels");
    }

    @Test
    void open_manifestPathOutsideTheBundleIsRefused() throws Exception {
        TinyModels tiny = classifier(30522);
        editManifest(tiny, "\"model\" : \"model.onnx\"", "\"model\" : \"../elsewhere.onnx\"");
        assertThatThrownBy(() -> Model.open(tiny.bundle().dir(), ModelOptions.defaults()))
                .isInstanceOf(BundleException.class).hasMessageContaining("outside the bundle folder");
    }

    @Test
    void open_unknownTaskListsTheKnownOnes() throws Exception {
        TinyModels tiny = classifier(30522);
        editManifest(tiny, "\"task\" : \"classify\"", "\"task\" : \"summarize\"");
        assertThatThrownBy(() -> Model.open(tiny.bundle().dir(), ModelOptions.defaults()))
                .isInstanceOf(BundleException.class)
                .hasMessageContaining("must be one of embed, classify, tag, found \"summarize\"");
    }

    @Test
    void write_manifestRoundTrips() throws Exception {
        TinyModels tiny = classifier(30522);
        Manifest read = ModelBundle.open(tiny.bundle().dir()).manifest();
        assertThat(Manifest.parse(read.toJson())).isEqualTo(read);
        assertThat(read.sha256()).containsKeys("model.onnx", "tokenizer.json");
        assertThat(read.sha256().get("model.onnx")).isEqualTo(Checksums.sha256(tiny.bundle().modelPath()));
        assertThat(read.crc32().get("tokenizer.json")).isEqualTo(Checksums.crc32(tiny.bundle().tokenizerPath()));
    }

    @Test
    void write_existingTargetIsKeptUnlessReplacing() throws Exception {
        TinyModels tiny = classifier(30522);
        assertThatThrownBy(() -> BundleWriter.write(tiny.bundle().dir(), tiny.bundle().manifest(),
                java.util.Map.of("x.onnx", BundleWriter.file(tiny.bundle().modelPath())), false))
                .isInstanceOf(java.nio.file.FileAlreadyExistsException.class);
        assertThat(ModelBundle.open(tiny.bundle().dir()).manifest().modelFile()).isEqualTo("model.onnx");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".partial-"));
        }
    }

    private TinyModels classifier(int vocab) throws Exception {
        return TinyModels.classifier(dir.resolve("bundle"), vocab, LABELS, false, 5);
    }

    private Path huggingFaceCopy() throws Exception {
        Path hf = dir.resolve("hf");
        Files.createDirectories(hf);
        Files.copy(TestModels.minilmInt8().resolve("model.onnx"), hf.resolve("model.onnx"),
                StandardCopyOption.REPLACE_EXISTING);
        Files.copy(TestModels.tokenizer(), hf.resolve("tokenizer.json"));
        return hf;
    }

    private static void truncate(Path file) throws Exception {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(raf.length() / 2);
        }
    }

    /** Sets the manifest field that {@code field} ({@code "name" : value}) names, whatever its value was. */
    private static void replaceField(TinyModels tiny, String field) throws Exception {
        Path manifest = tiny.bundle().dir().resolve(Manifest.FILE_NAME);
        Files.writeString(manifest, ManifestEdits.setField(Files.readString(manifest), field));
    }

    private static void editManifest(TinyModels tiny, String from, String to) throws Exception {
        Path manifest = tiny.bundle().dir().resolve(Manifest.FILE_NAME);
        String json = Files.readString(manifest);
        assertThat(json).contains(from);
        Files.writeString(manifest, json.replace(from, to));
    }
}

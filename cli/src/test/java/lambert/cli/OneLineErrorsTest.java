package lambert.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lambert.runtime.bundle.BundleWriter;
import lambert.runtime.bundle.ModelBundle;
import lambert.runtime.testing.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One line per error, as a user sees it: {@code lambert} in a process of its own (so that what native libraries
 * print to standard error is seen too), each failure exactly one line on standard error, in lambert's words,
 * with exit code 2.
 */
class OneLineErrorsTest {
    @TempDir
    Path dir;

    @Test
    void predict_tokenizerBeyondTheEmbeddingTableIsOneLineWithoutOnnxRuntimesOwnLog() throws Exception {
        // A Hugging Face folder (no checksums) whose tokenizer has an id past the model's 30522 rows: before, ONNX
        // Runtime printed its own coloured "[E:onnxruntime:, sequential_executor.cc ...]" line before lambert's.
        Path hf = Files.createDirectories(dir.resolve("hf"));
        Files.copy(TestModels.minilmInt8().resolve("model.onnx"), hf.resolve("model.onnx"));
        String tokenizer = Files.readString(TestModels.tokenizer());
        assertThat(tokenizer).contains("\"vocab\": {");
        Files.writeString(hf.resolve("tokenizer.json"), tokenizer.replaceFirst("\"vocab\": \\{",
                "\"vocab\": {\"zzzbeyond\": 40000, "));
        LambertProcess.Result r = LambertProcess.run(dir, List.of(), null, "predict", "--model", hf.toString(), "hi");
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.errLines()).as(r.err()).hasSize(1);
        assertThat(r.err()).startsWith("lambert: the tokenizer " + hf.resolve("tokenizer.json") + " does not fit the model")
                .contains("a probe with token id 40000 (the tokenizer has 40001 ids) failed")
                .contains("indices element out of data bounds, idx=40000")
                .doesNotContain("\u001b[", "[E:onnxruntime");
    }

    @Test
    void predict_binaryTokenizerSaysWhichByteIsNotUtf8() throws Exception {
        // Checksums that match the binary file (as if the manifest had been rewritten): before, "Input length = 1".
        Map<String, BundleWriter.Source> files = new LinkedHashMap<>();
        files.put("model.onnx", BundleWriter.file(TestModels.minilmInt8().resolve("model.onnx")));
        byte[] binary = {'{', '"', 'a', (byte) 0xff, (byte) 0xfe, '"', ':', '1', '}'};
        files.put("tokenizer.json", () -> new java.io.ByteArrayInputStream(binary));
        Path bundle = BundleWriter.write(dir.resolve("bundle"), ModelBundle.open(TestModels.minilmInt8()).manifest(),
                files, false).dir();
        LambertProcess.Result r = LambertProcess.run(dir, List.of(), null, "predict", "--model", bundle.toString(),
                "hi");
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.errLines()).as(r.err()).containsExactly("lambert: tokenizer " + bundle.resolve("tokenizer.json")
                + " is not valid UTF-8 JSON at byte 3 (0xff never occurs in UTF-8); expected a Hugging Face tokenizer.json");
    }

    @Test
    void predict_textsThatAreNotUtf8AreOneLineNamingTheByte() throws Exception {
        Path texts = Files.write(dir.resolve("texts.txt"), new byte[] {'o', 'k', '\n', 'a', (byte) 0xc0, (byte) 0xaf});
        String model = TestModels.minilmInt8().toString();
        LambertProcess.Result file = LambertProcess.run(dir, List.of(), null, "predict", "--model", model, "--file",
                texts.toString());
        assertThat(file.code()).as(file.err()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(file.errLines()).containsExactly("lambert: " + texts + " is not valid UTF-8 at byte 4 (0xc0 starts an"
                + " overlong encoding of an ASCII character); expected UTF-8 text, one text per line");

        byte[] stdin = {'o', 'k', '\n', 's', 'm', 'i', 'l', 'e', ' ', (byte) 0xed, (byte) 0xa0, (byte) 0xbd, (byte) 0xed,
            (byte) 0xb8, (byte) 0x80, '\n'}; // U+1F600 as CESU-8: two encoded surrogates
        LambertProcess.Result piped = LambertProcess.run(dir, List.of(), stdin, "predict", "--model", model);
        assertThat(piped.code()).as(piped.err()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(piped.errLines()).containsExactly("lambert: standard input is not valid UTF-8 at byte 9 (ed a0 bd"
                + " encodes a UTF-16 surrogate (CESU-8), which UTF-8 does not allow); expected UTF-8 text, one text per line");
    }
}

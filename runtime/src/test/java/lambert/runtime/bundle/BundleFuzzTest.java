package lambert.runtime.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lambert.runtime.Model;
import lambert.runtime.ModelOptions;
import lambert.runtime.task.Parameters;
import lambert.runtime.testing.TinyModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import lambert.base.json.Json;

/**
 * The bundle loader on mutated files: one of {@code lambert.json}, {@code tokenizer.json} and
 * {@code model.onnx} of a small valid bundle is mutated (bytes overwritten, inserted, deleted, truncated, huge
 * varints; or, for the manifest, a file name replaced by a path that escapes the bundle, or a field such as
 * {@code inputs}, {@code vocab_size}, {@code labels} or {@code sha256} set to an empty, negative, null or
 * misplaced value) and the bundle is
 * loaded with the hash check on or off, so damaged files reach the tokenizer's and ONNX Runtime's parsers.
 * Every bundle loads and answers a text, or is refused with a {@link BundleException} whose message names what
 * is wrong; no other exception, and no file outside the bundle is ever opened. A manifest that loads checks
 * every file it names and describes the model (no labels on an embedding model, inputs it can feed).
 *
 * <p>The bundle is the tiny generated classifier with a nine-word WordPiece tokenizer, so a load costs about a
 * millisecond. {@code ./mvnw verify} fuzzes it for a few seconds; longer: {@code ./mvnw -pl runtime -am test
 * -Dtest=BundleFuzzTest -Dfuzz.duration=10m}.
 */
class BundleFuzzTest {
    private static final String TOKENIZER = """
            {"version": "1.0", "truncation": null, "padding": null,
             "added_tokens": [
              {"id": 0, "content": "[PAD]", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
              {"id": 1, "content": "[UNK]", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
              {"id": 2, "content": "[CLS]", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
              {"id": 3, "content": "[SEP]", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true}],
             "normalizer": {"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true, "strip_accents": null, "lowercase": true},
             "pre_tokenizer": {"type": "BertPreTokenizer"},
             "post_processor": {"type": "TemplateProcessing",
              "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
              "pair": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "[SEP]", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}}, {"SpecialToken": {"id": "[SEP]", "type_id": 1}}],
              "special_tokens": {"[CLS]": {"id": "[CLS]", "ids": [2], "tokens": ["[CLS]"]}, "[SEP]": {"id": "[SEP]", "ids": [3], "tokens": ["[SEP]"]}}},
             "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": true},
             "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##", "max_input_chars_per_word": 100,
              "vocab": {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3, "hello": 4, "world": 5, "##s": 6, "a": 7, "b": 8}}}
            """;
    private static final String[] NAMES = {"../model.onnx", "/etc/passwd", "model.onnx/..", "..", "",
        "sub/../../model.onnx", "tokenizer.json", "lambert.json", "model.onnx\u0000", "\\..\\model.onnx"};

    /** Manifest fields set to {@link #VALUES}: the ones whose wrong values loaded before (issue 18). */
    private static final String[] FIELDS = {"inputs", "vocab_size", "output_size", "labels", "sha256", "crc32", "task",
        "multi_label", "model", "tokenizer", "max_length"};
    private static final String[] VALUES = {"[]", "{}", "null", "-1", "0", "2147483648", "[\"a\"]", "true",
        "\"embed\"", "\"tag\"", "[\"input_ids\", \"input_ids\"]", "[\"attention_mask\"]", "{\"model.onnx\": \"00\"}",
        "[\"input_ids\", \"attention_mask\", \"token_type_ids\", \"position_ids\"]", "\"lambert.json\""};

    private static Path root;
    private static Map<String, byte[]> seeds;
    private static Path outside;

    @BeforeAll
    static void seed() throws IOException {
        root = Files.createTempDirectory("lambert-bundle-fuzz");
        TinyModels tiny = TinyModels.classifier(root.resolve("tiny"), 16, List.of("no", "yes"), false, 3);
        Path tokenizer = root.resolve("small-tokenizer.json");
        Files.writeString(tokenizer, TOKENIZER);
        Map<String, BundleWriter.Source> files = new LinkedHashMap<>();
        files.put("model.onnx", BundleWriter.file(tiny.bundle().modelPath()));
        files.put("tokenizer.json", BundleWriter.file(tokenizer));
        Manifest m = tiny.bundle().manifest();
        Manifest manifest = new Manifest(m.name(), m.task(), m.modelFile(), m.tokenizerFile(), m.maxLength(),
                m.pooling(), m.normalize(), m.labels(), m.multiLabel(), m.inputs(), m.output(), m.outputSize(), 9,
                m.quantization(), m.optimization(), Map.of(), Map.of(), m.lambertVersion());
        ModelBundle bundle = BundleWriter.write(root.resolve("seed"), manifest, files, true);
        seeds = new LinkedHashMap<>();
        for (String name : List.of(Manifest.FILE_NAME, "tokenizer.json", "model.onnx")) {
            seeds.put(name, Files.readAllBytes(bundle.dir().resolve(name)));
        }
        // A sibling of the bundle that a manifest naming "../model.onnx" would reach.
        outside = root.resolve("model.onnx");
        Files.write(outside, seeds.get("model.onnx"));
        try (Model model = Model.open(bundle.dir(), ModelOptions.defaults())) {
            assertThat(model.predict(List.of("hello worlds"), Parameters.defaults()).predictions()).hasSize(1);
        }
    }

    @AfterAll
    static void clean() throws IOException {
        try (var walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @FuzzTest(maxDuration = "4s")
    void open_mutatedBundleLoadsOrIsRefusedByName(FuzzedDataProvider data) throws IOException {
        Path dir = root.resolve("bundle");
        Files.createDirectories(dir);
        String target = data.pickValue(List.copyOf(seeds.keySet()));
        for (Map.Entry<String, byte[]> seed : seeds.entrySet()) {
            Files.write(dir.resolve(seed.getKey()), seed.getValue());
        }
        byte[] mutated;
        if (target.equals(Manifest.FILE_NAME) && data.consumeBoolean()) {
            mutated = ManifestEdits.setField(new String(seeds.get(target), StandardCharsets.UTF_8), "\""
                    + data.pickValue(FIELDS) + "\" : " + data.pickValue(VALUES)).getBytes(StandardCharsets.UTF_8);
        } else if (target.equals(Manifest.FILE_NAME) && data.consumeBoolean()) {
            String field = data.pickValue(new String[] {"\"model.onnx\"", "\"tokenizer.json\""});
            String name = data.consumeBoolean() ? data.pickValue(NAMES) : data.consumeString(40);
            String json = new String(seeds.get(target), StandardCharsets.UTF_8);
            mutated = json.replaceFirst(java.util.regex.Pattern.quote(field) + "(?=\\s*,)",
                    java.util.regex.Matcher.quoteReplacement(Json.quote(name))).getBytes(StandardCharsets.UTF_8);
        } else {
            mutated = mutate(seeds.get(target), data);
        }
        Files.write(dir.resolve(target), mutated);
        boolean verify = data.consumeBoolean();
        long outsideModified = Files.getLastModifiedTime(outside).toMillis();
        try (Model model = Model.open(dir, new ModelOptions(ModelOptions.defaults().engine(), verify,
                ModelOptions.defaults().tokenBudget(), ModelOptions.defaults().maxBatchRows(),
                ModelOptions.defaults().parallelism()))) {
            assertThat(model.bundle().modelPath().normalize()).startsWith(dir.normalize());
            assertThat(model.bundle().tokenizerPath().normalize()).startsWith(dir.normalize());
            // A manifest that loads leaves no fault unnoticed: every file it names has a checksum, and its fields
            // say what the model is (no labels on an embedding model, inputs the model has).
            Manifest loaded = model.manifest();
            assertThat(loaded.sha256()).containsKeys(loaded.modelFile(), loaded.tokenizerFile());
            assertThat(loaded.crc32().isEmpty() || loaded.crc32().keySet().equals(loaded.sha256().keySet())).isTrue();
            assertThat(loaded.task() != Task.EMBED || loaded.labels().isEmpty()).isTrue();
            assertThat(loaded.inputs()).isNotEmpty().doesNotHaveDuplicates().isSubsetOf(Manifest.INPUTS);
            assertThat(loaded.vocabSize()).isNotNegative();
            try {
                model.predict(List.of("hello worlds", "a b"), Parameters.defaults());
            } catch (IllegalStateException e) {
                // With the hash check off, a changed model.onnx can be a valid graph that answers the one-text
                // probe at load and fails on a batch of two (input model-fails-on-a-batch-with-the-hash-check-off):
                // no probe can try every shape, so it must at least fail as ONNX Runtime's error on that batch.
                if (verify || !target.equals("model.onnx")) {
                    throw e;
                }
                assertThat(e.getMessage()).startsWith("ONNX Runtime failed on a batch");
            }
        } catch (BundleException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
        assertThat(Files.getLastModifiedTime(outside).toMillis()).isEqualTo(outsideModified);
    }

    private static byte[] mutate(byte[] seed, FuzzedDataProvider data) {
        byte[] bytes = seed.clone();
        int count = data.consumeInt(1, 6);
        for (int i = 0; i < count && data.remainingBytes() > 0; i++) {
            int at = bytes.length == 0 ? 0 : data.consumeInt(0, bytes.length - 1);
            switch (data.consumeInt(0, 4)) {
                case 0 -> {
                    if (bytes.length > 0) {
                        bytes[at] = data.consumeByte();
                    }
                }
                case 1 -> bytes = Arrays.copyOf(bytes, at);
                case 2 -> bytes = splice(bytes, at, 0, data.consumeBytes(16));
                case 3 -> bytes = splice(bytes, at, Math.min(data.consumeInt(1, 16), bytes.length - at), new byte[0]);
                default -> bytes = splice(bytes, at, Math.min(1, bytes.length - at),
                        new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f});
            }
        }
        return bytes;
    }

    private static byte[] splice(byte[] bytes, int at, int remove, byte[] insert) {
        byte[] out = new byte[bytes.length - remove + insert.length];
        System.arraycopy(bytes, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(bytes, at + remove, out, at + insert.length, bytes.length - at - remove);
        return out;
    }
}

package lambert.runtime.tokenize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lambert.base.json.Json;
import lambert.base.json.JsonException;
import lambert.runtime.bundle.BundleException;
import lambert.runtime.testing.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TokenizerJsonFile}'s vocabulary scanner against its reference, the tree parse ({@link Json#parse}, Jackson)
 * of the same bytes: the same vocabulary and the same rest of the document on the real MiniLM tokenizers and on
 * vocabularies with every JSON escape and non-ASCII tokens; and every input the scanner is not sure of (numbers that
 * are not plain ids, duplicates, control characters, malformed UTF-8, bad escapes, a vocabulary elsewhere) left to the
 * tree parse, so results and errors are the tree parse's.
 */
class TokenizerJsonFileTest {
    @TempDir
    Path dir;

    @Test
    void scan_equalsTheTreeParseOnTheRealMiniLmTokenizers() throws Exception {
        for (Path folder : List.of(TestModels.minilm(), TestModels.minilmInt8())) {
            byte[] bytes = Files.readAllBytes(folder.resolve("tokenizer.json"));
            TokenizerJsonFile.Contents scanned = TokenizerJsonFile.scan(bytes);
            assertThat(scanned).as(folder.toString()).isNotNull();
            assertEqualsTree(scanned, bytes);
            assertThat(scanned.vocab()).hasSize(30522).containsEntry("[UNK]", 100).containsEntry("##s", 2015);
        }
    }

    @Test
    void scan_unescapesTokensAsTheTreeParseDoes() throws JsonException {
        String vocab = "\"[UNK]\": 0, \"\\\"\": 1, \"\\\\\": 2, \"\\/\": 3, \"a\\nb\\tc\\rd\\be\\ff\": 4, \"\\u00e9t\\u00C9\": 5,"
                + " \"\\ud83d\\ude00\": 6, \"\\ud800\": 7, \"caf\u00e9\": 8, \"\u6771\u4eac\": 9, \"\ud83d\ude0d\": 10,"
                + " \"##\u00df\": 11, \"\": 12, \"x\": 2147483647";
        byte[] bytes = tokenizer(vocab);
        TokenizerJsonFile.Contents scanned = TokenizerJsonFile.scan(bytes);
        assertThat(scanned).isNotNull();
        assertEqualsTree(scanned, bytes);
        assertThat(scanned.vocab()).containsEntry("\"", 1).containsEntry("\u00e9t\u00c9", 5)
                .containsEntry("\ud83d\ude00", 6).containsEntry("\u6771\u4eac", 9);
    }

    @Test
    void scan_leavesWhatItIsNotSureOfToTheTreeParse() {
        List<String> vocabs = List.of("\"a\": 1.0", "\"a\": 1e3", "\"a\": -1", "\"a\": 01", "\"a\": 2147483648",
                "\"a\": 99999999999", "\"a\": \"1\"", "\"a\": null", "\"a\": 1, \"a\": 2", "\"a\": 1,", "\"a\" 1",
                "\"a\u0001\": 1", "\"a\\x\": 1", "\"a\\u00g1\": 1", "\"a\\u00\": 1", "a: 1", "\"a\": 1 \"b\": 2",
                "\"\": }", "\"a\": 1, }", "\"a\": 1}}");
        for (String vocab : vocabs) {
            assertThat(TokenizerJsonFile.scan(tokenizer(vocab))).as(vocab).isNull();
        }
        byte[] nul = tokenizer("\"a\u0000\": 1");
        assertThat(TokenizerJsonFile.scan(nul)).isNull();
        byte[] overlong = tokenizer("\"aXX\": 1");
        int at = indexOf(overlong, "XX");
        overlong[at] = (byte) 0xC0; // C0 AF: an overlong '/'
        overlong[at + 1] = (byte) 0xAF;
        assertThat(TokenizerJsonFile.scan(overlong)).isNull();
        byte[] surrogate = tokenizer("\"aXXX\": 1");
        at = indexOf(surrogate, "XXX");
        surrogate[at] = (byte) 0xED; // ED A0 80: a UTF-16 surrogate written as a character (CESU-8)
        surrogate[at + 1] = (byte) 0xA0;
        surrogate[at + 2] = (byte) 0x80;
        assertThat(TokenizerJsonFile.scan(surrogate)).isNull();
        // A vocabulary that is not the model's, or a model that is not an object, or no model at all.
        assertThat(TokenizerJsonFile.scan(bytes("{\"vocab\": {\"a\": 1}, \"model\": {\"type\": \"WordPiece\"}}")))
                .isNull();
        assertThat(TokenizerJsonFile.scan(bytes("{\"model\": [{\"vocab\": {\"a\": 1}}]}"))).isNull();
        assertThat(TokenizerJsonFile.scan(bytes("{\"normalizer\": null}"))).isNull();
        // Two vocabularies in the model: the tree parse refuses the duplicate.
        assertThat(TokenizerJsonFile.scan(bytes("{\"model\": {\"vocab\": {\"a\": 1}, \"vocab\": {\"b\": 2}}}")))
                .isNull();
        // The rest of the file broken: the tree parse's verdict.
        assertThat(TokenizerJsonFile.scan(bytes("{\"model\": {\"vocab\": {\"a\": 1}}, \"x\": tru}"))).isNull();
    }

    @Test
    void read_givesTheTreeParseResultOrErrorWhenTheScannerDeclines() throws Exception {
        Path negative = dir.resolve("negative.json");
        Files.write(negative, tokenizer("\"[UNK]\": 0, \"a\": -1"));
        TokenizerJsonFile.Contents contents = TokenizerJsonFile.read(negative);
        assertThat(contents.vocab()).isNull();
        assertThat(contents.root()).isEqualTo(Json.parse(Files.readAllBytes(negative)));
        assertThatThrownBy(() -> WordPieceTokenizer.load(negative, 16)).isInstanceOf(BundleException.class)
                .hasMessageContaining("the vocab's entry a is not an id");

        Path duplicate = dir.resolve("duplicate.json");
        Files.write(duplicate, tokenizer("\"[UNK]\": 0, \"a\": 1, \"a\": 2"));
        assertThatThrownBy(() -> TokenizerJsonFile.read(duplicate)).isInstanceOf(BundleException.class)
                .hasMessageContaining(duplicate.toString()).hasMessageContaining("the field \"a\" appears twice");

        Path list = dir.resolve("list.json");
        Files.writeString(list, "[1, 2]");
        assertThatThrownBy(() -> TokenizerJsonFile.read(list)).isInstanceOf(BundleException.class)
                .hasMessageContaining("is a JSON array; expected an object");
        assertThatThrownBy(() -> TokenizerJsonFile.read(dir.resolve("missing.json")))
                .isInstanceOf(BundleException.class).hasMessageContaining("cannot read tokenizer");
    }

    /** The scanned vocabulary and rest equal {@link Json#parse} of the same bytes, entry by entry. */
    private static void assertEqualsTree(TokenizerJsonFile.Contents scanned, byte[] bytes) throws JsonException {
        Map<?, ?> tree = (Map<?, ?>) Json.parse(bytes);
        Map<?, ?> model = (Map<?, ?>) tree.get("model");
        Map<String, Integer> expected = new HashMap<>();
        ((Map<?, ?>) model.get("vocab")).forEach((k, v) -> expected.put((String) k, ((Number) v).intValue()));
        assertThat(scanned.vocab()).isEqualTo(expected);
        Map<Object, Object> modelWithoutVocab = new LinkedHashMap<>(model);
        modelWithoutVocab.put("vocab", Map.of());
        Map<Object, Object> rest = new LinkedHashMap<>(tree);
        rest.put("model", modelWithoutVocab);
        assertThat(scanned.root()).isEqualTo(rest);
    }

    /** A small WordPiece tokenizer.json with {@code vocab} as the members of its vocabulary. */
    private static byte[] tokenizer(String vocab) {
        return bytes("{\"version\": \"1.0\", \"added_tokens\": [], \"normalizer\": {\"type\": \"BertNormalizer\"},"
                + " \"model\": {\"type\": \"WordPiece\", \"unk_token\": \"[UNK]\", \"vocab\": {" + vocab + "}},"
                + " \"decoder\": {\"type\": \"WordPiece\", \"prefix\": \"##\", \"cleanup\": true}}");
    }

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private static int indexOf(byte[] bytes, String ascii) {
        return new String(bytes, StandardCharsets.ISO_8859_1).indexOf(ascii);
    }
}

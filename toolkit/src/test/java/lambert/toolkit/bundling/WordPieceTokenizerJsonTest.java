package lambert.toolkit.bundling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import lambert.onnx.checkpoint.CheckpointException;
import lambert.base.json.Json;
import lambert.runtime.testing.TestModels;
import lambert.runtime.tokenize.NativeTokenizer;
import lambert.runtime.tokenize.Tokens;
import lambert.toolkit.verify.VerifyTexts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tokenizer built from {@code vocab.txt} against an independent reference: the {@code tokenizer.json}
 * that Hugging Face's own converter wrote for all-MiniLM-L6-v2 (BERT uncased), run by the same native
 * library on the verify texts and on text made to hit every rule.
 */
class WordPieceTokenizerJsonTest {
    /** Texts aimed at the normaliser, pre-tokenizer and WordPiece rules. */
    static final List<String> TRICKY = List.of(
            "naïve café résumé Ångström ÉCOLE Über",
            "e\u0301 a\u0308 o\u0302 n\u0303",
            "我今天很高兴，因为天气非常好。東京は日本の首都",
            "한국어 텍스트와 日本語のテキスト",
            "Hello,world!!! (yes) [no] {maybe} \"quoted\" 'single' — dash… ellipsis",
            "a".repeat(99) + " " + "b".repeat(100) + " " + "c".repeat(101) + " " + "supercalifragilistic".repeat(6),
            "control\u0000chars\u0001here\u007f and\u200bzero width\ufeffbom",
            "tabs\tand\nnew\r\nlines\u00a0nbsp\u2003em space",
            "emoji 😀🙂👍🏽 and symbols ©®™ ½ ¼ °C µ",
            "UPPER lower MiXeD CamelCase snake_case kebab-case",
            "[CLS] [SEP] [MASK] [PAD] [UNK] inside text",
            "numbers 3.14159 1,000,000 2026-11-28 #hash @handle",
            "unaffable unbelievable tokenization antidisestablishmentarianism",
            "Ｆｕｌｌｗｉｄｔｈ ｔｅｘｔ and ﬁ ligature",
            "",
            "   ");

    @TempDir
    Path dir;

    @Test
    void build_answersLikeTheFastTokenizerHuggingFaceWroteOnTheVerifyAndTrickyTexts() throws Exception {
        Path built = builtFromMiniLmVocabulary(true);
        List<String> texts = new ArrayList<>(VerifyTexts.builtIn());
        texts.addAll(TRICKY);
        try (NativeTokenizer reference = NativeTokenizer.load(TestModels.tokenizer(), 512);
                NativeTokenizer ours = NativeTokenizer.load(built, 512)) {
            for (String text : texts) {
                Tokens a = reference.encode(text);
                Tokens b = ours.encode(text);
                assertThat(b.ids()).as("ids of %s", text).isEqualTo(a.ids());
                assertThat(b.typeIds()).as("type ids of %s", text).isEqualTo(a.typeIds());
                assertThat(b.starts()).as("starts of %s", text).isEqualTo(a.starts());
                assertThat(b.ends()).as("ends of %s", text).isEqualTo(a.ends());
                assertThat(b.special()).as("special mask of %s", text).isEqualTo(a.special());
                assertThat(b.truncated()).isEqualTo(a.truncated());
            }
        }
    }

    @Test
    void build_pairsGetTheSameIdsAndTypeIdOneForTheSecondText() throws Exception {
        Path built = builtFromMiniLmVocabulary(true);
        TokenizersLibrary lib = TokenizersLibrary.LIB;
        try (NativeTokenizer ignored = NativeTokenizer.load(built, 512)) { // loads the native library
            long reference = lib.createTokenizerFromString(Files.readString(TestModels.tokenizer()));
            long ours = lib.createTokenizerFromString(Files.readString(built));
            try {
                lib.disablePadding(reference);
                for (String[] pair : new String[][] {{"How old are you?", "I am 6 years old."},
                        {"naïve café", "東京は日本の首都"}}) {
                    long a = lib.encodeDual(reference, pair[0], pair[1], true);
                    long b = lib.encodeDual(ours, pair[0], pair[1], true);
                    try {
                        assertThat(lib.getTokenIds(b)).isEqualTo(lib.getTokenIds(a));
                        assertThat(lib.getTypeIds(b)).isEqualTo(lib.getTypeIds(a)).contains(1L);
                    } finally {
                        lib.deleteEncoding(a);
                        lib.deleteEncoding(b);
                    }
                }
            } finally {
                lib.deleteTokenizer(reference);
                lib.deleteTokenizer(ours);
            }
        }
    }

    @Test
    void build_hasTheComponentsOfHuggingFacesFile() throws Exception {
        Path built = builtFromMiniLmVocabulary(true);
        Map<?, ?> reference = (Map<?, ?>) Json.parse(Files.readAllBytes(TestModels.tokenizer()));
        Map<?, ?> ours = (Map<?, ?>) Json.parse(Files.readAllBytes(built));
        for (String key : List.of("added_tokens", "normalizer", "pre_tokenizer", "post_processor", "decoder", "model")) {
            assertThat(ours.get(key)).as(key).isEqualTo(reference.get(key));
        }
    }

    @Test
    void build_casedVocabularyKeepsCaseAndAccents() throws Exception {
        Files.write(dir.resolve("vocab.txt"), List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "Hello", "hello",
                "café", "cafe", "##s"), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"do_lower_case\": false}");
        Path out = dir.resolve("tokenizer.json");
        Files.write(out, WordPieceTokenizerJson.build(dir));
        try (NativeTokenizer t = NativeTokenizer.load(out, 64)) {
            assertThat(t.encode("Hello hellos café").ids()).containsExactly(2, 5, 6, 9, 7, 3);
        }
    }

    @Test
    void build_specialTokensComeFromTheConfigInEitherForm() throws Exception {
        Files.write(dir.resolve("vocab.txt"), List.of("<pad>", "<unk>", "<cls>", "<sep>", "<mask>", "word"),
                StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"unk_token\": \"<unk>\", \"cls_token\": "
                + "{\"content\": \"<cls>\", \"__type\": \"AddedToken\"}, \"sep_token\": \"<sep>\", "
                + "\"pad_token\": \"<pad>\", \"mask_token\": \"<mask>\"}");
        Path out = dir.resolve("tokenizer.json");
        Files.write(out, WordPieceTokenizerJson.build(dir));
        try (NativeTokenizer t = NativeTokenizer.load(out, 64)) {
            Tokens tokens = t.encode("word unknown");
            assertThat(tokens.ids()).containsExactly(2, 5, 1, 3);
            assertThat(tokens.special()).containsExactly(true, false, false, true);
        }
    }

    @Test
    void build_vocabularyWithoutItsUnknownTokenIsRefused() throws Exception {
        Files.write(dir.resolve("vocab.txt"), List.of("[PAD]", "[CLS]", "[SEP]", "word"), StandardCharsets.UTF_8);
        assertThatThrownBy(() -> WordPieceTokenizerJson.build(dir)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("vocab.txt has no [UNK]");
    }

    @Test
    void build_missingVocabularyNamesTheFile() {
        assertThatThrownBy(() -> WordPieceTokenizerJson.build(dir)).hasMessageContaining("vocab.txt");
    }

    /** MiniLM's vocabulary written out as vocab.txt by id, with an uncased tokenizer_config.json. */
    private Path builtFromMiniLmVocabulary(boolean lowercase) throws Exception {
        Map<?, ?> root = (Map<?, ?>) Json.parse(Files.readAllBytes(TestModels.tokenizer()));
        Map<?, ?> vocab = (Map<?, ?>) ((Map<?, ?>) root.get("model")).get("vocab");
        TreeMap<Long, String> byId = new TreeMap<>();
        vocab.forEach((token, id) -> byId.put((Long) id, (String) token));
        assertThat(byId.lastKey()).isEqualTo(byId.size() - 1L);
        Files.write(dir.resolve("vocab.txt"), byId.values(), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"do_lower_case\": " + lowercase
                + ", \"model_max_length\": 512}");
        Path out = dir.resolve("tokenizer.json");
        Files.write(out, WordPieceTokenizerJson.build(dir));
        return out;
    }
}

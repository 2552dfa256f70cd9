package lambert.runtime.tokenize;

import static lambert.runtime.testing.SameTokens.assertSame;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lambert.runtime.bundle.BundleException;
import lambert.runtime.testing.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link WordPieceTokenizer} against its reference, the Hugging Face tokenizers library ({@link NativeTokenizer}) on
 * the same {@code tokenizer.json}: ids, type ids, special flags, offsets and truncation must be equal, token by token,
 * on edge cases and on every code point of planes 0, 1 and 14 (every 61st of the others), for the real
 * all-MiniLM-L6-v2 tokenizer and for variants of it (accents kept or stripped, a cased vocabulary, no Chinese
 * spacing, no cleaning, BertProcessing). The 1,100 built-in verify texts are compared in the toolkit's
 * {@code WordPieceVerifyTextsTest}.
 */
class WordPieceTokenizerTest {
    static final List<String> EDGE_CASES = List.of(
            "", " ", "Hey, how are you?", "Hello World", "HELLO", "naïve café résumé coöperate façade",
            "e\u0301 a\u0308 o\u0302 combining marks", "Ǆ ǅ ǆ ß ẞ İstanbul ΣΑΣ σας ﬁ Ⅻ",
            "東京は日本の首都であり、世界最大の都市圏の一つです。", "我今天很高兴，因为天气非常好。", "서울은 대한민국의 수도입니다.",
            "𠀀𠀁 𪜀 丽 a𠀀b", "Москва — столица России", "مرحبا بالعالم", "शुभ प्रभात", "Γειά σου κόσμε",
            "tabs\tand\tnew\nlines\r\nmixed", "zero\u200bwidth\u200cjoin\u200ders\ufeffbom", "ctrl\u0000\u0001\u007f\u0085x",
            "\ufffdreplacement", "private\ue000use", "nbsp\u00a0thin\u2009ideographic\u3000space", "\u2028\u2029",
            "I love this 😍🔥 best purchase ever 👍🏽👍🏽", "🙂", "a".repeat(99), "a".repeat(100), "a".repeat(101),
            "b".repeat(102) + " ok", "é".repeat(101), "supercalifragilisticexpialidocious antidisestablishmentarianism",
            "xqzvwk qqqqqq zzxxyy", "[CLS] [SEP] [MASK] [UNK] [PAD]", "a[MASK]b", "[[MASK]]", "[MAS", "[mask]",
            "don't stop-believing... (really?!) #1 @home $5 {x} <y> ~z ^_^ `q` |p|", "¿¡«»„“”‘’‹›",
            "https://docs.example.org/v2/guide#section-4", "def add(a, b):\n    return a + b",
            "1,234.56 3/4 2026-11-30 12:00", "Ⅷ ① ¹ ½", "Ａｂｃ ｶﾀｶﾅ", "ﬃ ﬄ", "K Å ℃");

    @TempDir
    Path dir;

    @Test
    void encode_equalsTheLibraryOnEdgeCases() throws IOException {
        assertSame(TestModels.tokenizer(), 512, EDGE_CASES);
    }

    @Test
    void encode_equalsTheLibraryWithEachStripAccentsSetting() throws IOException {
        for (String strip : List.of("true", "false", "null")) {
            for (String lower : List.of("true", "false")) {
                Path file = variant("strip_accents-" + strip + "-lowercase-" + lower,
                        "\"strip_accents\": " + strip, "\"lowercase\": " + lower);
                assertSame(file, 512, EDGE_CASES);
            }
        }
    }

    @Test
    void encode_equalsTheLibraryWithoutChineseSpacingOrCleaning() throws IOException {
        assertSame(variant("no-chinese", "\"handle_chinese_chars\": false"), 512, EDGE_CASES);
        assertSame(variant("no-clean", "\"clean_text\": false"), 512, EDGE_CASES);
    }

    @Test
    void encode_equalsTheLibraryWithBertProcessing() throws IOException {
        String json = Files.readString(TestModels.tokenizer());
        int from = json.indexOf("\"post_processor\": {");
        int to = json.indexOf("\"decoder\":");
        assertThat(from).isPositive();
        Path file = write("bert-processing", json.substring(0, from)
                + "\"post_processor\": {\"type\": \"BertProcessing\", \"sep\": [\"[SEP]\", 102], \"cls\": [\"[CLS]\", 101]},"
                + json.substring(to));
        assertSame(file, 512, EDGE_CASES);
    }

    @Test
    void encode_truncatesAtTheMaximumLengthAsTheLibraryDoes() throws IOException {
        String longText = String.join(" ", java.util.Collections.nCopies(40, "unbelievable tokenization, isn't it?"));
        for (int max : new int[] {2, 3, 8, 64, 128}) {
            assertSame(TestModels.tokenizer(), max, List.of(longText, "short", "", "a".repeat(300)));
        }
        try (WordPieceTokenizer tokenizer = WordPieceTokenizer.load(TestModels.tokenizer(), 8)) {
            assertThat(tokenizer.encode(longText).truncated()).isTrue();
            assertThat(tokenizer.encode("one two").truncated()).isFalse();
        }
    }

    /**
     * Every code point of planes 0, 1 and 14 and every 61st of the others, each alone and between letters, with accents
     * stripped and kept: the character classes (whitespace, control, punctuation, Chinese), NFD, non-spacing marks and
     * lower case all agree with the library's, except for characters the two sides' Unicode versions see differently.
     */
    @Test
    void encode_equalsTheLibraryOnEveryCodePoint() throws IOException {
        for (String strip : List.of("true", "false")) {
            Path file = variant("cp-" + strip, "\"strip_accents\": " + strip);
            List<String> texts = new ArrayList<>();
            for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
                int plane = cp >> 16;
                if ((cp >= 0xD800 && cp <= 0xDFFF) || (plane != 0 && plane != 1 && plane != 14 && cp % 61 != 0)) {
                    continue;
                }
                String c = new String(Character.toChars(cp));
                texts.add("x" + c + "Y" + c);
            }
            assertSame(file, 64, texts);
        }
    }

    @Test
    void encode_matchesTheMiniLmIdsPublishedBySentenceTransformers() {
        // all-MiniLM-L6-v2's tokenizer on "Hey, how are you?" (the ids the Python tokenizer gives).
        try (WordPieceTokenizer tokenizer = WordPieceTokenizer.load(TestModels.tokenizer(), 256)) {
            Tokens tokens = tokenizer.encode("Hey, how are you?");
            assertThat(tokens.ids()).containsExactly(101, 4931, 1010, 2129, 2024, 2017, 1029, 102);
            assertThat(tokens.starts()).containsExactly(-1, 0, 3, 5, 9, 13, 16, -1);
            assertThat(tokenizer.vocabSize()).isEqualTo(30522);
        }
    }

    @Test
    void load_refusesATokenizerItDoesNotReproduceAndNamesThePart() throws IOException {
        Path file = write("metaspace", Files.readString(TestModels.tokenizer())
                .replace("\"type\": \"BertPreTokenizer\"", "\"type\": \"Metaspace\""));
        assertThat(WordPieceTokenizer.supports(file)).isFalse();
        assertThat(WordPieceTokenizer.supports(TestModels.tokenizer())).isTrue();
        assertThatThrownBy(() -> WordPieceTokenizer.load(file, 64)).isInstanceOf(BundleException.class)
                .hasMessageContaining("pre_tokenizer is not BertPreTokenizer").hasMessageContaining("LAMBERT_TOKENIZER");
    }

    @Test
    void encode_unpairedSurrogateAndClosedAreRefused() {
        WordPieceTokenizer tokenizer = WordPieceTokenizer.load(TestModels.tokenizer(), 32);
        assertThatThrownBy(() -> tokenizer.encode(List.of("fine", "bad \ud800")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("text 1").hasMessageContaining("index 4");
        tokenizer.close();
        tokenizer.close();
        assertThatThrownBy(() -> tokenizer.encode("x")).isInstanceOf(IllegalStateException.class);
    }

    /** The MiniLM tokenizer with the normalizer's fields set as {@code settings} say ({@code "lowercase": false}). */
    private Path variant(String name, String... settings) throws IOException {
        String json = Files.readString(TestModels.tokenizer());
        for (String setting : settings) {
            String field = setting.substring(0, setting.indexOf(':'));
            Matcher m = Pattern.compile(Pattern.quote(field) + ": (true|false|null)").matcher(json);
            assertThat(m.find()).as(field).isTrue();
            json = json.substring(0, m.start()) + setting + json.substring(m.end());
        }
        return write(name, json);
    }

    private Path write(String name, String json) throws IOException {
        Path file = dir.resolve(name + ".json");
        Files.writeString(file, json);
        return file;
    }
}

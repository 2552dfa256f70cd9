package lambert.runtime.tokenize;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import lambert.base.json.Json;
import lambert.runtime.testing.TestModels;
import org.junit.jupiter.api.Test;

/**
 * {@link WordPieceVocab} against its reference, a {@link HashMap} of the same tokens: the real MiniLM vocabulary as
 * Jackson parses it, looked up by code points with and without the {@code ##} prefix, and present and absent tokens;
 * a table grown far past its first size; tokens of every UTF-8 length, lone surrogates, the empty token; duplicates
 * refused.
 */
class WordPieceVocabTest {
    private static final byte[] HASHES = WordPieceVocab.utf8("##");

    @Test
    void id_findsEveryTokenOfTheRealVocabularyAsTheTreeParseHasIt() throws Exception {
        byte[] bytes = Files.readAllBytes(TestModels.tokenizer());
        Map<?, ?> tree = (Map<?, ?>) ((Map<?, ?>) Json.parse(bytes)).get("model");
        Map<String, Integer> expected = new HashMap<>();
        ((Map<?, ?>) tree.get("vocab")).forEach((k, v) -> expected.put((String) k, ((Number) v).intValue()));
        WordPieceVocab vocab = TokenizerJsonFile.scan(bytes).vocab();
        assertThat(vocab.size()).isEqualTo(expected.size()).isEqualTo(30522);
        int continuations = 0;
        for (Map.Entry<String, Integer> e : expected.entrySet()) {
            String token = e.getKey();
            int[] cps = token.codePoints().toArray();
            assertThat(vocab.id(WordPieceVocab.NO_PREFIX, cps, 0, cps.length)).as(token).isEqualTo(e.getValue());
            assertThat(vocab.id(token)).as(token).isEqualTo(e.getValue());
            if (token.startsWith("##") && token.length() > 2) {
                continuations++;
                assertThat(vocab.id(HASHES, cps, 2, cps.length)).as(token).isEqualTo(e.getValue());
            }
            // The same code points one longer, and with the prefix put in front: present exactly when the map has them.
            int[] longer = (token + "q").codePoints().toArray();
            assertThat(vocab.id(WordPieceVocab.NO_PREFIX, longer, 0, longer.length)).as(token + "q")
                    .isEqualTo(expected.getOrDefault(token + "q", WordPieceVocab.ABSENT));
            assertThat(vocab.id(HASHES, cps, 0, cps.length)).as("##" + token)
                    .isEqualTo(expected.getOrDefault("##" + token, WordPieceVocab.ABSENT));
        }
        assertThat(continuations).isGreaterThan(5000);
        assertThat(vocab.highest()).isEqualTo(30521);
    }

    @Test
    void add_keepsEveryEntryWhileTheTableGrows() {
        Random random = new Random(11);
        Map<String, Integer> expected = new HashMap<>();
        WordPieceVocab vocab = new WordPieceVocab(new byte[0], 1);
        for (int i = 0; i < 100_000; i++) {
            StringBuilder token = new StringBuilder();
            int length = random.nextInt(6);
            for (int k = 0; k < length; k++) {
                token.appendCodePoint(codePoint(random));
            }
            String t = token.toString();
            boolean fresh = !expected.containsKey(t);
            assertThat(vocab.add(t, i)).as(t).isEqualTo(fresh);
            if (fresh) {
                expected.put(t, i);
            }
        }
        assertThat(vocab).isEqualTo(expected);
        assertThat(expected).isEqualTo(vocab);
        for (Map.Entry<String, Integer> e : expected.entrySet()) {
            assertThat(vocab.get(e.getKey())).isEqualTo(e.getValue());
        }
        assertThat(vocab.get("no such token, longer than any")).isNull();
        assertThat(vocab.get(42)).isNull();
    }

    @Test
    void add_keepsTokensOfEveryUtf8LengthLoneSurrogatesAndTheEmptyToken() {
        List<String> tokens = List.of("", "a", "\u00e9", "\u0800", "\uffff", "\u6771\u4eac", "\ud83d\ude00",
                "\ud800", "\udfff", "a\ud800b", "\ud800\ud800", "\udc00\ud800", "##", "##\u00df", "\u0000");
        WordPieceVocab vocab = new WordPieceVocab(new byte[0], tokens.size());
        for (int i = 0; i < tokens.size(); i++) {
            assertThat(vocab.add(tokens.get(i), i)).isTrue();
        }
        for (int i = 0; i < tokens.size(); i++) {
            assertThat(vocab.add(tokens.get(i), 99)).as("a second " + tokens.get(i)).isFalse();
            assertThat(vocab.id(tokens.get(i))).isEqualTo(i);
        }
        Map<String, Integer> expected = new HashMap<>();
        for (int i = 0; i < tokens.size(); i++) {
            expected.put(tokens.get(i), i);
        }
        assertThat(vocab).isEqualTo(expected); // the entries decode to the same strings
        assertThat(vocab.id("\ud800\udc00")).as("a pair is not its two lone halves").isEqualTo(WordPieceVocab.ABSENT);
        int[] beer = {0x1F37A};
        assertThat(vocab.id(WordPieceVocab.NO_PREFIX, beer, 0, 1)).isEqualTo(WordPieceVocab.ABSENT);
        int[] sharpS = {'\u00df'};
        assertThat(vocab.id(HASHES, sharpS, 0, 1)).isEqualTo(tokens.indexOf("##\u00df"));
        assertThat(vocab.id(HASHES, sharpS, 0, 0)).as("the prefix alone").isEqualTo(tokens.indexOf("##"));
        assertThat(vocab.highest()).isEqualTo(tokens.size() - 1);
    }

    @Test
    void add_ofScannedBytesAndOfStringsFindEachOther() {
        byte[] text = WordPieceVocab.utf8("xcaf\u00e9y\u6771z");
        WordPieceVocab vocab = new WordPieceVocab(text, 4);
        assertThat(vocab.add(1, 5, hash(text, 1, 5), 7)).isTrue(); // "café" in the text
        assertThat(vocab.add("caf\u00e9", 8)).as("the same token as a string").isFalse();
        assertThat(vocab.add("\u6771", 9)).isTrue();
        assertThat(vocab.add(7, 3, hash(text, 7, 3), 10)).as("the same token in the text").isFalse();
        assertThat(vocab).isEqualTo(Map.of("caf\u00e9", 7, "\u6771", 9));
    }

    private static int hash(byte[] bytes, int offset, int length) {
        int hash = 0;
        for (int i = offset; i < offset + length; i++) {
            hash = WordPieceVocab.hash(hash, bytes[i]);
        }
        return hash;
    }

    /** Mostly ASCII, then two-, three- and four-byte code points and lone surrogates. */
    private static int codePoint(Random random) {
        return switch (random.nextInt(6)) {
            case 0, 1, 2 -> 'a' + random.nextInt(26);
            case 3 -> 0x80 + random.nextInt(0x780);
            case 4 -> 0x800 + random.nextInt(0xF800);
            default -> 0x10000 + random.nextInt(0x100000);
        };
    }
}

package lambert.runtime.tokenize;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;
import lambert.runtime.testing.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Texts#dropped}, the one definition of "nothing to answer" that the request contract refuses, against its
 * independent reference: the real BERT tokenizer (all-MiniLM-L6-v2's {@code tokenizer.json} through the Hugging Face
 * tokenizers library), which for a one-character text yields only [CLS] and [SEP] exactly when it drops that
 * character. Accent stripping is turned off in the reference: it removes combining marks (Mn) as well, but only for
 * tokenizers that strip accents, so a lone combining mark is text the contract passes on.
 */
class TextsTest {
    /**
     * Format characters (Cf) added to Unicode after the tables the tokenizers library was built with (Unicode 8): the
     * JDK (Unicode 13 in Java 17, 15 in Java 21) knows them as format characters, the library as unassigned, so it keeps
     * them as [UNK]. The contract refuses a text of only these invisible characters anyway.
     */
    private static final Set<Integer> NEWER_FORMAT_CHARACTERS = Set.copyOf(IntStream.concat(
            IntStream.of(0x0890, 0x0891, 0x08E2, 0x110CD), IntStream.rangeClosed(0x13430, 0x1343F))
            .boxed().toList());

    @TempDir
    Path dir;

    /**
     * Every code point of planes 0, 1 and 14 (all the whitespace, control and format characters, and the BMP's private
     * use area), and every 61st of the other planes (ideographs, unassigned, the private-use planes 15 and 16);
     * {@code -Dlambert.test.allCodePoints=true} checks all 1,112,064 (about 30 s).
     */
    @Test
    void dropped_isWhatTheBertTokenizerDropsOnEveryCodePoint() throws Exception {
        boolean all = Boolean.getBoolean("lambert.test.allCodePoints");
        Path reference = dir.resolve("tokenizer.json");
        String json = Files.readString(TestModels.tokenizer());
        assertThat(json).contains("\"strip_accents\": null");
        Files.writeString(reference, json.replace("\"strip_accents\": null", "\"strip_accents\": false"));
        Set<String> disagreements = new TreeSet<>();
        int checked = 0;
        try (NativeTokenizer tokenizer = NativeTokenizer.load(reference, 8)) {
            List<String> batch = new ArrayList<>();
            for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
                int plane = cp >> 16;
                boolean whole = all || plane == 0 || plane == 1 || plane == 14;
                if ((cp >= 0xD800 && cp <= 0xDFFF) || (!whole && cp % 61 != 0)) {
                    continue;
                }
                batch.add(new String(Character.toChars(cp)));
                if (batch.size() == 4096 || cp == Character.MAX_CODE_POINT) {
                    checked += batch.size();
                    Tokens[] tokens = tokenizer.encode(batch);
                    for (int i = 0; i < tokens.length; i++) {
                        int c = batch.get(i).codePointAt(0);
                        boolean tokenizerDrops = tokens[i].length() == 2;
                        if (tokenizerDrops != Texts.dropped(c) && !NEWER_FORMAT_CHARACTERS.contains(c)) {
                            disagreements.add(String.format("U+%04X %s (type %d): tokenizer drops it %s, Texts.dropped %s",
                                    c, Character.getName(c), Character.getType(c), tokenizerDrops, Texts.dropped(c)));
                        }
                    }
                    batch.clear();
                }
            }
        }
        assertThat(checked).isGreaterThan(3 * 65536 - 2048);
        assertThat(disagreements).as("code points where the definition and the tokenizer disagree").isEmpty();
    }

    @Test
    void dropped_newerFormatCharactersAreFormatCharactersToTheJdk() {
        // The allowance above covers only invisible format characters, never a letter or symbol the tokenizer keeps.
        for (int cp : NEWER_FORMAT_CHARACTERS) {
            int type = Character.getType(cp);
            assertThat(type == Character.FORMAT || type == Character.UNASSIGNED).as("U+%04X", cp).isTrue();
        }
    }

    @Test
    void firstKept_findsTheFirstCharacterTheTokenizerKeeps() {
        assertThat(Texts.firstKept("")).isEqualTo(-1);
        assertThat(Texts.firstKept("\u3000\u200b\ufeff\u2028\u0085\u00a0\ue000\ufffd")).isEqualTo(-1);
        assertThat(Texts.firstKept("\u3000\u200bhi")).isEqualTo(2);
        assertThat(Texts.firstKept("\u0301")).isZero();
        assertThat(Texts.firstKept("\ud83d\ude00")).isZero();
        assertThat(Texts.firstKept(" \ud800")).isEqualTo(1);
    }
}

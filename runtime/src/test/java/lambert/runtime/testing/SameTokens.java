package lambert.runtime.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import lambert.runtime.tokenize.NativeTokenizer;
import lambert.runtime.tokenize.Tokens;
import lambert.runtime.tokenize.WordPieceTokenizer;

/**
 * The pure-Java {@link WordPieceTokenizer} against its reference, the Hugging Face tokenizers library
 * ({@link NativeTokenizer}), on the same {@code tokenizer.json}: ids, type ids, special flags, offsets and truncation
 * equal token by token.
 */
public final class SameTokens {
    private SameTokens() {}

    /** Asserts that both tokenizers produce the same tokens for every text, and says where the first differ. */
    public static void assertSame(Path tokenizerJson, int maxLength, List<String> texts) {
        try (NativeTokenizer reference = NativeTokenizer.load(tokenizerJson, maxLength);
                WordPieceTokenizer java = WordPieceTokenizer.load(tokenizerJson, maxLength)) {
            List<String> differences = new ArrayList<>();
            for (int from = 0; from < texts.size(); from += 2048) {
                List<String> batch = texts.subList(from, Math.min(texts.size(), from + 2048));
                Tokens[] expected = reference.encode(batch);
                Tokens[] actual = java.encode(batch);
                for (int i = 0; i < batch.size(); i++) {
                    String difference = difference(expected[i], actual[i]);
                    if (difference != null) {
                        differences.add(describe(batch.get(i)) + ": " + difference);
                    }
                }
            }
            assertThat(differences).as("texts where the Java tokenizer differs from the library (" + tokenizerJson
                    .getFileName() + ", max " + maxLength + ")").isEmpty();
        }
    }

    public static String difference(Tokens expected, Tokens actual) {
        if (!Arrays.equals(expected.ids(), actual.ids())) {
            return "ids " + Arrays.toString(expected.ids()) + " != " + Arrays.toString(actual.ids());
        }
        if (!Arrays.equals(expected.typeIds(), actual.typeIds())) {
            return "type ids " + Arrays.toString(expected.typeIds()) + " != " + Arrays.toString(actual.typeIds());
        }
        if (!Arrays.equals(expected.special(), actual.special())) {
            return "special " + Arrays.toString(expected.special()) + " != " + Arrays.toString(actual.special());
        }
        if (!Arrays.equals(expected.starts(), actual.starts()) || !Arrays.equals(expected.ends(), actual.ends())) {
            return "offsets " + Arrays.toString(expected.starts()) + Arrays.toString(expected.ends()) + " != "
                    + Arrays.toString(actual.starts()) + Arrays.toString(actual.ends());
        }
        if (expected.truncated() != actual.truncated()) {
            return "truncated " + expected.truncated() + " != " + actual.truncated();
        }
        return null;
    }

    private static String describe(String text) {
        StringBuilder sb = new StringBuilder();
        text.codePoints().limit(12).forEach(c -> sb.append(c < 0x80 && c >= 0x20 ? Character.toString(c)
                : String.format("U+%04X(%s)", c, Character.getType(c))));
        return sb + (text.codePointCount(0, text.length()) > 12 ? "..." : "");
    }
}

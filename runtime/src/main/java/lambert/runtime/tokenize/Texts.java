package lambert.runtime.tokenize;

/** Checks on input text: what the native tokenizer cannot be trusted to handle, and what it would drop. */
public final class Texts {
    private Texts() {}

    /**
     * Whether BERT's normaliser drops {@code codePoint} or splits on it and keeps nothing of it: Unicode
     * White_Space (spaces of every width, line and paragraph separators, tab, line feed...), controls (Cc),
     * format characters (Cf: zero-width spaces and joiners, direction marks, the byte order mark, U+180E),
     * private-use characters (Co) and U+FFFD. That is Hugging Face's {@code BertNormalizer} ({@code clean_text}
     * removes NUL, U+FFFD and {@code is_control}: Cc, Cf and Co) followed by its whitespace split
     * ({@code char::is_whitespace}). A text of only such characters reaches the model as [CLS] [SEP] and
     * nothing else; {@code TextsTest} checks this definition against the real tokenizer code point by code point.
     */
    public static boolean dropped(int codePoint) {
        if (Character.isSpaceChar(codePoint) || codePoint == 0xFFFD) {
            return true;
        }
        int type = Character.getType(codePoint);
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.PRIVATE_USE;
    }

    /**
     * The index of the first character the tokenizer keeps (one not {@link #dropped}), or -1 when the
     * text has none: it is empty, or only whitespace, control, format and private-use characters.
     */
    public static int firstKept(CharSequence text) {
        for (int i = 0; i < text.length(); ) {
            int cp = Character.codePointAt(text, i);
            if (!dropped(cp)) {
                return i;
            }
            i += Character.charCount(cp);
        }
        return -1;
    }

    /**
     * The index of the first UTF-16 surrogate without its partner, or -1 if there is none.
     * Such a string is not valid Unicode and cannot be passed to the tokenizer faithfully.
     */
    public static int firstUnpairedSurrogate(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else {
                    return i;
                }
            } else if (Character.isLowSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Refuses text {@code index} of a request if it has an unpaired UTF-16 surrogate, which is not valid Unicode (and
     * on which the native tokenizer library would abort the process).
     *
     * @throws IllegalArgumentException naming the text and the index of the surrogate
     */
    static void requireUnicode(String text, int index) {
        int bad = firstUnpairedSurrogate(text);
        if (bad >= 0) {
            throw new IllegalArgumentException("text " + index + " has an unpaired UTF-16 surrogate at index " + bad
                    + "; it is not valid Unicode");
        }
    }
}

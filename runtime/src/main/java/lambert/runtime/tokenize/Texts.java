package lambert.runtime.tokenize;

/** Checks on input text that the native tokenizer cannot be trusted to handle. */
public final class Texts {
    private Texts() {}

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
}

package lambert.toolkit.batch;

import java.nio.charset.StandardCharsets;
import lambert.runtime.tokenize.TextTokenizer;

/** How many tokens a text is before truncation, special tokens included: exactly, or at most. */
@FunctionalInterface
public interface TokenCounter {
    /** The tokens of {@code text}. */
    int count(String text);

    /**
     * An upper bound without the tokenizer: the text's UTF-8 bytes plus 2 (the special tokens). WordPiece and
     * byte-level BPE never make more tokens than bytes, so a request packed by it never exceeds a token limit; it
     * overestimates English about four times, which matters only when the token budget, not the texts or bytes,
     * bounds a request.
     */
    static TokenCounter estimate() {
        return text -> (int) Math.min(Integer.MAX_VALUE - 2L, text.getBytes(StandardCharsets.UTF_8).length) + 2;
    }

    /** The exact count from the bundle's own tokenizer (before truncation at its maximum length). */
    static TokenCounter of(TextTokenizer tokenizer) {
        return text -> tokenizer.encode(text).length();
    }
}

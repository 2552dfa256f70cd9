package lambert.runtime.tokenize;

/**
 * One text after tokenization, special tokens included, not padded.
 *
 * @param ids token ids
 * @param typeIds segment ids (all zero for a single text)
 * @param special whether each token is a special token ([CLS], [SEP], ...)
 * @param starts UTF-16 index into the text where each token starts (-1 for special tokens)
 * @param ends UTF-16 index just past each token
 * @param truncated whether the text was longer than the maximum length and was cut
 */
public record Tokens(long[] ids, long[] typeIds, boolean[] special, int[] starts, int[] ends, boolean truncated) {
    /** Number of tokens, special tokens included. */
    public int length() {
        return ids.length;
    }
}

package lambert.runtime.task;

/**
 * A span of the text that the tagger labelled.
 *
 * @param label the entity type ({@code PER}) when aggregated, or the token's own label ({@code B-PER})
 * @param score mean probability of the tokens in the span
 * @param word the text of the span
 * @param start UTF-16 index of the span's first character in the original text ({@code text.substring(start, end)})
 * @param end UTF-16 index just past the span
 */
public record Entity(String label, float score, String word, int start, int end) {
    /** {@link #start()} counted in Unicode code points, as Python and Hugging Face pipelines count. */
    public int codePointStart(String text) {
        return text.codePointCount(0, start);
    }

    /** {@link #end()} counted in Unicode code points. */
    public int codePointEnd(String text) {
        return text.codePointCount(0, end);
    }
}

package lambert.runtime.task;

/**
 * A span of the text that the tagger labelled.
 *
 * @param label the entity type ({@code PER}) when aggregated, or the token's own label ({@code B-PER})
 * @param score mean probability of the tokens in the span
 * @param word the text of the span
 * @param start UTF-16 offset of the span's first character in the original text
 * @param end UTF-16 offset just past the span
 */
public record Entity(String label, float score, String word, int start, int end) {}

package lambert.runtime.api;

/**
 * A span of text a {@link TokenTagger} labelled (an entity).
 *
 * @param label the entity type ({@code PER}), its tokens' labels grouped as Hugging Face's {@code simple} aggregation
 * @param score the mean probability of the span's tokens
 * @param text the text of the span
 * @param start UTF-16 index of the span's first character ({@code text.substring(start, end)} is the span)
 * @param end UTF-16 index just past the span
 */
public record Span(String label, float score, String text, int start, int end) {}

package lambert.toolkit.batch;

import java.nio.charset.StandardCharsets;
import java.util.List;
import lambert.base.json.Json;

/**
 * A run of consecutive input lines: the texts sent in one request, and the lines refused before any request, in
 * input order. Chunks cover the input without gaps, so finishing chunk {@code n} finishes every line up to
 * {@link #lastLine()}.
 *
 * @param index the chunk's number, from 0
 * @param records the lines, in input order, refused ones included
 * @param tokens the tokens of the texts to send (exact or an upper bound, after truncation)
 * @param bodyBytes the size of {@link #body}
 */
public record Chunk(long index, List<InputRecord> records, long tokens, int bodyBytes) {
    public Chunk {
        records = List.copyOf(records);
    }

    /** The texts to send, in order. */
    public List<InputRecord> texts() {
        return records.stream().filter(r -> !r.refused()).toList();
    }

    /** The first input line of the chunk. */
    public long firstLine() {
        return records.get(0).line();
    }

    /** The last input line of the chunk. */
    public long lastLine() {
        return records.get(records.size() - 1).line();
    }

    /** The request body: {@code {"texts": [...]}}, with {@code "encoding": "base64"} for embeddings. */
    public byte[] body(boolean base64) {
        return body(texts(), base64);
    }

    /** The request body for {@code texts}. */
    static byte[] body(List<InputRecord> texts, boolean base64) {
        StringBuilder b = new StringBuilder(PREFIX);
        for (int i = 0; i < texts.size(); i++) {
            b.append(i == 0 ? "" : ",").append(Json.quote(texts.get(i).text()));
        }
        b.append(base64 ? SUFFIX_BASE64 : SUFFIX);
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    static final String PREFIX = "{\"texts\":[";
    static final String SUFFIX = "]}";
    static final String SUFFIX_BASE64 = "],\"encoding\":\"base64\"}";
}

package lambert.toolkit.batch;

import java.nio.file.Path;
import java.util.Locale;

/** How an input file holds its texts. */
public enum InputFormat {
    /** One text per line. */
    LINES,
    /** One JSON object per line, the text in a named field. */
    JSONL,
    /** Comma-separated values (RFC 4180) with a header row, the text in a named column. */
    CSV;

    /** The format a file name suggests: {@code .jsonl}/{@code .ndjson} JSONL, {@code .csv} CSV, anything else lines. */
    public static InputFormat of(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) {
            return JSONL;
        }
        return name.endsWith(".csv") ? CSV : LINES;
    }
}

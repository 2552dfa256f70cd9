package lambert.toolkit.batch;

import java.nio.file.Path;
import lambert.toolkit.BadInputException;

/**
 * Where the texts are and how to find them.
 *
 * @param file the input file
 * @param format its format
 * @param field the JSONL field or CSV column that holds the text (null for lines; defaults to {@code text})
 * @param idField the JSONL field or CSV column that holds the id, or null for the line number
 */
public record InputSpec(Path file, InputFormat format, String field, String idField) {
    public InputSpec {
        if (format == InputFormat.LINES && (field != null || idField != null)) {
            throw BadInputException.of("field and id-field apply to JSONL and CSV input, not to text lines ("
                    + file + ")", "field", "id-field");
        }
        if (format != InputFormat.LINES && field == null) {
            field = "text";
        }
    }

    /** Text lines of {@code file}, ids the line numbers. */
    public static InputSpec lines(Path file) {
        return new InputSpec(file, InputFormat.LINES, null, null);
    }
}

package lambert.toolkit.batch;

/**
 * One input text, or one input line refused before any request.
 *
 * @param line the line number where the record starts (1-based; a CSV record may span lines)
 * @param id the id from the input's id field or column, else the line number
 * @param text the text, or null when {@code problem} is set
 * @param problem why the line is refused (an empty text, a line over the size limit), or null
 */
public record InputRecord(long line, String id, String text, String problem) {
    /** A text to send. */
    public static InputRecord text(long line, String id, String text) {
        return new InputRecord(line, id, text, null);
    }

    /** A line refused with {@code problem}. */
    public static InputRecord refused(long line, String id, String problem) {
        return new InputRecord(line, id, null, problem);
    }

    /** Whether this line is refused. */
    public boolean refused() {
        return problem != null;
    }
}

package lambert.toolkit.batch;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import lambert.base.json.Json;
import lambert.base.json.JsonException;
import lambert.base.json.Utf8;
import lambert.toolkit.BadInputException;

/**
 * Reads an input file record by record, never the whole file at once: text lines, JSONL with the text in a field,
 * or CSV with a header row and the text in a column. Lines end with LF or CRLF; a UTF-8 byte order mark at the start
 * is skipped; every line must be strict UTF-8. A file that is not what its format says (bad UTF-8, a line that is not
 * a JSON object, a missing field, a CSV quote never closed) is refused with a {@link BadInputException} naming the
 * file, the line and the byte offset. Lines that are well formed but cannot be sent are returned refused, with the
 * reason, so that every line is accounted for: an empty (or white-space only) text, and a line over
 * {@link #MAX_LINE_BYTES}.
 *
 * <pre>{@code
 * try (InputReader in = InputReader.open(new InputSpec(Path.of("docs.jsonl"), InputFormat.JSONL, "body", "id"))) {
 *     for (InputRecord r = in.next(); r != null; r = in.next()) { ... }
 * }
 * }</pre>
 */
public final class InputReader implements AutoCloseable {
    /** The longest line read; longer ones are refused (a request to Lambda carries at most 6 MB). */
    public static final int MAX_LINE_BYTES = 8 << 20;

    private final InputSpec spec;
    private final InputStream in;
    private final String name;
    private long lineNumber;
    private long offset;
    private int textColumn = -1;
    private int idColumn = -1;
    private byte[] buffer = new byte[8192];
    private int length;
    private boolean tooLong;
    private long lineBytes;

    private InputReader(InputSpec spec, InputStream in) {
        this.spec = spec;
        this.in = in;
        this.name = spec.file().toString();
    }

    /**
     * Opens {@code spec}'s file; for CSV reads its header row and finds the columns.
     *
     * @throws NoSuchFileException if the file does not exist
     * @throws BadInputException if the CSV header lacks a column
     */
    public static InputReader open(InputSpec spec) throws IOException {
        InputReader r = new InputReader(spec, new BufferedInputStream(Files.newInputStream(spec.file()), 1 << 16));
        try {
            if (spec.format() == InputFormat.CSV) {
                r.readHeader();
            }
            return r;
        } catch (IOException | RuntimeException e) {
            r.close();
            throw e;
        }
    }

    /** The next record, or null at the end of the file. */
    public InputRecord next() throws IOException {
        long start = offset;
        if (!readLine()) {
            return null;
        }
        long line = lineNumber;
        String id = Long.toString(line);
        if (tooLong) {
            return InputRecord.refused(line, id, "the line is " + lineBytes + " bytes, over the " + MAX_LINE_BYTES
                    + " bytes lambert batch reads in one line (a request to Lambda carries at most 6 MB)");
        }
        String text = decode(start);
        switch (spec.format()) {
            case LINES:
                return record(line, id, text);
            case JSONL:
                return jsonl(line, start, text);
            default:
                return csv(line, start, text);
        }
    }

    private static InputRecord record(long line, String id, String text) {
        if (text.isBlank()) {
            return InputRecord.refused(line, id, text.isEmpty() ? "the text is empty" : "the text is only white space");
        }
        return InputRecord.text(line, id, text);
    }

    private InputRecord jsonl(long line, long start, String text) {
        if (text.isBlank()) {
            return InputRecord.refused(line, Long.toString(line), "the line is empty (a JSONL line holds one object)");
        }
        Object value;
        try {
            value = Json.parse(text.getBytes(StandardCharsets.UTF_8));
        } catch (JsonException e) {
            throw new BadInputException(where(line, start) + " is " + e.getMessage());
        }
        if (!(value instanceof Map)) {
            throw new BadInputException(where(line, start) + " is a JSON " + Json.typeName(value)
                    + ", expected an object with the text in \"" + spec.field() + "\"");
        }
        Map<?, ?> object = (Map<?, ?>) value;
        String id = Long.toString(line);
        if (spec.idField() != null) {
            Object v = object.get(spec.idField());
            if (!(v instanceof String) && !(v instanceof Number)) {
                throw BadInputException.of(where(line, start) + " has no string or number \"" + spec.idField()
                        + "\" (id-field), found " + (v == null ? "none" : Json.typeName(v)), "id-field");
            }
            id = v.toString();
        }
        Object t = object.get(spec.field());
        if (!(t instanceof String)) {
            throw BadInputException.of(where(line, start) + " has no string \"" + spec.field() + "\" (field), found "
                    + (t == null ? "none: its fields are " + object.keySet() : Json.typeName(t)), "field");
        }
        return record(line, id, (String) t);
    }

    private InputRecord csv(long line, long start, String text) throws IOException {
        List<String> cells = new ArrayList<>();
        StringBuilder record = new StringBuilder(text);
        while (!Csv.split(record, cells)) {
            long more = offset;
            if (!readLine()) {
                throw new BadInputException(where(line, start) + ": a quoted CSV field opened on this line is never "
                        + "closed (the file ends inside it)");
            }
            if (tooLong) {
                throw new BadInputException(where(lineNumber, more) + " is over " + MAX_LINE_BYTES + " bytes inside a "
                        + "quoted CSV field opened on line " + line);
            }
            record.append('\n').append(decode(more));
        }
        if (cells.size() == 1 && cells.get(0).isEmpty()) {
            return InputRecord.refused(line, Long.toString(line), "the line is empty (a CSV line holds one record)");
        }
        int needed = Math.max(textColumn, idColumn) + 1;
        if (cells.size() < needed) {
            throw new BadInputException(where(line, start) + " has " + cells.size() + " CSV fields, expected at least "
                    + needed + " (the header names column \"" + spec.field() + "\" as field " + (textColumn + 1) + ")");
        }
        String id = idColumn < 0 ? Long.toString(line) : cells.get(idColumn);
        return record(line, id, cells.get(textColumn));
    }

    private void readHeader() throws IOException {
        long start = offset;
        if (!readLine()) {
            throw new BadInputException(name + " is empty: a CSV input starts with a header row naming its columns");
        }
        List<String> cells = new ArrayList<>();
        if (tooLong || !Csv.split(new StringBuilder(decode(start)), cells)) {
            throw new BadInputException(where(1, start) + ": the CSV header row must be one line with every quote "
                    + "closed");
        }
        textColumn = cells.indexOf(spec.field());
        if (textColumn < 0) {
            throw BadInputException.of(name + " has no column \"" + spec.field() + "\" (field); its header row names "
                    + cells, "field");
        }
        if (spec.idField() != null) {
            idColumn = cells.indexOf(spec.idField());
            if (idColumn < 0) {
                throw BadInputException.of(name + " has no id column \"" + spec.idField() + "\" (id-field); its "
                        + "header row names " + cells, "id-field");
            }
        }
    }

    /** Reads the next line's bytes (without LF or CRLF) into the buffer; false at the end of the file. */
    private boolean readLine() throws IOException {
        length = 0;
        lineBytes = 0;
        tooLong = false;
        int b = in.read();
        if (b < 0) {
            return false;
        }
        lineNumber++;
        while (b >= 0 && b != '\n') {
            offset++;
            lineBytes++;
            if (!tooLong) {
                if (length == MAX_LINE_BYTES) {
                    tooLong = true;
                } else {
                    if (length == buffer.length) {
                        buffer = Arrays.copyOf(buffer, Math.min(MAX_LINE_BYTES, buffer.length * 2));
                    }
                    buffer[length++] = (byte) b;
                }
            }
            b = in.read();
        }
        if (b == '\n') {
            offset++;
        }
        if (!tooLong && length > 0 && buffer[length - 1] == '\r') {
            length--;
        }
        return true;
    }

    private String decode(long start) {
        int from = 0;
        if (lineNumber == 1 && length >= 3 && (buffer[0] & 0xff) == 0xef && (buffer[1] & 0xff) == 0xbb
                && (buffer[2] & 0xff) == 0xbf) {
            from = 3;
        }
        Utf8.Problem problem = Utf8.check(buffer, from, length);
        if (problem != null) {
            throw new BadInputException(where(lineNumber, start) + " is not valid UTF-8 at byte "
                    + (start + from + problem.offset()) + " of the file (" + problem.reason() + ")");
        }
        return new String(buffer, from, length - from, StandardCharsets.UTF_8);
    }

    private String where(long line, long start) {
        return name + " line " + line + " (from byte " + start + ")";
    }

    /** The number of lines read so far. */
    public long linesRead() {
        return lineNumber;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}

package lambert.base.json;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Compact JSON out for what the function writes (responses, its log lines, the Runtime API's error bodies), without
 * loading Jackson: the first use of Jackson's factory and generator costs about 30 ms of one CPU in a fresh JVM (its
 * classes come from a jar, not from the JDK's class-data archive), and a java21 function pays that in its INIT.
 *
 * <p>It has the names and the output of the part of Jackson's {@code JsonGenerator} lambert uses, byte for byte:
 * no spaces; {@code "} and {@code \} escaped, the control characters as {@code \b \t \n \f \r} or a six-character
 * unicode escape with upper-case hex digits; numbers as {@link Long#toString(long)}, {@link Float#toString(float)}
 * and {@link Double#toString(double)}, NaN and the infinities as strings; a null string as {@code null}. Over bytes
 * ({@link #to(OutputStream)}, UTF-8) every UTF-16 surrogate is written as a six-character escape, as Jackson's UTF-8
 * generator does; over characters ({@link #to(Writer)}) surrogates pass through. {@code JsonWriterTest} holds it to
 * Jackson's output.
 *
 * <p>The document goes to the target when the writer is closed; the target is flushed, not closed.
 *
 * <pre>{@code
 * ByteArrayOutputStream out = new ByteArrayOutputStream();
 * try (JsonWriter w = JsonWriter.to(out)) {
 *     w.writeStartObject();
 *     w.writeStringField("task", "embed");
 *     w.writeEndObject();
 * }
 * }</pre>
 */
public final class JsonWriter implements Closeable {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private final OutputStream bytes;
    private final Writer chars;
    private final StringBuilder text = new StringBuilder(256);
    /** Values written so far in each open object or array (a field counts once). */
    private int[] counts = new int[8];
    /** How each open object or array ends: '}' or ']'. */
    private char[] kinds = new char[8];
    private int depth;
    private boolean afterName;
    private boolean closed;

    private JsonWriter(OutputStream bytes, Writer chars) {
        this.bytes = bytes;
        this.chars = chars;
    }

    /** A writer whose document goes to {@code out} as UTF-8 when it is closed. */
    public static JsonWriter to(OutputStream out) {
        return new JsonWriter(out, null);
    }

    /** A writer whose document goes to {@code out} as characters when it is closed. */
    public static JsonWriter to(Writer out) {
        return new JsonWriter(null, out);
    }

    /** {@code value} as a JSON string literal, quotes included, as the character writer writes it. */
    public static String quote(String value) {
        StringBuilder s = new StringBuilder(value.length() + 2);
        appendQuoted(s, value, false);
        return s.toString();
    }

    public void writeStartObject() {
        beforeValue();
        text.append('{');
        open();
    }

    public void writeEndObject() {
        close('}');
    }

    public void writeStartArray() {
        beforeValue();
        text.append('[');
        open();
    }

    public void writeEndArray() {
        close(']');
    }

    public void writeObjectFieldStart(String name) {
        writeFieldName(name);
        writeStartObject();
    }

    public void writeArrayFieldStart(String name) {
        writeFieldName(name);
        writeStartArray();
    }

    public void writeFieldName(String name) {
        if (closed || depth == 0 || kinds[depth - 1] != '}' || afterName) {
            throw new IllegalStateException("a field name belongs in an open object, after a value; found \"" + name
                    + "\" " + (closed ? "after close" : depth == 0 || kinds[depth - 1] != '}' ? "outside any object"
                            : "right after another field name"));
        }
        if (counts[depth - 1]++ > 0) {
            text.append(',');
        }
        appendQuoted(text, name, bytes != null);
        text.append(':');
        afterName = true;
    }

    public void writeStringField(String name, String value) {
        writeFieldName(name);
        writeString(value);
    }

    public void writeNumberField(String name, int value) {
        writeFieldName(name);
        writeNumber(value);
    }

    public void writeNumberField(String name, long value) {
        writeFieldName(name);
        writeNumber(value);
    }

    public void writeNumberField(String name, float value) {
        writeFieldName(name);
        writeNumber(value);
    }

    public void writeNumberField(String name, double value) {
        writeFieldName(name);
        writeNumber(value);
    }

    public void writeBooleanField(String name, boolean value) {
        writeFieldName(name);
        beforeValue();
        text.append(value);
    }

    /** A string value; null is written as {@code null}. */
    public void writeString(String value) {
        beforeValue();
        if (value == null) {
            text.append("null");
        } else {
            appendQuoted(text, value, bytes != null);
        }
    }

    public void writeNumber(int value) {
        beforeValue();
        text.append(value);
    }

    public void writeNumber(long value) {
        beforeValue();
        text.append(value);
    }

    /** A float as {@link Float#toString(float)} writes it; NaN and the infinities as strings, as Jackson does. */
    public void writeNumber(float value) {
        beforeValue();
        if (Float.isFinite(value)) {
            text.append(value);
        } else {
            text.append('"').append(value).append('"');
        }
    }

    /** A double as {@link Double#toString(double)} writes it; NaN and the infinities as strings. */
    public void writeNumber(double value) {
        beforeValue();
        if (Double.isFinite(value)) {
            text.append(value);
        } else {
            text.append('"').append(value).append('"');
        }
    }

    /** Sends the document to the target and flushes it (the target stays open); again does nothing. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (bytes != null) {
            // Every surrogate was escaped, so the text encodes to UTF-8 without replacement.
            bytes.write(text.toString().getBytes(StandardCharsets.UTF_8));
            bytes.flush();
        } else {
            chars.append(text);
            chars.flush();
        }
    }

    private void beforeValue() {
        if (closed) {
            throw new IllegalStateException("the JSON writer is closed");
        }
        if (afterName) {
            afterName = false;
        } else if (depth == 0) {
            if (text.length() > 0) {
                throw new IllegalStateException("a JSON document has one top-level value; a second was written");
            }
        } else if (kinds[depth - 1] == '}') {
            throw new IllegalStateException("a value in an object needs its field name first");
        } else if (counts[depth - 1]++ > 0) {
            text.append(',');
        }
    }

    private void open() {
        if (depth == counts.length) {
            counts = Arrays.copyOf(counts, depth * 2);
            kinds = Arrays.copyOf(kinds, depth * 2);
        }
        counts[depth] = 0;
        kinds[depth] = text.charAt(text.length() - 1) == '{' ? '}' : ']';
        depth++;
    }

    private void close(char end) {
        if (depth == 0 || kinds[depth - 1] != end || afterName) {
            throw new IllegalStateException("cannot end with '" + end + "' here: "
                    + (depth == 0 ? "nothing is open" : afterName ? "a field name waits for its value"
                            : "the open one ends with '" + kinds[depth - 1] + "'"));
        }
        depth--;
        text.append(end);
    }

    /**
     * Appends {@code value} quoted and escaped as Jackson escapes it; with {@code escapeSurrogates}, every surrogate
     * as a six-character escape (what Jackson's UTF-8 generator writes, paired or not).
     */
    private static void appendQuoted(StringBuilder out, String value, boolean escapeSurrogates) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                switch (c) {
                    case '\b':
                        out.append("\\b");
                        break;
                    case '\t':
                        out.append("\\t");
                        break;
                    case '\n':
                        out.append("\\n");
                        break;
                    case '\f':
                        out.append("\\f");
                        break;
                    case '\r':
                        out.append("\\r");
                        break;
                    default:
                        appendUnicodeEscape(out, c);
                }
            } else if (escapeSurrogates && Character.isSurrogate(c)) {
                appendUnicodeEscape(out, c);
            } else {
                out.append(c);
            }
        }
        out.append('"');
    }

    private static void appendUnicodeEscape(StringBuilder out, char c) {
        out.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xF]).append(HEX[(c >> 4) & 0xF])
                .append(HEX[c & 0xF]);
    }
}

package lambert.base.json;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tree of a well-formed JSON document read without Jackson, for {@link Json#parse}: the first use of Jackson's
 * parser costs about 30 ms of one CPU in a fresh JVM, which a java21 function pays in its INIT (its manifest, the
 * rest of {@code tokenizer.json}, the warm-up's event). It reads strict RFC 8259 JSON into exactly the tree Jackson's
 * path builds (objects as {@link LinkedHashMap}s in document order, {@link ArrayList}s, {@link String}s, integers
 * of up to 18 digits as {@link Long}s, numbers with a fraction or an exponent as {@link Double}s by
 * {@link Double#parseDouble}, {@link Boolean}s, null) and declines everything else: any syntax error, a duplicate
 * key, a longer integer, anything near Jackson's read limits, a byte order mark. A declined document goes through
 * Jackson, whose result or error message is then the one given, so nothing Jackson refuses is accepted here.
 * {@code LeanJsonReaderTest} compares the two on valid, invalid and random documents.
 *
 * <p>The bytes must already be valid UTF-8 without NUL bytes ({@link Json#parse} checks both first).
 */
final class LeanJsonReader {
    /** What {@link #read} returns for a document it leaves to Jackson. */
    static final Object DECLINED = new Object();

    /** Deeper than this is left to Jackson (whose limit is 1,000). */
    private static final int MAX_DEPTH = 500;
    /** Longer number tokens are left to Jackson (whose limit is 1,000 characters). */
    private static final int MAX_NUMBER_CHARS = 500;
    /** Longer strings (in bytes) are left to Jackson (whose limit is 20,000,000 characters). */
    private static final int MAX_STRING_BYTES = 1_000_000;
    /** Longer field names (in bytes) are left to Jackson (whose limit is 50,000 characters). */
    private static final int MAX_NAME_BYTES = 10_000;

    private final byte[] in;
    private int pos;
    private int depth;
    private StringBuilder escaped;

    private LeanJsonReader(byte[] in) {
        this.in = in;
    }

    /** The document's tree, or {@link #DECLINED}. */
    static Object read(byte[] bytes) {
        LeanJsonReader reader = new LeanJsonReader(bytes);
        try {
            Object value = reader.value();
            reader.skipWhitespace();
            return reader.pos == bytes.length ? value : DECLINED;
        } catch (Decline e) {
            return DECLINED;
        }
    }

    private Object value() throws Decline {
        skipWhitespace();
        if (pos >= in.length) {
            throw Decline.INSTANCE;
        }
        switch (in[pos]) {
            case '{':
                return object();
            case '[':
                return array();
            case '"':
                return string(MAX_STRING_BYTES);
            case 't':
                return literal("true", Boolean.TRUE);
            case 'f':
                return literal("false", Boolean.FALSE);
            case 'n':
                return literal("null", null);
            default:
                return number();
        }
    }

    private Map<String, Object> object() throws Decline {
        enter();
        Map<String, Object> map = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            depth--;
            return map;
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') {
                throw Decline.INSTANCE;
            }
            String key = string(MAX_NAME_BYTES);
            skipWhitespace();
            expect(':');
            Object value = value();
            if (map.containsKey(key)) {
                throw Decline.INSTANCE; // Jackson names the duplicate
            }
            map.put(key, value);
            skipWhitespace();
            byte b = next();
            if (b == '}') {
                depth--;
                return map;
            }
            if (b != ',') {
                throw Decline.INSTANCE;
            }
        }
    }

    private List<Object> array() throws Decline {
        enter();
        List<Object> list = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            depth--;
            return list;
        }
        while (true) {
            list.add(value());
            skipWhitespace();
            byte b = next();
            if (b == ']') {
                depth--;
                return list;
            }
            if (b != ',') {
                throw Decline.INSTANCE;
            }
        }
    }

    private void enter() throws Decline {
        pos++;
        if (++depth > MAX_DEPTH) {
            throw Decline.INSTANCE;
        }
    }

    /** A string from the opening quote at {@code pos}: JSON's escapes; a raw control character is declined. */
    private String string(int maxBytes) throws Decline {
        int start = ++pos;
        // the common case: no escape, one String straight from the UTF-8 bytes
        while (pos < in.length) {
            byte b = in[pos];
            if (b == '"') {
                if (pos - start > maxBytes) {
                    throw Decline.INSTANCE;
                }
                pos++;
                return new String(in, start, pos - 1 - start, StandardCharsets.UTF_8);
            }
            if (b == '\\') {
                return escapedString(start, maxBytes);
            }
            if (b >= 0 && b < 0x20) {
                throw Decline.INSTANCE;
            }
            pos++;
        }
        throw Decline.INSTANCE;
    }

    private String escapedString(int start, int maxBytes) throws Decline {
        if (escaped == null) {
            escaped = new StringBuilder();
        }
        StringBuilder s = escaped;
        s.setLength(0);
        int run = start;
        while (pos < in.length) {
            byte b = in[pos];
            if (b == '"') {
                if (pos - start > maxBytes) {
                    throw Decline.INSTANCE;
                }
                s.append(new String(in, run, pos - run, StandardCharsets.UTF_8));
                pos++;
                return s.toString();
            }
            if (b >= 0 && b < 0x20) {
                throw Decline.INSTANCE;
            }
            if (b != '\\') {
                pos++;
                continue;
            }
            s.append(new String(in, run, pos - run, StandardCharsets.UTF_8));
            pos++;
            switch (next()) {
                case '"':
                    s.append('"');
                    break;
                case '\\':
                    s.append('\\');
                    break;
                case '/':
                    s.append('/');
                    break;
                case 'b':
                    s.append('\b');
                    break;
                case 'f':
                    s.append('\f');
                    break;
                case 'n':
                    s.append('\n');
                    break;
                case 'r':
                    s.append('\r');
                    break;
                case 't':
                    s.append('\t');
                    break;
                case 'u':
                    s.append((char) ((hex() << 12) | (hex() << 8) | (hex() << 4) | hex()));
                    break;
                default:
                    throw Decline.INSTANCE;
            }
            run = pos;
        }
        throw Decline.INSTANCE;
    }

    private int hex() throws Decline {
        int c = next();
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        throw Decline.INSTANCE;
    }

    /** {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?}, as a Long (up to 18 digits) or a Double. */
    private Object number() throws Decline {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        int digits = digits();
        if (digits == 0 || (digits > 1 && in[pos - digits] == '0')) {
            throw Decline.INSTANCE; // no digit, or a leading zero
        }
        boolean integer = true;
        if (peek() == '.') {
            pos++;
            if (digits() == 0) {
                throw Decline.INSTANCE;
            }
            integer = false;
        }
        if (peek() == 'e' || peek() == 'E') {
            pos++;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            if (digits() == 0) {
                throw Decline.INSTANCE;
            }
            integer = false;
        }
        if (pos - start > MAX_NUMBER_CHARS) {
            throw Decline.INSTANCE;
        }
        String token = new String(in, start, pos - start, StandardCharsets.ISO_8859_1);
        if (integer) {
            if (digits > 18) {
                throw Decline.INSTANCE; // Jackson decides between long and a big integer read as a double
            }
            return Long.parseLong(token);
        }
        return Double.parseDouble(token);
    }

    private int digits() {
        int start = pos;
        while (pos < in.length && in[pos] >= '0' && in[pos] <= '9') {
            pos++;
        }
        return pos - start;
    }

    private Object literal(String word, Object value) throws Decline {
        if (pos + word.length() > in.length) {
            throw Decline.INSTANCE;
        }
        for (int i = 0; i < word.length(); i++) {
            if (in[pos + i] != word.charAt(i)) {
                throw Decline.INSTANCE;
            }
        }
        pos += word.length();
        // "truex" or "nullnull" are errors (Jackson says so)
        if (pos < in.length && isWordByte(in[pos])) {
            throw Decline.INSTANCE;
        }
        return value;
    }

    private static boolean isWordByte(byte b) {
        return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || b == '_' || b < 0;
    }

    private void skipWhitespace() {
        while (pos < in.length) {
            byte b = in[pos];
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return;
            }
            pos++;
        }
    }

    private void expect(char c) throws Decline {
        if (next() != c) {
            throw Decline.INSTANCE;
        }
    }

    private byte peek() {
        return pos < in.length ? in[pos] : 0;
    }

    private byte next() throws Decline {
        if (pos >= in.length) {
            throw Decline.INSTANCE;
        }
        return in[pos++];
    }

    /** The document is left to Jackson; one shared instance, without a stack trace. */
    private static final class Decline extends Exception {
        private static final long serialVersionUID = 1L;
        static final Decline INSTANCE = new Decline();

        private Decline() {
            super(null, null, false, false);
        }
    }
}

package lambert.base.json;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON in and out. {@link #parse} builds a plain tree of {@link Map}, {@link List}, {@link String}, {@link Long} or
 * {@link Double}, {@link Boolean} and {@code null}; duplicate keys are refused. A well-formed document is read
 * without Jackson ({@link LeanJsonReader}), anything else by Jackson's streaming core (no data binding), whose result
 * or error is then the one given; the generators are Jackson's, for the toolkit and the command line, while what a
 * function writes goes through {@link JsonWriter}. Jackson stays unloaded until it is needed: its first use costs
 * about 30 ms of one CPU, which a java21 function would pay in its INIT.
 *
 * <pre>{@code
 * Object tree = Json.parse("{\"text\": \"hi\"}".getBytes(StandardCharsets.UTF_8));
 * }</pre>
 */
public final class Json {
    private Json() {}

    /** Jackson's factory, made on first use: well-formed documents and the function's own output need none. */
    private static final class Jackson {
        static final JsonFactory FACTORY = JsonFactory.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
    }

    /**
     * Parses one JSON document, which must be UTF-8 (checked strictly first, see {@link Utf8}); trailing content
     * after it is an error. The exception's message completes a sentence about the input: "the request is " +
     * message, such as "not valid UTF-8 at byte 7 (...)" or "not valid JSON at line 1, column 9: unexpected '1':
     * expected ':' after a field name".
     */
    public static Object parse(byte[] bytes) throws JsonException {
        Utf8.Problem encoding = Utf8.check(bytes);
        if (encoding != null) {
            throw new JsonException("not valid UTF-8 " + encoding, null);
        }
        for (int i = 0; i < bytes.length; i++) {
            // Jackson would take NUL bytes near the start for UTF-16 or UTF-32 text; JSON has no NUL anywhere.
            if (bytes[i] == 0) {
                throw new JsonException("not valid JSON at byte " + i + ": a NUL character (JSON text has none, not even"
                        + " inside strings, where it is written \\u0000)", null);
            }
        }
        // Well-formed documents are read without Jackson (LeanJsonReader); it reads the rest, so that its result or
        // its message is the one given.
        Object lean = LeanJsonReader.read(bytes);
        return lean != LeanJsonReader.DECLINED ? lean : parseWithJackson(bytes);
    }

    /** {@link #parse}'s reading by Jackson alone, after its UTF-8 and NUL checks (tests compare the two readers). */
    static Object parseWithJackson(byte[] bytes) throws JsonException {
        JsonParser parser;
        try {
            parser = Jackson.FACTORY.createParser(bytes);
        } catch (IOException e) {
            throw new JsonException("not valid JSON: " + e.getMessage(), e);
        }
        try (parser) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new JsonException("not valid JSON: it is empty (nothing but whitespace)", null);
            }
            Object value = read(parser, first);
            JsonToken extra = parser.nextToken();
            if (extra != null) {
                throw new JsonException("not valid JSON at " + where(parser.currentTokenLocation())
                        + ": more follows the first value", null);
            }
            return value;
        } catch (JsonProcessingException e) {
            throw new JsonException("not valid JSON at " + where(e.getLocation() != null ? e.getLocation()
                    : parser.currentTokenLocation()) + ": " + problem(e), e);
        } catch (IOException e) {
            // Reading from memory cannot fail for I/O reasons; kept for the checked exception's sake.
            throw new JsonException("not valid JSON: " + e.getMessage(), e);
        }
    }

    /**
     * What is wrong, in lambert's words, for an exception from Jackson's parser (without its position): the
     * offending character, token or field and what was expected there, never Jackson's option or class names.
     */
    public static String problem(JsonProcessingException e) {
        return JacksonMessages.translate(e.getOriginalMessage());
    }

    private static Object read(JsonParser parser, JsonToken token) throws IOException, JsonException {
        switch (token) {
            case START_OBJECT: {
                Map<String, Object> map = new LinkedHashMap<>();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
                    String key = parser.currentName();
                    map.put(key, read(parser, parser.nextToken()));
                }
                return map;
            }
            case START_ARRAY: {
                List<Object> list = new ArrayList<>();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
                    list.add(read(parser, t));
                }
                return list;
            }
            case VALUE_STRING:
                return parser.getText();
            case VALUE_NUMBER_INT:
                if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                    return parser.getDoubleValue();
                }
                return parser.getLongValue();
            case VALUE_NUMBER_FLOAT:
                return parser.getDoubleValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw new JsonException("not valid JSON at " + where(parser.currentLocation()) + ": unexpected token "
                        + token, null);
        }
    }

    /** A generator writing UTF-8 to {@code out}; the caller closes it. */
    public static JsonGenerator generator(OutputStream out) {
        try {
            return Jackson.FACTORY.createGenerator(out, JsonEncoding.UTF8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a JSON generator", e);
        }
    }

    /** A generator writing characters to {@code out}; closing the generator leaves {@code out} open. */
    public static JsonGenerator generator(Writer out) {
        try {
            return Jackson.FACTORY.createGenerator(out).disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a JSON generator", e);
        }
    }

    /** {@code text} as a JSON string literal, quotes included, escaped as the character generator escapes it. */
    public static String quote(String text) {
        return JsonWriter.quote(text);
    }

    /** The JSON type name of a parsed value, for error messages ("found number"). */
    public static String typeName(Object value) {
        if (value == null) {
            return "null";
        } else if (value instanceof String) {
            return "string";
        } else if (value instanceof Number) {
            return "number";
        } else if (value instanceof Boolean) {
            return "boolean";
        } else if (value instanceof List) {
            return "array";
        } else {
            return "object";
        }
    }

    /** "line L, column C" of a parser location. */
    public static String where(JsonLocation location) {
        if (location == null) {
            return "an unknown position";
        }
        return "line " + location.getLineNr() + ", column " + location.getColumnNr();
    }
}

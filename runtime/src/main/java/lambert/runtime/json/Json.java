package lambert.runtime.json;

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
 * JSON in and out on the Jackson streaming core alone (no data binding: it is the lightest
 * Jackson layer to load at cold start). {@link #parse} builds a plain tree of {@link Map},
 * {@link List}, {@link String}, {@link Long} or {@link Double}, {@link Boolean} and {@code null};
 * duplicate keys are refused.
 *
 * <pre>{@code
 * Object tree = Json.parse("{\"text\": \"hi\"}".getBytes(StandardCharsets.UTF_8));
 * }</pre>
 */
public final class Json {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private Json() {}

    /** Parses one JSON document; trailing content after it is an error. */
    public static Object parse(byte[] bytes) throws JsonException {
        try (JsonParser parser = FACTORY.createParser(bytes)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new JsonException("expected a JSON document, found nothing", null);
            }
            Object value = read(parser, first);
            JsonToken extra = parser.nextToken();
            if (extra != null) {
                throw new JsonException("expected the end of the document after the first value, found more at "
                        + where(parser.currentLocation()), null);
            }
            return value;
        } catch (JsonProcessingException e) {
            throw new JsonException(e.getOriginalMessage() + " at " + where(e.getLocation()), e);
        } catch (IOException e) {
            // Reading from memory cannot fail for I/O reasons: what remains is the content, such as bytes that
            // Jackson's encoding detection takes for UTF-32 and that end mid-character (found by HandlerFuzzTest).
            throw new JsonException("the bytes are not JSON text in UTF-8: " + e.getMessage(), e);
        }
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
                throw new JsonException("unexpected token " + token + " at " + where(parser.currentLocation()), null);
        }
    }

    /** A generator writing UTF-8 to {@code out}; the caller closes it. */
    public static JsonGenerator generator(OutputStream out) {
        try {
            return FACTORY.createGenerator(out, JsonEncoding.UTF8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a JSON generator", e);
        }
    }

    /** A generator writing characters to {@code out}; closing the generator leaves {@code out} open. */
    public static JsonGenerator generator(Writer out) {
        try {
            return FACTORY.createGenerator(out).disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a JSON generator", e);
        }
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

    private static String where(JsonLocation location) {
        if (location == null) {
            return "an unknown position";
        }
        return "line " + location.getLineNr() + ", column " + location.getColumnNr();
    }
}

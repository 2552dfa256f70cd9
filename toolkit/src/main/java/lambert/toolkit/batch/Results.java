package lambert.toolkit.batch;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lambert.base.json.Json;
import lambert.base.json.JsonException;

/** Reading the function's answer to {@code {"texts": [...]}} and writing each result as an output line. */
final class Results {
    private Results() {}

    /**
     * One text's result.
     *
     * @param vector the embedding (decoded from base64 or read from a float list), or null for other tasks
     * @param fields the result's other fields ({@code labels}, {@code entities}, {@code tokens}, {@code truncated})
     */
    record Result(float[] vector, Map<String, Object> fields) {}

    /**
     * The {@code results} of an answer to {@code count} texts.
     *
     * @throws IllegalArgumentException if the answer is not the contract's (its message says what was found)
     */
    static List<Result> parse(byte[] body, int count, int dimensions) {
        Object value;
        try {
            value = Json.parse(body);
        } catch (JsonException e) {
            throw new IllegalArgumentException("the answer is " + e.getMessage());
        }
        if (!(value instanceof Map<?, ?> answer) || !(answer.get("results") instanceof List<?> results)) {
            throw new IllegalArgumentException("the answer has no \"results\" list");
        }
        if (results.size() != count) {
            throw new IllegalArgumentException("the answer has " + results.size() + " results for " + count + " texts");
        }
        return results.stream().map(r -> result(r, dimensions)).toList();
    }

    private static Result result(Object value, int dimensions) {
        if (!(value instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("a result is a JSON " + Json.typeName(value) + ", expected an object");
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        map.forEach((k, v) -> fields.put((String) k, v));
        Object e = fields.remove("embedding");
        float[] vector = null;
        if (e instanceof String s) {
            ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(s)).order(ByteOrder.LITTLE_ENDIAN);
            vector = new float[bytes.remaining() / Float.BYTES];
            bytes.asFloatBuffer().get(vector);
        } else if (e instanceof List<?> list) {
            vector = new float[list.size()];
            for (int i = 0; i < vector.length; i++) {
                vector[i] = ((Number) list.get(i)).floatValue();
            }
        }
        if (vector != null && dimensions > 0 && vector.length != dimensions) {
            throw new IllegalArgumentException("an embedding has " + vector.length + " dimensions, expected "
                    + dimensions);
        }
        return new Result(vector, fields);
    }

    /** One output line: {@code {"id": ..., "line": N, "embedding": [...], ...the result's other fields}}. */
    static void write(JsonGenerator g, InputRecord record, Result result) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", record.id());
        g.writeNumberField("line", record.line());
        if (result.vector() != null) {
            g.writeArrayFieldStart("embedding");
            for (float x : result.vector()) {
                g.writeNumber(x);
            }
            g.writeEndArray();
        }
        for (Map.Entry<String, Object> f : result.fields().entrySet()) {
            g.writeFieldName(f.getKey());
            value(g, f.getValue());
        }
        g.writeEndObject();
    }

    /** One rejects line: {@code {"id": ..., "line": N, "reason": "...", "text": "..."}}. */
    static void writeRejected(JsonGenerator g, InputRecord record, String reason) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", record.id());
        g.writeNumberField("line", record.line());
        g.writeStringField("reason", reason);
        if (record.text() != null) {
            g.writeStringField("text", record.text());
        }
        g.writeEndObject();
    }

    private static void value(JsonGenerator g, Object v) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof String s) {
            g.writeString(s);
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof Long l) {
            g.writeNumber(l);
        } else if (v instanceof Double d) {
            g.writeNumber(d);
        } else if (v instanceof List<?> list) {
            g.writeStartArray();
            for (Object o : list) {
                value(g, o);
            }
            g.writeEndArray();
        } else {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                g.writeFieldName((String) e.getKey());
                value(g, e.getValue());
            }
            g.writeEndObject();
        }
    }
}

package lambert.base.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link JsonWriter} against Jackson's generators (the independent reference, which lambert wrote with before): the
 * same calls give the same bytes over a stream and the same characters over a writer, for random documents whose
 * strings hold every class of character Jackson escapes differently and whose numbers include NaN, the infinities,
 * -0.0 and the extremes.
 */
class JsonWriterTest {
    private static final JsonFactory JACKSON = new JsonFactory();
    private static final String PALETTE =
            "ab zé中\"\\/\b\f\n\r\t\u0000\u0001\u001f\u007f\u2028\ud83d\ude00\ud800\udc00";

    @Test
    void write_givesJacksonsBytesAndCharacters() throws IOException {
        Random random = new Random(20261201);
        for (int i = 0; i < 2000; i++) {
            List<Object[]> calls = randomCalls(random);
            ByteArrayOutputStream ours = new ByteArrayOutputStream();
            try (JsonWriter w = JsonWriter.to(ours)) {
                replay(calls, w, null);
            }
            ByteArrayOutputStream theirs = new ByteArrayOutputStream();
            try (JsonGenerator g = JACKSON.createGenerator(theirs, JsonEncoding.UTF8)) {
                replay(calls, null, g);
            }
            assertThat(ours.toByteArray()).as(theirs.toString(java.nio.charset.StandardCharsets.UTF_8))
                    .isEqualTo(theirs.toByteArray());
            StringWriter ourChars = new StringWriter();
            try (JsonWriter w = JsonWriter.to(ourChars)) {
                replay(calls, w, null);
            }
            StringWriter theirChars = new StringWriter();
            try (JsonGenerator g = JACKSON.createGenerator(theirChars)) {
                replay(calls, null, g);
            }
            assertThat(ourChars.toString()).isEqualTo(theirChars.toString());
        }
    }

    @Test
    void quote_isJacksonsCharacterGeneratorsString() throws IOException {
        for (int i = 0; i < PALETTE.length(); i++) {
            String s = "x" + PALETTE.charAt(i) + "y";
            StringWriter theirs = new StringWriter();
            try (JsonGenerator g = JACKSON.createGenerator(theirs)) {
                g.writeString(s);
            }
            assertThat(JsonWriter.quote(s)).isEqualTo(theirs.toString());
        }
    }

    @Test
    void write_misplacedCallsAreRefusedWithWhatWasExpected() throws IOException {
        try (JsonWriter w = JsonWriter.to(new StringWriter())) {
            w.writeStartArray();
            assertThatThrownBy(() -> w.writeFieldName("a")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("outside any object");
            assertThatThrownBy(w::writeEndObject).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("the open one ends with ']'");
            w.writeEndArray();
            assertThatThrownBy(() -> w.writeNumber(1)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("one top-level value");
        }
        try (JsonWriter w = JsonWriter.to(new StringWriter())) {
            w.writeStartObject();
            assertThatThrownBy(() -> w.writeString("v")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("needs its field name first");
            w.writeFieldName("k");
            assertThatThrownBy(w::writeEndObject).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("a field name waits for its value");
        }
        JsonWriter closed = JsonWriter.to(new StringWriter());
        closed.close();
        assertThatThrownBy(closed::writeStartObject).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    /** A random, well-formed sequence of calls: {method name, argument...}. */
    private static List<Object[]> randomCalls(Random random) {
        List<Object[]> calls = new ArrayList<>();
        if (random.nextBoolean()) {
            calls.add(new Object[] {"writeStartObject"});
            fields(random, calls, 0);
            calls.add(new Object[] {"writeEndObject"});
        } else {
            calls.add(new Object[] {"writeStartArray"});
            values(random, calls, 0);
            calls.add(new Object[] {"writeEndArray"});
        }
        return calls;
    }

    private static void fields(Random random, List<Object[]> calls, int depth) {
        for (int i = random.nextInt(6); i > 0; i--) {
            String name = randomString(random);
            switch (depth > 3 ? 2 + random.nextInt(7) : random.nextInt(9)) {
                case 0 -> {
                    calls.add(new Object[] {"writeObjectFieldStart", name});
                    fields(random, calls, depth + 1);
                    calls.add(new Object[] {"writeEndObject"});
                }
                case 1 -> {
                    calls.add(new Object[] {"writeArrayFieldStart", name});
                    values(random, calls, depth + 1);
                    calls.add(new Object[] {"writeEndArray"});
                }
                case 2 -> calls.add(new Object[] {"writeStringField", name,
                        random.nextInt(8) == 0 ? null : randomString(random)});
                case 3 -> calls.add(new Object[] {"writeNumberField", name, random.nextInt()});
                case 4 -> calls.add(new Object[] {"writeNumberField", name, random.nextLong()});
                case 5 -> calls.add(new Object[] {"writeNumberField", name, randomFloat(random)});
                case 6 -> calls.add(new Object[] {"writeNumberField", name, randomDouble(random)});
                case 7 -> calls.add(new Object[] {"writeBooleanField", name, random.nextBoolean()});
                default -> {
                    calls.add(new Object[] {"writeFieldName", name});
                    calls.add(new Object[] {"writeString", randomString(random)});
                }
            }
        }
    }

    private static void values(Random random, List<Object[]> calls, int depth) {
        for (int i = random.nextInt(6); i > 0; i--) {
            switch (depth > 3 ? 2 + random.nextInt(5) : random.nextInt(7)) {
                case 0 -> {
                    calls.add(new Object[] {"writeStartObject"});
                    fields(random, calls, depth + 1);
                    calls.add(new Object[] {"writeEndObject"});
                }
                case 1 -> {
                    calls.add(new Object[] {"writeStartArray"});
                    values(random, calls, depth + 1);
                    calls.add(new Object[] {"writeEndArray"});
                }
                case 2 -> calls.add(new Object[] {"writeString", random.nextInt(8) == 0 ? null : randomString(random)});
                case 3 -> calls.add(new Object[] {"writeNumber", random.nextInt()});
                case 4 -> calls.add(new Object[] {"writeNumber", random.nextLong()});
                case 5 -> calls.add(new Object[] {"writeNumber", randomFloat(random)});
                default -> calls.add(new Object[] {"writeNumber", randomDouble(random)});
            }
        }
    }

    private static float randomFloat(Random random) {
        float[] special = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0.0f, 0f, Float.MIN_VALUE,
            Float.MAX_VALUE, 1e-7f, 0.1f};
        return random.nextInt(4) == 0 ? special[random.nextInt(special.length)]
                : (float) (random.nextGaussian() * Math.pow(10, random.nextInt(20) - 10));
    }

    private static double randomDouble(Random random) {
        double[] special = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 0, Double.MIN_VALUE,
            Double.MAX_VALUE, 1e-7, 0.1};
        return random.nextInt(4) == 0 ? special[random.nextInt(special.length)]
                : random.nextGaussian() * Math.pow(10, random.nextInt(40) - 20);
    }

    private static String randomString(Random random) {
        StringBuilder s = new StringBuilder();
        for (int i = random.nextInt(8); i > 0; i--) {
            s.append(PALETTE.charAt(random.nextInt(PALETTE.length())));
        }
        return s.toString();
    }

    private static void replay(List<Object[]> calls, JsonWriter w, JsonGenerator g) throws IOException {
        for (Object[] c : calls) {
            String method = (String) c[0];
            switch (method) {
                case "writeStartObject" -> {
                    if (w != null) w.writeStartObject(); else g.writeStartObject();
                }
                case "writeEndObject" -> {
                    if (w != null) w.writeEndObject(); else g.writeEndObject();
                }
                case "writeStartArray" -> {
                    if (w != null) w.writeStartArray(); else g.writeStartArray();
                }
                case "writeEndArray" -> {
                    if (w != null) w.writeEndArray(); else g.writeEndArray();
                }
                case "writeObjectFieldStart" -> {
                    if (w != null) w.writeObjectFieldStart((String) c[1]); else g.writeObjectFieldStart((String) c[1]);
                }
                case "writeArrayFieldStart" -> {
                    if (w != null) w.writeArrayFieldStart((String) c[1]); else g.writeArrayFieldStart((String) c[1]);
                }
                case "writeFieldName" -> {
                    if (w != null) w.writeFieldName((String) c[1]); else g.writeFieldName((String) c[1]);
                }
                case "writeStringField" -> {
                    if (w != null) w.writeStringField((String) c[1], (String) c[2]);
                    else g.writeStringField((String) c[1], (String) c[2]);
                }
                case "writeBooleanField" -> {
                    if (w != null) w.writeBooleanField((String) c[1], (Boolean) c[2]);
                    else g.writeBooleanField((String) c[1], (Boolean) c[2]);
                }
                case "writeString" -> {
                    if (w != null) w.writeString((String) c[1]); else g.writeString((String) c[1]);
                }
                case "writeNumberField" -> numberField(c[1].toString(), c[2], w, g);
                case "writeNumber" -> number(c[1], w, g);
                default -> throw new IllegalArgumentException(method);
            }
        }
    }

    private static void numberField(String name, Object n, JsonWriter w, JsonGenerator g) throws IOException {
        if (g != null) {
            g.writeFieldName(name);
            number(n, null, g);
        } else if (n instanceof Integer i) {
            w.writeNumberField(name, i);
        } else if (n instanceof Long l) {
            w.writeNumberField(name, l);
        } else if (n instanceof Float f) {
            w.writeNumberField(name, f);
        } else {
            w.writeNumberField(name, (Double) n);
        }
    }

    private static void number(Object n, JsonWriter w, JsonGenerator g) throws IOException {
        if (n instanceof Integer i) {
            if (w != null) w.writeNumber(i); else g.writeNumber(i);
        } else if (n instanceof Long l) {
            if (w != null) w.writeNumber(l); else g.writeNumber(l);
        } else if (n instanceof Float f) {
            if (w != null) w.writeNumber(f); else g.writeNumber(f);
        } else {
            double d = (Double) n;
            if (w != null) w.writeNumber(d); else g.writeNumber(d);
        }
    }
}

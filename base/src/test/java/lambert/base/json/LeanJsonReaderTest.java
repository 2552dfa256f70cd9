package lambert.base.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link LeanJsonReader} against Jackson's reading ({@link Json#parseWithJackson}, the independent reference): on
 * every document it reads, exactly Jackson's tree (types, values, key order, -0.0); on every document Jackson refuses,
 * a decline, so that Jackson's message is the one given.
 */
class LeanJsonReaderTest {
    @Test
    void read_wellFormedDocumentsGiveJacksonsTree() throws Exception {
        List<String> documents = List.of(
                "{\"text\": \"Hey, how are you?\"}",
                "{\"texts\":[\"a\",\"b\"],\"parameters\":{\"top_k\":2,\"truncation\":true,\"x\":null}}",
                " \t\r\n[ 1 , -0 , 0 , -1.5e+3 , 1E-5 , 2e5 , 0.1 , -0.0 , 123456789012345678 , -123456789012345678 ] ",
                "[1e400, -1e400, 1e-400, 4.9e-324, 1.7976931348623157e308, 3.141592653589793238462643383279]",
                "\"escapes \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\u00E9 \\ud83d\\ude00 \\ud800 alone \\udc00\"",
                "\"raw é 😀 中文 \u2028 \u007f\"",
                "{\"\":\"\",\"a\":{},\"b\":[],\"c\":[[]],\"d\":[{}],\"z\":\"last\",\"m\":\"middle\"}",
                "true", "false", "null", "0", "-7", "\"\"",
                "{\"nested\":" + "[".repeat(100) + "1" + "]".repeat(100) + "}");
        for (String document : documents) {
            byte[] bytes = document.getBytes(StandardCharsets.UTF_8);
            Object lean = LeanJsonReader.read(bytes);
            assertThat(lean).as(document).isNotSameAs(LeanJsonReader.DECLINED);
            assertThat(describe(lean)).as(document).isEqualTo(describe(Json.parseWithJackson(bytes)));
        }
    }

    @Test
    void read_declinesWhatJacksonRefuses() {
        List<String> documents = List.of("", " ", "{", "}", "[1,]", "{\"a\":1,}", "01", "-01", "1.", ".5", "+1", "-",
                "1e", "1e+", "NaN", "Infinity", "'a'", "{\"a\" 1}", "{a:1}", "tru", "truex", "nul", "[1 2]", "1 2",
                "\"a\u0001\"", "\"tab\there\"", "\"\\x\"", "\"\\u12G4\"", "\"\\u12\"", "\"unterminated",
                "{\"a\":1,\"a\":2}", "\uFEFF{}", "// comment\n{}", "[1]x", "{\"a\":1}}", "[\"a\"]]");
        for (String document : documents) {
            byte[] bytes = document.getBytes(StandardCharsets.UTF_8);
            assertThat(LeanJsonReader.read(bytes)).as(document).isSameAs(LeanJsonReader.DECLINED);
            assertThat(jacksonRefuses(bytes) || document.startsWith("\uFEFF")).as(document).isTrue();
        }
    }

    @Test
    void read_leavesNearJacksonsLimitsAndUnsureNumbersToIt() throws Exception {
        List<String> documents = List.of("1234567890123456789", "-9223372036854775808", "92233720368547758070",
                "[".repeat(600) + "]".repeat(600), "1" + "0".repeat(600) + ".5");
        for (String document : documents) {
            byte[] bytes = document.getBytes(StandardCharsets.UTF_8);
            assertThat(LeanJsonReader.read(bytes)).as(document).isSameAs(LeanJsonReader.DECLINED);
        }
        // what Jackson makes of them is then the answer: a long, a big integer as a double, the nesting
        assertThat(Json.parse("-9223372036854775808".getBytes(StandardCharsets.UTF_8))).isEqualTo(Long.MIN_VALUE);
        assertThat(Json.parse("92233720368547758070".getBytes(StandardCharsets.UTF_8))).isEqualTo(9.223372036854776E19);
    }

    /**
     * Random trees written by Jackson with random spacing, and the same documents with a byte deleted, inserted or
     * replaced: whatever the lean reader returns is Jackson's tree, and it declines whatever Jackson refuses.
     */
    @Test
    void read_randomAndDamagedDocumentsAgreeWithJackson() throws Exception {
        Random random = new Random(20261201);
        byte[] noise = " \t\n{}[]:,\"\\0123456789-+.eEtrufalsn/u".getBytes(StandardCharsets.US_ASCII);
        int read = 0;
        int declined = 0;
        for (int i = 0; i < 3000; i++) {
            byte[] document = randomDocument(random);
            for (int variant = 0; variant < 3; variant++) {
                byte[] bytes = variant == 0 ? document : damaged(document, random, noise);
                if (Utf8.check(bytes) != null || contains(bytes, (byte) 0)) {
                    continue;
                }
                Object lean = LeanJsonReader.read(bytes);
                String text = new String(bytes, StandardCharsets.UTF_8);
                if (jacksonRefuses(bytes)) {
                    assertThat(lean).as(text).isSameAs(LeanJsonReader.DECLINED);
                    declined++;
                } else if (lean != LeanJsonReader.DECLINED) {
                    assertThat(describe(lean)).as(text).isEqualTo(describe(Json.parseWithJackson(bytes)));
                    read++;
                }
            }
        }
        assertThat(read).as("documents read").isGreaterThan(3000);
        assertThat(declined).as("damaged documents refused").isGreaterThan(1000);
    }

    private static boolean jacksonRefuses(byte[] bytes) {
        try {
            Json.parseWithJackson(bytes);
            return false;
        } catch (JsonException e) {
            return true;
        }
    }

    /** The tree with every value's type and every object's key order, so that equal means the same tree. */
    private static String describe(Object value) {
        StringBuilder s = new StringBuilder();
        describe(value, s);
        return s.toString();
    }

    private static void describe(Object value, StringBuilder s) {
        if (value instanceof Map<?, ?> map) {
            s.append(map.getClass().getSimpleName()).append('{');
            for (Map.Entry<?, ?> e : map.entrySet()) {
                s.append(e.getKey()).append('=');
                describe(e.getValue(), s);
                s.append(';');
            }
            s.append('}');
        } else if (value instanceof List<?> list) {
            s.append(list.getClass().getSimpleName()).append('[');
            for (Object v : list) {
                describe(v, s);
                s.append(';');
            }
            s.append(']');
        } else {
            s.append(value == null ? "null" : value.getClass().getSimpleName() + ":" + value);
        }
    }

    private static byte[] randomDocument(Random random) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
            if (random.nextInt(3) == 0) {
                g.useDefaultPrettyPrinter();
            }
            writeRandom(g, random, 0);
        }
        return out.toByteArray();
    }

    private static void writeRandom(JsonGenerator g, Random random, int depth) throws IOException {
        int kind = depth > 4 ? 2 + random.nextInt(6) : random.nextInt(8);
        switch (kind) {
            case 0 -> {
                g.writeStartObject();
                int n = random.nextInt(5);
                List<String> names = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    String name = randomString(random) + i; // distinct names: duplicates are refused
                    names.add(name);
                    g.writeFieldName(name);
                    writeRandom(g, random, depth + 1);
                }
                g.writeEndObject();
            }
            case 1 -> {
                g.writeStartArray();
                for (int i = random.nextInt(5); i > 0; i--) {
                    writeRandom(g, random, depth + 1);
                }
                g.writeEndArray();
            }
            case 2, 3 -> g.writeString(randomString(random));
            case 4 -> g.writeNumber(random.nextInt(3) == 0 ? random.nextLong() : random.nextInt(2000) - 1000);
            case 5 -> g.writeNumber(random.nextBoolean() ? random.nextGaussian() * Math.pow(10, random.nextInt(40) - 20)
                    : random.nextFloat());
            case 6 -> g.writeBoolean(random.nextBoolean());
            default -> g.writeNull();
        }
    }

    private static String randomString(Random random) {
        String palette = "ab zé中😀\"\\/\b\f\n\r\t\u0001\u001f\u007f\u2028";
        StringBuilder s = new StringBuilder();
        for (int i = random.nextInt(8); i > 0; i--) {
            int at = random.nextInt(palette.length());
            char c = palette.charAt(at);
            if (Character.isHighSurrogate(c)) {
                s.append(c).append(palette.charAt(at + 1));
            } else if (!Character.isLowSurrogate(c)) {
                s.append(c);
            }
        }
        return s.toString();
    }

    private static byte[] damaged(byte[] document, Random random, byte[] noise) {
        if (document.length == 0) {
            return document;
        }
        int at = random.nextInt(document.length);
        byte[] out;
        switch (random.nextInt(3)) {
            case 0 -> {
                out = new byte[document.length - 1];
                System.arraycopy(document, 0, out, 0, at);
                System.arraycopy(document, at + 1, out, at, document.length - at - 1);
            }
            case 1 -> {
                out = new byte[document.length + 1];
                System.arraycopy(document, 0, out, 0, at);
                out[at] = noise[random.nextInt(noise.length)];
                System.arraycopy(document, at, out, at + 1, document.length - at);
            }
            default -> {
                out = document.clone();
                out[at] = noise[random.nextInt(noise.length)];
            }
        }
        return out;
    }

    private static boolean contains(byte[] bytes, byte b) {
        for (byte x : bytes) {
            if (x == b) {
                return true;
            }
        }
        return false;
    }
}

package lambert.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lambert.base.json.Json;
import lambert.runtime.testing.TinyModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The handler on arbitrary input: raw bytes as a direct invocation, contract requests built from fuzzed
 * fields, and fuzzed bodies (plain or base64, valid or not, or not a string at all), methods and headers inside the
 * real event shapes of API Gateway REST (v1), HTTP API (v2), function URLs, ALB (with and without multi-value
 * headers) and VPC Lattice (V1 and V2).
 *
 * <p>Every input must give a well-formed answer: a JSON response whose status is 200, 400, 405 or 413 (HTTP
 * events; the body JSON too) or a JSON body (direct); every error carries {@code errorType} and
 * {@code errorMessage} (and {@code field}, a string, when one field is at fault); one JSON log line per call; no exception escapes (a healthy model never
 * produces a 500 or {@link ModelFailedException}). The response is bounded by its input: at most 16 KiB + 3 x
 * the event's bytes + 2 KiB per text allowed (error messages quote at most the offending field's value once;
 * each answered text adds a bounded prediction).
 *
 * <p>The model is the tiny generated classifier (real BERT tokenizer, an 8-wide embedding table), so each
 * execution costs microseconds of inference. The kept inputs (raw events, their last byte 0 picking the raw-bytes
 * shape) include the malformed events of issue 18, which {@code HandlerTest} also checks message by message.
 * {@code ./mvnw verify} fuzzes it for a few seconds; longer:
 * {@code ./mvnw -pl lambda -am test -Dtest=HandlerFuzzTest -Dfuzz.duration=10m -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class HandlerFuzzTest {
    private static final int MAX_TEXTS = 8;
    private static final int MAX_INPUT_BYTES = 4096;
    private static final List<String> EVENTS = List.of("apigw-rest.json", "apigw-http.json", "function-url.json",
            "alb.json", "vpc-lattice-v1.json", "vpc-lattice-v2.json");
    private static final List<String> METHODS = List.of("POST", "GET", "PUT", "post", "DELETE", "");

    private static Path dir;
    private static Handler handler;
    private static PrintStream stdout;
    private static final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    private static final List<Map<String, Object>> templates = new ArrayList<>();

    @BeforeAll
    static void load() throws Exception {
        dir = Files.createTempDirectory("lambert-handler-fuzz");
        TinyModels tiny = TinyModels.classifier(dir.resolve("tiny"), 30522, List.of("negative", "positive"), false, 7);
        stdout = System.out;
        System.setOut(new PrintStream(logged, true, StandardCharsets.UTF_8));
        handler = new Handler(Settings.from(Map.of("LAMBERT_MODEL_DIR", tiny.bundle().dir().toString(),
                "LAMBERT_MAX_TEXTS", String.valueOf(MAX_TEXTS), "LAMBERT_MAX_INPUT_BYTES",
                String.valueOf(MAX_INPUT_BYTES))), null);
        for (String name : EVENTS) {
            try (InputStream in = HandlerFuzzTest.class.getResourceAsStream("/events/" + name)) {
                @SuppressWarnings("unchecked")
                Map<String, Object> event = (Map<String, Object>) Json.parse(in.readAllBytes());
                templates.add(event);
            }
        }
    }

    @AfterAll
    static void close() throws IOException {
        System.setOut(stdout);
        handler.model().close();
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @FuzzTest(maxDuration = "4s")
    void handleRequest_anyEventGetsAWellFormedBoundedAnswer(FuzzedDataProvider data) throws Exception {
        int shape = data.consumeInt(0, 2 + EVENTS.size());
        byte[] event;
        if (shape == 0) {
            event = data.consumeRemainingAsBytes();
        } else if (shape == 1) {
            event = json(request(data));
        } else {
            event = json(httpEvent(data, shape - 2));
        }
        logged.reset();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event), out, new TestContext("fuzz-request"));
        byte[] response = out.toByteArray();

        assertThat((long) response.length)
                .as("response size for an event of %d bytes", event.length)
                .isLessThanOrEqualTo(16 * 1024 + 3L * event.length + 2048L * MAX_TEXTS);
        Object parsed = Json.parse(response);
        Map<?, ?> answer = (Map<?, ?>) parsed;
        if (answer.containsKey("statusCode")) {
            long status = (Long) answer.get("statusCode");
            assertThat(status).isIn(200L, 400L, 405L, 413L);
            Map<?, ?> body = (Map<?, ?>) Json.parse(((String) answer.get("body")).getBytes(StandardCharsets.UTF_8));
            if (status != 200) {
                assertErrorShape(body);
            }
        } else if (answer.containsKey("errorType")) {
            assertErrorShape(answer);
            assertThat(answer.get("errorType")).isNotEqualTo("InternalError");
        }
        String log = logged.toString(StandardCharsets.UTF_8);
        assertThat(log.lines()).hasSize(1);
        assertThat(Json.parse(log.strip().getBytes(StandardCharsets.UTF_8))).isInstanceOf(Map.class);
    }

    private static void assertErrorShape(Map<?, ?> body) {
        assertThat(List.copyOf(body.keySet())).asList().contains("errorType", "errorMessage");
        if (body.containsKey("field")) {
            assertThat(body.get("field")).isInstanceOf(String.class);
        }
        assertThat(body.get("errorType")).isInstanceOf(String.class);
        assertThat((String) body.get("errorMessage")).isNotBlank();
    }

    /** A contract request from fuzzed fields: some valid, some of the wrong type, some unknown. */
    private static Object request(FuzzedDataProvider data) {
        Map<String, Object> request = new LinkedHashMap<>();
        int fields = data.consumeInt(0, 4);
        for (int i = 0; i < fields; i++) {
            String key = data.pickValue(new String[] {"text", "texts", "inputs", "parameters", "encoding", "options",
                "txt"});
            request.put(key, value(data, key, 0));
        }
        return request;
    }

    private static Object value(FuzzedDataProvider data, String key, int depth) {
        int kind = data.consumeInt(0, depth > 2 ? 5 : 8);
        switch (kind) {
            case 0:
                return data.consumeString(200);
            case 1:
                return data.consumeLong();
            case 2:
                return data.consumeBoolean();
            case 3:
                return null;
            case 4:
                return data.consumeDouble();
            case 5:
                return data.pickValue(new String[] {"float", "base64", "simple", "first", "none", "", " "});
            case 6: {
                List<Object> list = new ArrayList<>();
                int n = data.consumeInt(0, MAX_TEXTS + 2);
                for (int i = 0; i < n; i++) {
                    list.add(data.consumeBoolean() ? data.consumeString(100) : value(data, key, depth + 1));
                }
                return list;
            }
            default: {
                Map<String, Object> map = new LinkedHashMap<>();
                int n = data.consumeInt(0, 3);
                for (int i = 0; i < n; i++) {
                    String name = data.pickValue(new String[] {"top_k", "encoding", "truncation",
                        "aggregation_strategy", data.consumeString(10)});
                    map.put(name, value(data, name, depth + 1));
                }
                return map;
            }
        }
    }

    /** One of the real event shapes with a fuzzed method, body, base64 flag and headers. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> httpEvent(FuzzedDataProvider data, int template) throws IOException {
        boolean albMulti = template >= EVENTS.size();
        Map<String, Object> event = deepCopy(templates.get(albMulti ? EVENTS.indexOf("alb.json") : template));
        String method = data.consumeBoolean() ? data.pickValue(METHODS) : data.consumeString(8);
        Map<String, Object> context = (Map<String, Object>) event.get("requestContext");
        if (event.containsKey("method")) {
            event.put("method", method);
        } else if (context.get("http") instanceof Map) {
            ((Map<String, Object>) context.get("http")).put("method", method);
        } else {
            event.put("httpMethod", method);
        }
        String base64Flag = event.containsKey("is_base64_encoded") ? "is_base64_encoded" : "isBase64Encoded";
        if (albMulti) {
            event.put("multiValueHeaders", Map.of("accept", List.of("*/*")));
        }
        Map<String, Object> headers = (Map<String, Object>) event.get("headers");
        if (headers != null && data.consumeBoolean()) {
            headers.put(data.consumeString(20), data.consumeString(40));
        }
        int body = data.consumeInt(0, 5);
        switch (body) {
            case 0 -> event.put("body", null);
            case 1 -> {
                event.put("body", new String(json(request(data)), StandardCharsets.UTF_8));
                event.put(base64Flag, false);
            }
            case 2 -> {
                event.put("body", Base64.getEncoder().encodeToString(json(request(data))));
                event.put(base64Flag, true);
            }
            case 3 -> {
                event.put("body", Base64.getEncoder().encodeToString(data.consumeBytes(MAX_INPUT_BYTES * 2)));
                event.put(base64Flag, true);
            }
            case 4 -> {
                // not a string: an object, a list, a number or a boolean where the body goes
                event.put("body", value(data, "body", 1));
                event.put(base64Flag, data.consumeBoolean());
            }
            default -> {
                event.put("body", data.consumeString(MAX_INPUT_BYTES * 2));
                event.put(base64Flag, data.consumeBoolean());
            }
        }
        return event;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> deepCopy(Map<String, Object> map) {
        Map<String, Object> copy = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : map.entrySet()) {
            Object v = e.getValue();
            copy.put(e.getKey(), v instanceof Map ? deepCopy((Map<String, Object>) v) : v);
        }
        return copy;
    }

    private static byte[] json(Object tree) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = Json.generator(out)) {
            write(g, tree);
        }
        return out.toByteArray();
    }

    private static void write(JsonGenerator g, Object value) throws IOException {
        if (value instanceof Map<?, ?> map) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                g.writeFieldName((String) e.getKey());
                write(g, e.getValue());
            }
            g.writeEndObject();
        } else if (value instanceof List<?> list) {
            g.writeStartArray();
            for (Object item : list) {
                write(g, item);
            }
            g.writeEndArray();
        } else if (value instanceof String s) {
            g.writeString(s);
        } else if (value instanceof Long l) {
            g.writeNumber(l);
        } else if (value instanceof Double d) {
            if (d.isNaN() || d.isInfinite()) {
                g.writeNumber(0.5);
            } else {
                g.writeNumber(d);
            }
        } else if (value instanceof Boolean b) {
            g.writeBoolean(b);
        } else {
            g.writeNull();
        }
    }
}

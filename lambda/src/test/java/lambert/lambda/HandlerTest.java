package lambert.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import lambert.runtime.bundle.BundleException;
import lambert.base.json.Json;
import lambert.runtime.testing.TestModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The handler in-process on the real int8 all-MiniLM-L6-v2, fed events shaped like AWS's documented
 * examples (src/test/resources/events). The same events go through the official runtime interface
 * client in the emulator tests of the cli module.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HandlerTest {
    private Handler handler;
    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    private PrintStream stdout;

    @BeforeAll
    void load() {
        stdout = System.out;
        System.setOut(new PrintStream(logged, true, StandardCharsets.UTF_8));
        handler = new Handler(Settings.from(Map.of("LAMBERT_MODEL_DIR", TestModels.minilmInt8().toString(),
                "LAMBERT_MAX_TEXTS", "4", "LAMBERT_MAX_INPUT_BYTES", "2000")), null);
    }

    @AfterAll
    void close() {
        System.setOut(stdout);
        handler.model().close();
    }

    @Test
    void handleRequest_directTextAnswersTheContract() throws Exception {
        Map<?, ?> body = invoke("{\"text\": \"Hey, how are you?\"}");
        assertThat((List<?>) body.get("embedding")).hasSize(384);
        assertThat(body.get("tokens")).isEqualTo(8L);
    }

    @Test
    void handleRequest_directBadInputIsAnErrorBodyNotAFunctionError() throws Exception {
        Map<?, ?> body = invoke("{\"texts\": []}");
        assertThat(body.get("errorType")).isEqualTo("InvalidRequest");
        assertThat(body.get("field")).isEqualTo("texts");
    }

    @Test
    void handleRequest_eventThatIsNotJsonIsInvalidRequest() throws Exception {
        Map<?, ?> body = invoke("text=hello");
        assertThat(body.get("errorType")).isEqualTo("InvalidRequest");
        assertThat((String) body.get("errorMessage")).contains("not valid JSON");
    }

    @Test
    void handleRequest_restApiEventGetsAProxyResponse() throws Exception {
        Map<?, ?> response = invoke(event("apigw-rest.json"));
        assertThat(response.get("statusCode")).isEqualTo(200L);
        assertThat(((Map<?, ?>) response.get("headers")).get("content-type")).isEqualTo("application/json");
        Map<?, ?> body = body(response);
        assertThat((List<?>) body.get("embedding")).hasSize(384);
    }

    @Test
    void handleRequest_httpApiBase64BodyIsDecoded() throws Exception {
        Map<?, ?> response = invoke(event("apigw-http.json"));
        assertThat(response.get("statusCode")).isEqualTo(200L);
        assertThat((List<?>) body(response).get("results")).hasSize(2);
    }

    @Test
    void handleRequest_functionUrlEventAnswersBase64Embeddings() throws Exception {
        Map<?, ?> response = invoke(event("function-url.json"));
        assertThat(response.get("statusCode")).isEqualTo(200L);
        assertThat(body(response).get("encoding")).isEqualTo("base64");
    }

    @Test
    void handleRequest_albEventGetsStatusDescription() throws Exception {
        Map<?, ?> response = invoke(event("alb.json"));
        assertThat(response.get("statusCode")).isEqualTo(200L);
        assertThat(response.get("statusDescription")).isEqualTo("200 OK");
    }

    @Test
    void handleRequest_albWithMultiValueHeadersAnswersInKind() throws Exception {
        String alb = event("alb.json").replace("\"headers\": {", "\"multiValueHeaders\": {\"accept\": [\"*/*\"]},"
                + " \"headers\": {");
        Map<?, ?> response = invoke(alb);
        assertThat(((Map<?, ?>) response.get("multiValueHeaders")).get("content-type"))
                .isEqualTo(List.of("application/json"));
    }

    @Test
    void handleRequest_wrongMethodIs405WithAllow() throws Exception {
        Map<?, ?> response = invoke(event("alb.json").replace("\"httpMethod\": \"POST\"", "\"httpMethod\": \"PUT\""));
        assertThat(response.get("statusCode")).isEqualTo(405L);
        assertThat(((Map<?, ?>) response.get("headers")).get("allow")).isEqualTo("GET, POST");
        assertThat(response.get("statusDescription")).isEqualTo("405 Method Not Allowed");
    }

    @Test
    void handleRequest_getAnswersModelInformation() throws Exception {
        Map<?, ?> response = invoke(event("function-url.json").replace("\"method\": \"POST\"", "\"method\": \"GET\""));
        assertThat(response.get("statusCode")).isEqualTo(200L);
        assertThat(body(response).get("model")).isEqualTo("minilm-int8");
        assertThat(body(response).get("max_texts")).isEqualTo(4L);
    }

    @Test
    void handleRequest_badBodyIs400NamingTheField() throws Exception {
        Map<?, ?> response = invoke(event("apigw-rest.json").replace("{\\\"text\\\": \\\"Hey, how are you?\\\"}",
                "{\\\"text\\\": 12}"));
        assertThat(response.get("statusCode")).isEqualTo(400L);
        assertThat(body(response).get("field")).isEqualTo("text");
    }

    @Test
    void handleRequest_bodyWithAnEscapedLoneSurrogateIs400NotAnsweredAsAQuestionMark() throws Exception {
        // Before: the body string's lone surrogate became '?' on its way to bytes, and "a?b" was answered.
        Map<?, ?> response = invoke(event("apigw-rest.json").replace("{\\\"text\\\": \\\"Hey, how are you?\\\"}",
                "{\\\"text\\\": \\\"a\\ud800b\\\"}"));
        assertThat(response.get("statusCode")).isEqualTo(400L);
        assertThat(body(response).get("field")).isEqualTo("body");
        assertThat((String) body(response).get("errorMessage")).isEqualTo("the event's \"body\" has an unpaired UTF-16 "
                + "surrogate \\ud800 at index 11 (escaped in the event); it is not valid Unicode");
    }

    @Test
    void handleRequest_bodyOverTheLimitIs413() throws Exception {
        String big = "{\\\"text\\\": \\\"" + "word ".repeat(500) + "\\\"}";
        Map<?, ?> response = invoke(event("apigw-rest.json").replace("{\\\"text\\\": \\\"Hey, how are you?\\\"}", big));
        assertThat(response.get("statusCode")).isEqualTo(413L);
        assertThat((String) body(response).get("errorMessage")).contains("LAMBERT_MAX_INPUT_BYTES");
    }

    @Test
    void handleRequest_tooManyTextsIs413() throws Exception {
        Map<?, ?> response = invoke(event("alb.json").replace("[\\\"Hey, how are you?\\\"]",
                "[\\\"a\\\", \\\"b\\\", \\\"c\\\", \\\"d\\\", \\\"e\\\"]"));
        assertThat(response.get("statusCode")).isEqualTo(413L);
    }

    @Test
    void handleRequest_invalidBase64Is400() throws Exception {
        Map<?, ?> response = invoke(event("apigw-http.json").replace("eyJ0ZXh0cyI6", "!!!!"));
        assertThat(response.get("statusCode")).isEqualTo(400L);
        assertThat((String) body(response).get("errorMessage")).contains("not valid base64");
    }

    @Test
    void handleRequest_latticeV2PostIsAnsweredInLatticesShape() throws Exception {
        Map<?, ?> response = invoke(event("vpc-lattice-v2.json"));
        // AWS's "Respond to the VPC Lattice service": isBase64Encoded, statusCode, headers, body
        assertThat(response.get("statusCode")).isEqualTo(200L);
        assertThat(response.get("isBase64Encoded")).isEqualTo(false);
        assertThat(((Map<?, ?>) response.get("headers")).get("content-type")).isEqualTo("application/json");
        assertThat(response.containsKey("statusDescription")).isFalse();
        List<?> results = (List<?>) body(response).get("results");
        Map<?, ?> direct = invoke("{\"texts\": [\"Hey, how are you?\", \"Fine, thanks.\"]}");
        assertThat(results).isEqualTo(direct.get("results"));
    }

    @Test
    void handleRequest_latticeV1PostIsAnsweredInLatticesShape() throws Exception {
        Map<?, ?> response = invoke(event("vpc-lattice-v1.json"));
        assertThat(response.get("statusCode")).isEqualTo(200L);
        assertThat(response.get("isBase64Encoded")).isEqualTo(false);
        assertThat(response.containsKey("statusDescription")).isFalse();
        assertThat(body(response).get("embedding"))
                .isEqualTo(invoke("{\"text\": \"Hey, how are you?\"}").get("embedding"));
    }

    @Test
    void handleRequest_latticeBase64BodiesAreDecoded() throws Exception {
        String body = Base64.getEncoder().encodeToString("{\"text\": \"Hey, how are you?\"}"
                .getBytes(StandardCharsets.UTF_8));
        String v1 = event("vpc-lattice-v1.json").replace("\"{\\\"text\\\": \\\"Hey, how are you?\\\"}\"",
                "\"" + body + "\"").replace("\"is_base64_encoded\": false", "\"is_base64_encoded\": true");
        String v2 = event("vpc-lattice-v2.json").replace(
                "\"{\\\"texts\\\": [\\\"Hey, how are you?\\\", \\\"Fine, thanks.\\\"]}\"", "\"" + body + "\"")
                .replace("\"isBase64Encoded\": false", "\"isBase64Encoded\": true");
        Object expected = invoke("{\"text\": \"Hey, how are you?\"}").get("embedding");
        for (String event : List.of(v1, v2)) {
            assertThat(event).contains(body);
            Map<?, ?> response = invoke(event);
            assertThat(response.get("statusCode")).isEqualTo(200L);
            assertThat(body(response).get("embedding")).isEqualTo(expected);
        }
    }

    @Test
    void handleRequest_latticeGetAnswersModelInformationAndOtherMethodsAre405() throws Exception {
        for (String name : List.of("vpc-lattice-v1.json", "vpc-lattice-v2.json")) {
            Map<?, ?> get = invoke(event(name).replace("\"method\": \"POST\"", "\"method\": \"GET\""));
            assertThat(get.get("statusCode")).as(name).isEqualTo(200L);
            assertThat(body(get).get("model")).as(name).isEqualTo("minilm-int8");
            for (String method : List.of("PUT", "DELETE", "HEAD", "OPTIONS")) {
                Map<?, ?> other = invoke(event(name).replace("\"method\": \"POST\"", "\"method\": \"" + method
                        + "\""));
                assertThat(other.get("statusCode")).as(name + " " + method).isEqualTo(405L);
                assertThat(((Map<?, ?>) other.get("headers")).get("allow")).isEqualTo("GET, POST");
                assertThat(body(other).get("errorType")).isEqualTo("MethodNotAllowed");
            }
        }
    }

    @Test
    void handleRequest_latticeErrorsAreAnsweredInLatticesShape() throws Exception {
        Map<?, ?> badText = invoke(event("vpc-lattice-v1.json").replace("Hey, how are you?\\\"}",
                "\\\", \\\"txt\\\": 1}"));
        assertThat(badText.get("statusCode")).isEqualTo(400L);
        assertThat(body(badText).get("field")).isEqualTo("txt");
        Map<?, ?> badBase64 = invoke(event("vpc-lattice-v2.json").replace("\"isBase64Encoded\": false",
                "\"isBase64Encoded\": true"));
        assertThat(badBase64.get("statusCode")).isEqualTo(400L);
        assertThat((String) body(badBase64).get("errorMessage")).contains("'{' (U+007B) at index 0");
        Map<?, ?> noMethod = invoke(event("vpc-lattice-v2.json").replace("\"method\": \"POST\"", "\"method\": 7"));
        assertThat(noMethod.get("statusCode")).isEqualTo(400L);
        assertThat(body(noMethod).get("field")).isEqualTo("method");
        assertThat((String) body(noMethod).get("errorMessage")).contains("VPC Lattice").contains("found number");
        Map<?, ?> tooMany = invoke(event("vpc-lattice-v2.json").replace("\\\"Fine, thanks.\\\"",
                "\\\"b\\\", \\\"c\\\", \\\"d\\\", \\\"e\\\""));
        assertThat(tooMany.get("statusCode")).isEqualTo(413L);
        assertThat(body(tooMany).get("errorType")).isEqualTo("RequestTooLarge");
    }

    @Test
    @SuppressWarnings("unchecked")
    void handleRequest_logsLatticeEventsByVersion() throws Exception {
        for (String version : List.of("v1", "v2")) {
            logged.reset();
            invoke(event("vpc-lattice-" + version + ".json"));
            Map<String, ?> line = (Map<String, ?>) Json.parse(logged.toString(StandardCharsets.UTF_8).strip()
                    .getBytes(StandardCharsets.UTF_8));
            assertThat(line.get("event")).isEqualTo("vpc-lattice-" + version);
            assertThat(line.get("status")).isEqualTo(200L);
        }
    }

    @Test
    void handleRequest_bodyThatIsNotAStringSaysSo() throws Exception {
        Map<?, ?> response = invoke(keptInput("http-api-event-whose-body-is-an-object"));
        assertThat(response.get("statusCode")).isEqualTo(400L);
        Map<?, ?> body = body(response);
        assertThat(body.get("field")).isEqualTo("body");
        assertThat((String) body.get("errorMessage")).contains("\"body\" must be a string").contains("found object")
                .doesNotContain("empty");
        Map<?, ?> number = invoke(event("apigw-rest.json").replace(
                "\"body\": \"{\\\"text\\\": \\\"Hey, how are you?\\\"}\"", "\"body\": 42"));
        assertThat((String) body(number).get("errorMessage")).contains("found number");
    }

    @Test
    void handleRequest_base64ErrorsNameTheCharacterAndItsIndex() throws Exception {
        Map<?, ?> response = invoke(keptInput("rest-api-event-whose-base64-body-has-a-bad-character"));
        assertThat(response.get("statusCode")).isEqualTo(400L);
        assertThat(body(response).get("field")).isEqualTo("body");
        assertThat((String) body(response).get("errorMessage"))
                .isEqualTo("the body is marked base64 (\"isBase64Encoded\": true) but is not valid base64: "
                        + "'!' (U+0021) at index 12 is not a base64 character (A-Z, a-z, 0-9, + and /, with = padding "
                        + "at the end)");
        // eyJ0ZXh0cyI6IFsiSGV5LCBob3cgYXJlIHlvdT8iLCAiRmluZSwgdGhhbmtzLiJdfQ== is the HTTP API event's body
        assertThat(base64Error("eyJ0ZXh0cyI6\\nIFsiSGV5LCBob3cgYXJlIHlvdT8iLCAiRmluZSwgdGhhbmtzLiJdfQ=="))
                .contains("U+000A LINE FEED (LF) at index 12 is not a base64 character");
        assertThat(base64Error("eyJ0ZXh0cyI6IFsiSGV5LCBob3cgYXJlIHlvdT8iLCAiRmluZSwgdGhhbmtzLiJdfQ==é"))
                .contains("'é' (U+00E9 LATIN SMALL LETTER E WITH ACUTE) at index 68 is not a base64 character");
        assertThat(base64Error("eyJ0ZXh0=cyI6IFsiSGV5LCBob3cgYXJlIHlvdT8iLCAiRmluZSwgdGhhbmtzLiJdfQ=="))
                .contains("'c' (U+0063) at index 9 comes after the padding \"=\" at index 8");
        assertThat(base64Error("eyJ0ZXh0cyI6IFsiSGV5LCBob3cgYXJlIHlvdT8iLCAiRmluZSwgdGhhbmtzLiJdfQ==="))
                .contains("the padding \"=\" from index 66 does not end a group of 4 characters (69 characters "
                        + "in all)");
        assertThat(base64Error("eyJ0ZXh0cyI6IFsiSGV5LCBob3cgYXJlIHlvdT8iLCAiRmluZSwgdGhhbmtzLiJdf"))
                .contains("a lone character at index 64");
    }

    @Test
    void handleRequest_version2EventWithoutItsMethodIs400NotADirectCall() throws Exception {
        Map<?, ?> noMethod = invoke(keptInput("version-2-event-without-its-http-method"));
        assertThat(noMethod.get("statusCode")).isEqualTo(400L);
        assertThat(body(noMethod).get("field")).isEqualTo("requestContext.http.method");
        assertThat((String) body(noMethod).get("errorMessage")).contains("function URL event").contains("found null");
        Map<?, ?> noContext = invoke(keptInput("version-2-event-without-request-context"));
        assertThat(noContext.get("statusCode")).isEqualTo(400L);
        assertThat((String) body(noContext).get("errorMessage")).contains("\"version\": \"2.0\"")
                .contains("requestContext.http");
        Map<?, ?> numberMethod = invoke(event("alb.json").replace("\"httpMethod\": \"POST\"", "\"httpMethod\": 1"));
        assertThat(numberMethod.get("statusCode")).isEqualTo(400L);
        assertThat(numberMethod.get("statusDescription")).isEqualTo("400 Bad Request");
        assertThat(body(numberMethod).get("field")).isEqualTo("httpMethod");
    }

    @Test
    @SuppressWarnings("unchecked")
    void handleRequest_logsOneJsonLinePerInvocation() throws Exception {
        logged.reset();
        invoke("{\"texts\": [\"one\", \"two words\"]}");
        String[] lines = logged.toString(StandardCharsets.UTF_8).trim().split("\n");
        assertThat(lines).hasSize(1);
        Map<String, ?> line = (Map<String, ?>) Json.parse(lines[0].getBytes(StandardCharsets.UTF_8));
        assertThat(line.get("requestId")).isEqualTo("test-request");
        assertThat(line.get("event")).isEqualTo("direct");
        assertThat(line.get("texts")).isEqualTo(2L);
        assertThat(line.get("tokens")).isEqualTo(7L);
        assertThat(line.keySet()).contains("tokenizeMs", "inferenceMs", "totalMs", "truncated");
    }

    @Test
    void snapStartHooks_primeBeforeCheckpointAndMarkTheRestore() throws Exception {
        handler.beforeCheckpoint(null);
        handler.afterRestore(null);
        assertThat(handler.freshlyRestored()).isTrue();
        invoke("{\"text\": \"after restore\"}");
        assertThat(handler.freshlyRestored()).isFalse();
    }

    @Test
    void constructor_missingModelNamesTheFolder() {
        assertThatThrownBy(() -> new Handler(Settings.from(Map.of("LAMBDA_TASK_ROOT", "/nonexistent/task")), null))
                .isInstanceOf(BundleException.class).hasMessageContaining("/nonexistent/task/model does not exist");
    }

    @Test
    void settings_malformedVariableIsNamed() {
        assertThatThrownBy(() -> Settings.from(Map.of("LAMBERT_MAX_TEXTS", "many")))
                .hasMessage("LAMBERT_MAX_TEXTS must be an integer of at least 1, found \"many\"");
        assertThatThrownBy(() -> Settings.from(Map.of("LAMBERT_LOG_LEVEL", "chatty")))
                .hasMessageContaining("INFO, WARN or OFF");
    }

    private Map<?, ?> invoke(String event) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out,
                new TestContext("test-request"));
        return (Map<?, ?>) Json.parse(out.toByteArray());
    }

    private String base64Error(String body) throws Exception {
        Map<?, ?> response = invoke(event("apigw-http.json").replace(
                "eyJ0ZXh0cyI6IFsiSGV5LCBob3cgYXJlIHlvdT8iLCAiRmluZSwgdGhhbmtzLiJdfQ==", body));
        assertThat(response.get("statusCode")).isEqualTo(400L);
        return (String) body(response).get("errorMessage");
    }

    /** An input kept for {@link HandlerFuzzTest}: a raw event, whose last byte (0) picks the raw-bytes shape. */
    private static String keptInput(String name) throws IOException {
        try (InputStream in = HandlerTest.class.getResourceAsStream("/lambert/lambda/HandlerFuzzTestInputs/"
                + "handleRequest_anyEventGetsAWellFormedBoundedAnswer/" + name)) {
            byte[] bytes = in.readAllBytes();
            assertThat(bytes[bytes.length - 1]).isZero();
            return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
        }
    }

    private static Map<?, ?> body(Map<?, ?> response) throws Exception {
        return (Map<?, ?>) Json.parse(((String) response.get("body")).getBytes(StandardCharsets.UTF_8));
    }

    private static String event(String name) throws IOException {
        try (InputStream in = HandlerTest.class.getResourceAsStream("/events/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}

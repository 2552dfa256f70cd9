package lambert.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import lambert.runtime.bundle.BundleException;
import lambert.runtime.json.Json;
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

    private static Map<?, ?> body(Map<?, ?> response) throws Exception {
        return (Map<?, ?>) Json.parse(((String) response.get("body")).getBytes(StandardCharsets.UTF_8));
    }

    private static String event(String name) throws IOException {
        try (InputStream in = HandlerTest.class.getResourceAsStream("/events/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}

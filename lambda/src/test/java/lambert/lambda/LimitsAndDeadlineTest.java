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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import lambert.runtime.contract.Limits;
import lambert.base.json.Json;
import lambert.runtime.testing.TestModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The limits checked during a request, on the real int8 all-MiniLM-L6-v2 (which runs one text per micro-batch):
 * the token budget derived from the memory setting (413 before any inference) and the invocation's deadline (no
 * micro-batch starts with less than the margin left: 504 over HTTP, a function error for a direct call), with a
 * {@link TestContext} whose remaining time the test controls. For API Gateway events the deadline is also the
 * gateway's (29 s for REST APIs, 30 s for HTTP APIs, from the request time in the event), set here relative to now.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LimitsAndDeadlineTest {
    private Handler handler;
    private PrintStream stdout;

    @BeforeAll
    void load() {
        stdout = System.out;
        System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        handler = new Handler(Settings.from(Map.of("LAMBERT_MODEL_DIR", TestModels.minilmInt8().toString(),
                "LAMBERT_MAX_TOKENS", "40")), null);
    }

    @AfterAll
    void close() {
        System.setOut(stdout);
        handler.model().close();
    }

    @Test
    void settings_tokenLimitFollowsTheMemorySetting() {
        assertThat(Settings.from(Map.of("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512")).limits().maxTokens())
                .isEqualTo(512 * Limits.TOKENS_PER_MB);
        assertThat(Settings.from(Map.of("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512", "LAMBERT_MAX_TOKENS", "1000"))
                .limits().maxTokens()).isEqualTo(1000);
        assertThat(Settings.from(Map.of()).limits().maxTokens()).isEqualTo(Integer.MAX_VALUE);
        assertThatThrownBy(() -> Settings.from(Map.of("LAMBERT_MAX_TOKENS", "lots")))
                .hasMessageContaining("LAMBERT_MAX_TOKENS");
        assertThat(Settings.from(Map.of()).deadlineMarginMillis()).isEqualTo(500);
    }

    @Test
    void handleRequest_overTheTokenLimitIs413NamingTheLimit() throws Exception {
        Map<?, ?> body = invoke("{\"texts\": [\"" + "word ".repeat(30) + "\", \"" + "word ".repeat(30) + "\"]}",
                () -> 30_000);
        assertThat(body.get("errorType")).isEqualTo("RequestTooLarge");
        assertThat((String) body.get("errorMessage")).contains("64 tokens").contains("the limit is 40 tokens")
                .contains("LAMBERT_MAX_TOKENS");
    }

    @Test
    void handleRequest_underTheTokenLimitIsAnswered() throws Exception {
        assertThat(invoke("{\"text\": \"well within the budget\"}", () -> 30_000).get("embedding")).isNotNull();
    }

    @Test
    void handleRequest_directCallTooCloseToItsDeadlineIsAFunctionErrorNamingIt() {
        assertThatThrownBy(() -> invoke("{\"text\": \"late\"}", () -> 100))
                .isInstanceOf(ModelFailedException.class)
                .hasMessageContaining("DeadlineExceeded").hasMessageContaining("100 ms were left")
                .hasMessageContaining("500 ms margin");
    }

    @Test
    void handleRequest_httpCallStoppedBetweenMicroBatchesIs504() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        // Plenty of time for the first checks, then the deadline is close: the call stops between micro-batches.
        IntSupplier remaining = () -> calls.incrementAndGet() <= 2 ? 10_000 : 200;
        // an HTTP API event whose base64 body is {"texts": ["one", "two", "three", "four"]}
        String event = new String(event("apigw-http.json"), StandardCharsets.UTF_8).replace(
                "eyJ0ZXh0cyI6IFsiSGV5LCBob3cgYXJlIHlvdT8iLCAiRmluZSwgdGhhbmtzLiJdfQ==",
                "eyJ0ZXh0cyI6IFsib25lIiwgInR3byIsICJ0aHJlZSIsICJmb3VyIl19");
        Map<?, ?> response = invoke(event, remaining);
        assertThat(response.get("statusCode")).isEqualTo(504L);
        Map<?, ?> body = (Map<?, ?>) Json.parse(((String) response.get("body")).getBytes(StandardCharsets.UTF_8));
        assertThat(body.get("errorType")).isEqualTo("DeadlineExceeded");
        assertThat((String) body.get("errorMessage")).contains("200 ms were left").contains("micro-batches");
        // the handler still answers afterwards
        assertThat(invoke("{\"text\": \"next\"}", () -> 30_000).get("embedding")).isNotNull();
    }

    @Test
    void handleRequest_restApiRequestNearApiGatewaysTimeoutIs504BeforeIt() throws Exception {
        // API Gateway received the request 28.7 s ago (a cold start, say); the function's own clock has 27 s left
        String event = restEvent(System.currentTimeMillis() - 28_700);
        Map<?, ?> response = invoke(event, () -> 27_000);
        assertThat(response.get("statusCode")).isEqualTo(504L);
        Map<?, ?> body = body(response);
        assertThat(body.get("errorType")).isEqualTo("DeadlineExceeded");
        assertThat((String) body.get("errorMessage"))
                .startsWith("stopped before API Gateway's 29 s integration timeout")
                .contains("(requestContext.requestTimeEpoch)").contains("500 ms margin")
                .contains("send fewer texts per request").doesNotContain("raise the function's timeout");
    }

    @Test
    void handleRequest_httpApiRequestNearItsGatewayTimeoutIs504() throws Exception {
        Map<?, ?> response = invoke(httpEvent("apigw-http.json", System.currentTimeMillis() - 29_700), () -> 27_000);
        assertThat(response.get("statusCode")).isEqualTo(504L);
        assertThat((String) body(response).get("errorMessage")).contains("API Gateway's 30 s integration timeout")
                .contains("(requestContext.timeEpoch)");
    }

    @Test
    void handleRequest_apiGatewayRequestWithTimeLeftIsAnswered() throws Exception {
        long now = System.currentTimeMillis();
        for (String event : List.of(restEvent(now - 1_000), httpEvent("apigw-http.json", now - 1_000),
                // AWS's documented examples carry times from years ago; a replayed event is not late
                new String(event("apigw-rest.json"), StandardCharsets.UTF_8),
                new String(event("apigw-http.json"), StandardCharsets.UTF_8),
                // nor is one from a clock an hour ahead
                restEvent(now + 3_600_000))) {
            assertThat(invoke(event, () -> 27_000).get("statusCode")).isEqualTo(200L);
        }
    }

    @Test
    void handleRequest_functionUrlWaitsForTheFunctionsOwnTimeoutOnly() throws Exception {
        Map<?, ?> response = invoke(httpEvent("function-url.json", System.currentTimeMillis() - 29_700),
                () -> 27_000);
        assertThat(response.get("statusCode")).isEqualTo(200L);
    }

    @Test
    void handleRequest_functionsOwnDeadlineStillHoldsForApiGatewayEvents() throws Exception {
        Map<?, ?> response = invoke(restEvent(System.currentTimeMillis() - 1_000), () -> 100);
        assertThat(response.get("statusCode")).isEqualTo(504L);
        assertThat((String) body(response).get("errorMessage")).startsWith("stopped before the function's timeout")
                .contains("100 ms were left");
    }

    @Test
    void handleRequest_configuredGatewayTimeoutIsTheOneHeldTo() throws Exception {
        Handler tenSeconds = new Handler(Settings.from(Map.of("LAMBERT_MODEL_DIR", TestModels.minilmInt8().toString(),
                "LAMBERT_GATEWAY_TIMEOUT_MS", "10000")), null);
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            tenSeconds.handleRequest(new ByteArrayInputStream(restEvent(System.currentTimeMillis() - 9_700)
                    .getBytes(StandardCharsets.UTF_8)), out, new TestContext("gateway", () -> 27_000));
            Map<?, ?> response = (Map<?, ?>) Json.parse(out.toByteArray());
            assertThat(response.get("statusCode")).isEqualTo(504L);
            assertThat((String) body(response).get("errorMessage"))
                    .contains("API Gateway's 10 s (LAMBERT_GATEWAY_TIMEOUT_MS) integration timeout");
        } finally {
            tenSeconds.model().close();
        }
        assertThat(Settings.from(Map.of()).gatewayTimeoutMillis()).isEqualTo(-1);
        assertThatThrownBy(() -> Settings.from(Map.of("LAMBERT_GATEWAY_TIMEOUT_MS", "29s")))
                .hasMessage("LAMBERT_GATEWAY_TIMEOUT_MS must be an integer of at least 0, found \"29s\"");
    }

    @Test
    void suggestedTimeout_stopsTheHandlerBeforeApiGatewaysTimeout() throws Exception {
        long margin = Settings.from(Map.of()).deadlineMarginMillis();
        // the last micro-batch starts by timeout - margin; a second is left for it and the answer before 29 s
        assertThat(Handler.SUGGESTED_TIMEOUT_SECONDS * 1000L - margin).isLessThanOrEqualTo(29_000 - 1_000);
        // an API Gateway event without a request time, 27.6 s into an invocation with the suggested timeout: the
        // handler answers its own 504 (API Gateway would give up at 29 s)
        String event = new String(event("apigw-rest.json"), StandardCharsets.UTF_8)
                .replace("\"requestTimeEpoch\": 1428582896000,", "");
        assertThat(event).doesNotContain("requestTimeEpoch");
        Map<?, ?> response = invoke(event, () -> Handler.SUGGESTED_TIMEOUT_SECONDS * 1000 - 27_600);
        assertThat(response.get("statusCode")).isEqualTo(504L);
        assertThat((String) body(response).get("errorMessage")).contains("before any work");
    }

    /** The REST API example with API Gateway's request time set to {@code millis}. */
    private static String restEvent(long millis) throws IOException {
        String event = new String(event("apigw-rest.json"), StandardCharsets.UTF_8);
        assertThat(event).contains("\"requestTimeEpoch\": 1428582896000");
        return event.replace("\"requestTimeEpoch\": 1428582896000", "\"requestTimeEpoch\": " + millis);
    }

    /** A payload format 2.0 example with its {@code requestContext.timeEpoch} set to {@code millis}. */
    private static String httpEvent(String name, long millis) throws IOException {
        String event = new String(event(name), StandardCharsets.UTF_8);
        String replaced = event.replaceFirst("\"timeEpoch\": \\d+", "\"timeEpoch\": " + millis);
        assertThat(replaced).isNotEqualTo(event);
        return replaced;
    }

    private static Map<?, ?> body(Map<?, ?> response) throws Exception {
        return (Map<?, ?>) Json.parse(((String) response.get("body")).getBytes(StandardCharsets.UTF_8));
    }

    private Map<?, ?> invoke(String event, IntSupplier remaining) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out,
                new TestContext("deadline-test", remaining));
        return (Map<?, ?>) Json.parse(out.toByteArray());
    }

    private static byte[] event(String name) throws IOException {
        try (InputStream in = LimitsAndDeadlineTest.class.getResourceAsStream("/events/" + name)) {
            return in.readAllBytes();
        }
    }
}

package lambert.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import lambert.runtime.contract.Limits;
import lambert.runtime.json.Json;
import lambert.runtime.testing.TestModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The limits checked during a request, on the real int8 all-MiniLM-L6-v2 (which runs one text per micro-batch):
 * the token budget derived from the memory setting (413 before any inference) and the invocation's deadline (no
 * micro-batch starts with less than the margin left: 504 over HTTP, a function error for a direct call), with a
 * fake {@link Context} whose remaining time the test controls.
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
        Map<?, ?> body = direct("{\"texts\": [\"" + "word ".repeat(30) + "\", \"" + "word ".repeat(30) + "\"]}",
                () -> 30_000);
        assertThat(body.get("errorType")).isEqualTo("RequestTooLarge");
        assertThat((String) body.get("errorMessage")).contains("64 tokens").contains("the limit is 40 tokens")
                .contains("LAMBERT_MAX_TOKENS");
    }

    @Test
    void handleRequest_underTheTokenLimitIsAnswered() throws Exception {
        assertThat(direct("{\"text\": \"well within the budget\"}", () -> 30_000).get("embedding")).isNotNull();
    }

    @Test
    void handleRequest_directCallTooCloseToItsDeadlineIsAFunctionErrorNamingIt() {
        assertThatThrownBy(() -> direct("{\"text\": \"late\"}", () -> 100))
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
        String event = new String(Events.read("apigw-http.json"), StandardCharsets.UTF_8).replace(
                "eyJ0ZXh0cyI6IFsiSGV5LCBob3cgYXJlIHlvdT8iLCAiRmluZSwgdGhhbmtzLiJdfQ==",
                "eyJ0ZXh0cyI6IFsib25lIiwgInR3byIsICJ0aHJlZSIsICJmb3VyIl19");
        Map<?, ?> response = invoke(event, remaining);
        assertThat(response.get("statusCode")).isEqualTo(504L);
        Map<?, ?> body = (Map<?, ?>) Json.parse(((String) response.get("body")).getBytes(StandardCharsets.UTF_8));
        assertThat(body.get("errorType")).isEqualTo("DeadlineExceeded");
        assertThat((String) body.get("errorMessage")).contains("200 ms were left").contains("micro-batches");
        // the handler still answers afterwards
        assertThat(direct("{\"text\": \"next\"}", () -> 30_000).get("embedding")).isNotNull();
    }

    private Map<?, ?> direct(String event, IntSupplier remaining) throws Exception {
        return invoke(event, remaining);
    }

    private Map<?, ?> invoke(String event, IntSupplier remaining) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out,
                new DeadlineContext(remaining));
        return (Map<?, ?>) Json.parse(out.toByteArray());
    }

    /** Reads the test events. */
    static final class Events {
        private Events() {}

        static byte[] read(String name) throws java.io.IOException {
            try (var in = LimitsAndDeadlineTest.class.getResourceAsStream("/events/" + name)) {
                return in.readAllBytes();
            }
        }
    }

    /** A context whose remaining time the test decides. */
    private record DeadlineContext(IntSupplier remaining) implements Context {
        @Override
        public String getAwsRequestId() {
            return "deadline-test";
        }

        @Override
        public String getLogGroupName() {
            return "/aws/lambda/test";
        }

        @Override
        public String getLogStreamName() {
            return "test";
        }

        @Override
        public String getFunctionName() {
            return "test";
        }

        @Override
        public String getFunctionVersion() {
            return "$LATEST";
        }

        @Override
        public String getInvokedFunctionArn() {
            return "arn:aws:lambda:us-east-1:123456789012:function:test";
        }

        @Override
        public CognitoIdentity getIdentity() {
            return null;
        }

        @Override
        public ClientContext getClientContext() {
            return null;
        }

        @Override
        public int getRemainingTimeInMillis() {
            return remaining.getAsInt();
        }

        @Override
        public int getMemoryLimitInMB() {
            return 1769;
        }

        @Override
        public LambdaLogger getLogger() {
            return null;
        }
    }
}

package lambert.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import lambert.base.json.Json;
import lambert.runtime.testing.TestModels;
import org.junit.jupiter.api.Test;

/**
 * The request path's warm-up in the constructor ({@code LAMBERT_WARM_UP}): it answers its own events before the
 * first request, and nothing of it shows: no log line, no change to what requests get.
 */
class WarmUpTest {
    private static final String TEXT = "{\"text\": \"Hey, how are you?\"}";
    private static final String HTTP = "{\"version\": \"2.0\", \"requestContext\": {\"http\": {\"method\": \"POST\"}}, "
            + "\"body\": \"{\\\"texts\\\": [\\\"Fine, thanks.\\\", \\\"The quick brown fox.\\\"]}\"}";

    @Test
    void constructor_warmsUpWithoutALogLineAndTheFirstRequestIsTheOnlyOneLogged() throws Exception {
        ByteArrayOutputStream logged = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(logged, true, StandardCharsets.UTF_8));
        Handler handler;
        try {
            handler = handler(true);
            assertThat(logged.toString(StandardCharsets.UTF_8)).as("nothing logged by the warm-up").isEmpty();
            invoke(handler, TEXT, "first-request");
        } finally {
            System.setOut(stdout);
        }
        try {
            List<String> lines = logged.toString(StandardCharsets.UTF_8).lines().toList();
            assertThat(lines).hasSize(1);
            assertThat(lines.get(0)).contains("\"requestId\":\"first-request\"", "\"status\":200");
            assertThat(handler.initPhases().warmUpMs()).isGreaterThan(0);
            assertThat(handler.freshlyRestored()).isFalse();
        } finally {
            handler.model().close();
        }
    }

    @Test
    void constructor_withoutWarmUpHasNoWarmUpPhase() {
        Handler handler = handler(false);
        try {
            assertThat(handler.initPhases().warmUpMs()).isZero();
        } finally {
            handler.model().close();
        }
    }

    @Test
    void handleRequest_firstAnswersAreTheSameWithAndWithoutWarmUp() throws Exception {
        Handler warm = handler(true);
        Handler cold = handler(false);
        try {
            for (String event : List.of(TEXT, HTTP)) {
                Map<?, ?> a = invoke(warm, event, "a");
                Map<?, ?> b = invoke(cold, event, "b");
                assertThat(a.keySet()).isEqualTo(b.keySet());
                assertThat(maxAbsDiff(a, b)).as(event).isLessThanOrEqualTo(1e-6);
            }
        } finally {
            warm.model().close();
            cold.model().close();
        }
    }

    @Test
    void settings_warmUpIsOnByDefaultAndAMalformedValueNamesTheVariable() {
        assertThat(Settings.from(Map.of()).warmUp()).isTrue();
        assertThat(Settings.from(Map.of("LAMBERT_WARM_UP", "false")).warmUp()).isFalse();
        assertThatThrownBy(() -> Settings.from(Map.of("LAMBERT_WARM_UP", "later")))
                .hasMessage("LAMBERT_WARM_UP must be true or false, found \"later\"");
    }

    private static Handler handler(boolean warmUp) {
        return new Handler(Settings.from(Map.of("LAMBERT_MODEL_DIR", TestModels.minilmInt8().toString(),
                "LAMBERT_WARM_UP", Boolean.toString(warmUp))), null);
    }

    private static Map<?, ?> invoke(Handler handler, String event, String requestId) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out,
                new TestContext(requestId));
        Map<?, ?> response = (Map<?, ?>) Json.parse(out.toByteArray());
        if (response.get("body") instanceof String body) {
            assertThat(response.get("statusCode")).isEqualTo(200L);
            return (Map<?, ?>) Json.parse(body.getBytes(StandardCharsets.UTF_8));
        }
        return response;
    }

    /** The largest difference between the numbers of two answers, found at the same places; 0 for equal answers. */
    private static double maxAbsDiff(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return Math.abs(x.doubleValue() - y.doubleValue());
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            assertThat(x).hasSameSizeAs(y);
            double max = 0;
            for (int i = 0; i < x.size(); i++) {
                max = Math.max(max, maxAbsDiff(x.get(i), y.get(i)));
            }
            return max;
        }
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            assertThat(x.keySet()).isEqualTo(y.keySet());
            double max = 0;
            for (Object key : x.keySet()) {
                max = Math.max(max, maxAbsDiff(x.get(key), y.get(key)));
            }
            return max;
        }
        assertThat(a).isEqualTo(b);
        return 0;
    }
}

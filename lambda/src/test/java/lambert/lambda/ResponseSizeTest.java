package lambert.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import lambert.base.json.Json;
import lambert.runtime.testing.TestModels;
import lambert.runtime.testing.TinyModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The response as the caller measures it, with events shaped like AWS's. On the real int8 all-MiniLM-L6-v2, 256
 * sentences answered with float embeddings make about 1.2 MB: over the 1 MB an Application Load Balancer takes from a
 * Lambda target (AWS: "the maximum size of the response JSON that the Lambda function can send is 1 MB"), under the
 * 6 MB of a synchronous invocation. Past the 6 MB, on a tiny generated tagger (real tokenizer, real ONNX Runtime,
 * one entity per token, so that thousands of texts cost a second). The limits are written here as AWS documents
 * them, not taken from the code under test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResponseSizeTest {
    private static final long ALB_LIMIT = 1_000_000;
    private static final long LAMBDA_LIMIT = 6L * 1024 * 1024;
    private static final Pattern FIT = Pattern.compile("about (\\d+) of these (\\d+) fit");

    private Path dir;
    private Handler minilm;
    private Handler tagger;
    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    private PrintStream stdout;
    /** The ALB event with 256 sentences asking for float embeddings: its response, and the log line. */
    private byte[] albFloat;
    private String albLog;

    @BeforeAll
    void load() throws Exception {
        stdout = System.out;
        System.setOut(new PrintStream(logged, true, StandardCharsets.UTF_8));
        minilm = new Handler(Settings.from(Map.of("LAMBERT_MODEL_DIR", TestModels.minilmInt8().toString())), null);
        dir = Files.createTempDirectory("lambert-response-size");
        TinyModels tiny = TinyModels.tagger(dir.resolve("tagger"), 30522, List.of("B-PER", "I-PER", "O"), Map.of());
        tagger = new Handler(Settings.from(Map.of("LAMBERT_MODEL_DIR", tiny.bundle().dir().toString(),
                "LAMBERT_MAX_TEXTS", "5000")), null);
        logged.reset();
        albFloat = invoke(minilm, withBody("alb.json", sentences(256, "float")));
        albLog = logged.toString(StandardCharsets.UTF_8).strip();
    }

    @AfterAll
    void close() throws IOException {
        System.setOut(stdout);
        minilm.model().close();
        tagger.model().close();
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void handleRequest_albAnswerOverOneMegabyteIs413SayingWhatToDo() throws Exception {
        // the premise: through API Gateway (6 MB) the same request is answered, and the answer alone, before any
        // wrapping, is over ALB's limit
        Map<?, ?> rest = (Map<?, ?>) Json.parse(invoke(minilm, withBody("apigw-rest.json", sentences(256, "float"))));
        assertThat(rest.get("statusCode")).isEqualTo(200L);
        assertThat((long) ((String) rest.get("body")).getBytes(StandardCharsets.UTF_8).length)
                .isGreaterThan(ALB_LIMIT);

        assertThat(albFloat.length).isLessThan(2048);
        Map<?, ?> response = (Map<?, ?>) Json.parse(albFloat);
        assertThat(response.get("statusCode")).isEqualTo(413L);
        assertThat(response.get("statusDescription")).isEqualTo("413 Payload Too Large");
        Map<?, ?> body = body(response);
        assertThat(body.get("errorType")).isEqualTo("RequestTooLarge");
        assertThat((String) body.get("errorMessage")).contains("as the response to an Application Load Balancer event")
                .contains("over the 1 MB (1,000,000 bytes) an Application Load Balancer takes from a Lambda target")
                .containsPattern(FIT).contains("\"encoding\": \"base64\"").contains("function URL");
        Map<String, Object> line = (Map<String, Object>) Json.parse(albLog.getBytes(StandardCharsets.UTF_8));
        assertThat(line).containsEntry("event", "alb").containsEntry("status", 413L).containsEntry("texts", 256L)
                .containsEntry("errorType", "RequestTooLarge");
    }

    @Test
    void handleRequest_albAnswerFitsWhenTheAdviceIsFollowed() throws Exception {
        Matcher fit = FIT.matcher((String) body((Map<?, ?>) Json.parse(albFloat)).get("errorMessage"));
        assertThat(fit.find()).isTrue();
        int texts = Integer.parseInt(fit.group(1));
        assertThat(texts).isBetween(100, 255);

        byte[] fewer = invoke(minilm, withBody("alb.json", sentences(texts, "float")));
        assertThat((long) fewer.length).isLessThanOrEqualTo(ALB_LIMIT);
        assertThat(((Map<?, ?>) Json.parse(fewer)).get("statusCode")).isEqualTo(200L);

        byte[] base64 = invoke(minilm, withBody("alb.json", sentences(256, "base64")));
        assertThat((long) base64.length).isLessThanOrEqualTo(ALB_LIMIT);
        Map<?, ?> response = (Map<?, ?>) Json.parse(base64);
        assertThat(response.get("statusCode")).isEqualTo(200L);
        assertThat((List<?>) body(response).get("results")).hasSize(256);
    }

    @Test
    void handleRequest_directAnswerOverSixMegabytesIsAnErrorBodyNotAFunctionError() throws Exception {
        // the premise, measured: enough texts of 60 words (one entity each) to pass 6 MB by a quarter
        long perText = invoke(tagger, words(10)).length / 10;
        int n = (int) (LAMBDA_LIMIT * 5 / 4 / perText);
        assertThat(n).isLessThan(5000);

        byte[] raw = invoke(tagger, words(n));
        assertThat(raw.length).isLessThan(2048);
        Map<?, ?> body = (Map<?, ?>) Json.parse(raw);
        assertThat(body.get("errorType")).isEqualTo("RequestTooLarge");
        String message = (String) body.get("errorMessage");
        assertThat(message).contains("as the response to a direct invocation")
                .contains("over the 6 MB (6,291,456 bytes) Lambda returns from a synchronous invocation")
                .contains("of these " + n + " fit").doesNotContain("base64");
        Matcher fit = FIT.matcher(message);
        assertThat(fit.find()).isTrue();
        int fewer = Integer.parseInt(fit.group(1));
        byte[] answered = invoke(tagger, words(fewer));
        assertThat((long) answered.length).isLessThanOrEqualTo(LAMBDA_LIMIT);
        assertThat((List<?>) ((Map<?, ?>) Json.parse(answered)).get("results")).hasSize(fewer);
    }

    /** A request of {@code n} sentences asking for {@code encoding}. */
    private static String sentences(int n, String encoding) {
        return IntStream.range(0, n).mapToObj(i -> "\"Sentence number " + i + " is about the weather today.\"")
                .collect(Collectors.joining(", ", "{\"texts\": [", "], \"encoding\": \"" + encoding + "\"}"));
    }

    /** A request of {@code n} texts of 60 one-token words. */
    private static String words(int n) {
        String text = "\"" + "word ".repeat(60).strip() + "\"";
        return IntStream.range(0, n).mapToObj(i -> text).collect(Collectors.joining(", ", "{\"texts\": [", "]}"));
    }

    /** One of the AWS-shaped events with {@code request} as its (plain) body. */
    private static String withBody(String name, String request) throws IOException {
        String event;
        try (InputStream in = ResponseSizeTest.class.getResourceAsStream("/events/" + name)) {
            event = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Matcher body = Pattern.compile("\"body\": (\"(?:[^\"\\\\]|\\\\.)*\")").matcher(event);
        assertThat(body.find()).as(name).isTrue();
        return event.substring(0, body.start(1)) + Json.quote(request) + event.substring(body.end(1));
    }

    private static byte[] invoke(Handler handler, String event) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out,
                new TestContext("size-test"));
        return out.toByteArray();
    }

    private static Map<?, ?> body(Map<?, ?> response) throws Exception {
        return (Map<?, ?>) Json.parse(((String) response.get("body")).getBytes(StandardCharsets.UTF_8));
    }
}

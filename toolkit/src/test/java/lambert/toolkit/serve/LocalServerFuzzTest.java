package lambert.toolkit.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import lambert.lambda.Handler;
import lambert.lambda.Settings;
import lambert.runtime.testing.TinyModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@code lambert serve}'s HTTP layer on arbitrary bytes: each input is sent as it is over a socket to a running
 * server (then the sending side is closed), and every answer must be a complete HTTP/1.1 answer whose body is the
 * contract's JSON ({@code errorType} and {@code errorMessage} on errors; an empty body only for HEAD), with a status
 * the server documents, and the server must close the connection (no hang) without an error of its own.
 *
 * <p>The model is the tiny generated classifier (real BERT tokenizer), the body limit 4 KiB so that 413 is within
 * reach. Kept inputs, each named after the statuses {@link LocalServerTest} expects of it, are under
 * {@code LocalServerFuzzTestInputs}. {@code ./mvnw verify} fuzzes it for a few seconds; longer:
 * {@code ./mvnw -pl cli -am verify -Dtest=LocalServerFuzzTest -Dfuzz.duration=10m -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class LocalServerFuzzTest {
    private static final int LIMIT = 4096;
    private static final List<Integer> STATUSES = List.of(100, 200, 400, 405, 408, 413, 431, 501, 505);

    private static Path dir;
    private static Handler handler;
    private static LocalServer server;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("lambert-serve-fuzz");
        TinyModels tiny = TinyModels.classifier(dir.resolve("tiny"), 30522, List.of("negative", "positive"), false, 7);
        handler = new Handler(Settings.from(Map.of("LAMBERT_MODEL_DIR", tiny.bundle().dir().toString(),
                "LAMBERT_MAX_INPUT_BYTES", String.valueOf(LIMIT), "LAMBERT_LOG_LEVEL", "OFF")), null);
        server = LocalServer.start(handler, HttpLimits.defaults(LIMIT).withTimeouts(Duration.ofSeconds(10),
                Duration.ofSeconds(10), Duration.ofSeconds(10)), "127.0.0.1", 0, 2);
    }

    @AfterAll
    static void stop() throws IOException {
        server.close();
        handler.model().close();
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @FuzzTest(maxDuration = "4s")
    void serve_anyBytesGetJsonOrAClosedConnection(byte[] data) throws Exception {
        // Jazzer's SSRF detector flags every socket the test opens; this one goes to the server under test only.
        BugDetectors.allowNetworkConnections((host, port) -> port == server.port());
        RawHttp.Exchange exchange = RawHttp.send(server.port(), data, Duration.ofSeconds(60));
        assertThat(exchange.closed()).as("the server closed the connection").isTrue();
        for (RawHttp.Response r : exchange.responses()) {
            assertThat(r.status()).isIn(STATUSES);
            if (r.status() == 100) {
                continue;
            }
            if (r.status() == 200 && r.body().length == 0) {
                assertThat(r.headers().get("content-type")).isEqualTo("application/json"); // HEAD
            } else {
                RawHttp.assertJson(r);
            }
        }
        assertThat(server.unexpectedErrors()).as("errors of the server's own").isZero();
    }
}

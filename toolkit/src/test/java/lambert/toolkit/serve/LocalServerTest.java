package lambert.toolkit.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import lambert.lambda.Handler;
import lambert.lambda.Settings;
import lambert.base.json.Json;
import lambert.runtime.testing.TestModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code lambert serve}'s server on loopback with the real int8 model: the contract over HTTP, and hostile clients
 * (the inputs kept under {@code LocalServerFuzzTestInputs}, oversized bodies, slow heads and bodies, more
 * connections than the bound) answered with the contract's JSON or cut, while good requests go on being answered.
 * No assertion on time: deadlines are short (2 s) so the slow clients are cut soon, and every wait is generous.
 */
class LocalServerTest {
    private static final int LIMIT = 1 << 20;
    private static final Duration PATIENCE = Duration.ofSeconds(120);
    private static final Path INPUTS = Path.of("src/test/resources/lambert/toolkit/serve/LocalServerFuzzTestInputs/"
            + "serve_anyBytesGetJsonOrAClosedConnection");

    private static Handler handler;
    private static LocalServer server;
    private static HttpLimits limits;

    @BeforeAll
    static void start() throws IOException {
        handler = new Handler(Settings.from(Map.of("LAMBERT_MODEL_DIR", TestModels.minilmInt8().toString())), null);
        limits = HttpLimits.defaults(LIMIT).withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2),
                Duration.ofSeconds(30));
        server = LocalServer.start(handler, limits, "127.0.0.1", 0, 4);
    }

    @AfterAll
    static void stop() {
        server.close();
        handler.model().close();
    }

    @Test
    void serve_answersPostGetAndWrongMethodsLikeTheFunction() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        URI uri = URI.create("http://127.0.0.1:" + server.port() + "/");
        HttpResponse<String> post = client.send(HttpRequest.newBuilder(uri)
                .POST(HttpRequest.BodyPublishers.ofString("{\"text\": \"Hey, how are you?\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(200);
        assertThat((List<?>) ((Map<?, ?>) Json.parse(post.body().getBytes())).get("embedding")).hasSize(384);
        HttpResponse<String> get = client.send(HttpRequest.newBuilder(uri).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(get.body()).contains("\"task\":\"embed\"");
        HttpResponse<String> put = client.send(HttpRequest.newBuilder(uri)
                .PUT(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).isEqualTo(405);
        assertThat(put.headers().firstValue("Allow")).contains("GET, HEAD, POST");
        HttpResponse<String> bad = client.send(HttpRequest.newBuilder(uri)
                .POST(HttpRequest.BodyPublishers.ofString("{\"texts\": 3}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(server.unexpectedErrors()).isZero();
    }

    @Test
    void serve_concurrentClientsGetTheirOwnAnswers() throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            HttpClient client = HttpClient.newHttpClient();
            URI uri = URI.create("http://127.0.0.1:" + server.port() + "/");
            List<Future<Map<?, ?>>> answers = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                String text = "sentence " + "word ".repeat(i % 7) + i;
                answers.add(clients.submit(() -> (Map<?, ?>) Json.parse(client.send(HttpRequest.newBuilder(uri)
                        .POST(HttpRequest.BodyPublishers.ofString("{\"text\": \"" + text + "\"}")).build(),
                        HttpResponse.BodyHandlers.ofString()).body().getBytes())));
            }
            for (int i = 0; i < answers.size(); i++) {
                // "sentence", the repeated words, the number, [CLS] and [SEP]
                assertThat(answers.get(i).get().get("tokens")).as("request %d", i).isEqualTo((long) (i % 7 + 4));
            }
        } finally {
            clients.shutdownNow();
        }
    }

    static Stream<String> hostileInputs() throws IOException {
        try (Stream<Path> files = Files.list(INPUTS)) {
            // Named after their statuses; a crash-* file Jazzer leaves after a finding is not a kept input yet.
            return files.map(p -> p.getFileName().toString()).filter(n -> n.matches("[0-9.]+-.+")).sorted().toList()
                    .stream();
        }
    }

    /**
     * Each kept input (named after the statuses it must get, in order) is answered with exactly those statuses,
     * every answer the contract's JSON, and the connection closed after the last.
     */
    @ParameterizedTest
    @MethodSource("hostileInputs")
    void serve_keptInputGetsItsStatusesAsJsonThenTheConnectionCloses(String name) throws Exception {
        List<Integer> expected = Arrays.stream(name.substring(0, name.indexOf('-')).split("\\."))
                .map(Integer::valueOf).toList();
        RawHttp.Exchange exchange = RawHttp.send(server.port(), Files.readAllBytes(INPUTS.resolve(name)), PATIENCE);
        assertThat(exchange.responses().stream().map(RawHttp.Response::status).toList()).isEqualTo(expected);
        for (RawHttp.Response r : exchange.responses()) {
            if (name.startsWith("200-head")) {
                assertThat(r.body()).isEmpty();
                assertThat(r.headers().get("content-length")).isEqualTo(String.valueOf(getBody().length));
            } else {
                RawHttp.assertJson(r);
            }
        }
        assertThat(exchange.closed()).as("connection closed").isTrue();
        assertThat(server.unexpectedErrors()).isZero();
    }

    @Test
    void serve_twoMegabyteHeaderGets431AndIsNotReadToTheEnd() throws Exception {
        byte[] head = ("GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "b".repeat(2 << 20) + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        RawHttp.Exchange exchange = RawHttp.send(server.port(), head, PATIENCE);
        RawHttp.Response r = exchange.first();
        assertThat(r.status()).isEqualTo(431);
        assertThat(RawHttp.assertJson(r).get("errorType")).isEqualTo("RequestTooLarge");
        assertThat((String) r.json().get("errorMessage")).contains(String.valueOf(HttpLimits.DEFAULT_MAX_HEAD_BYTES));
        assertThat(exchange.closed()).isTrue();
    }

    /** A 600 MB chunked body, sent as fast as loopback takes it: 413 once past the limit, and cut long before. */
    @Test
    void serve_hugeChunkedBodyGets413WhileItIsBeingSent() throws Exception {
        RawHttp.Oversized result = sendOversized("Transfer-Encoding: chunked\r\n", 600_000_000L, true);
        assertThat(result.answer().status()).isEqualTo(413);
        assertThat(RawHttp.assertJson(result.answer()).get("errorType")).isEqualTo("RequestTooLarge");
        assertThat((String) result.answer().json().get("errorMessage")).contains("the limit is " + LIMIT);
        // The server stopped reading after the limit and its drain (1 MiB): the client was cut far from 600 MB.
        assertThat(result.sent()).isLessThan(64L << 20);
    }

    /** A Content-Length of 600 MB: 413 from the head alone, before the body. */
    @Test
    void serve_hugeContentLengthGets413BeforeTheBody() throws Exception {
        RawHttp.Oversized result = sendOversized("Content-Length: 600000000\r\n", 600_000_000L, false);
        assertThat(result.answer().status()).isEqualTo(413);
        assertThat((String) RawHttp.assertJson(result.answer()).get("errorMessage"))
                .isEqualTo("the request has 600000000 bytes; the limit is " + LIMIT + " (LAMBERT_MAX_INPUT_BYTES)");
        assertThat(result.sent()).isLessThan(64L << 20);
    }

    /**
     * Twelve clients trickle their heads one byte every 250 ms (more than the request threads the old server had):
     * each gets 408 and is closed at the 2 s deadline, while a good client's requests, sent meanwhile, are all
     * answered correctly.
     */
    @Test
    void serve_slowHeadsAreCutWith408WhileGoodRequestsAreAnswered() throws Exception {
        ExecutorService pool = Executors.newCachedThreadPool();
        try {
            List<Future<RawHttp.Exchange>> slow = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                byte[] request = RawHttp.post("{\"text\": \"slow " + i + "\"}", true);
                slow.add(pool.submit(() -> trickle(request, 0, 250)));
            }
            try (Socket socket = new Socket("127.0.0.1", server.port())) {
                socket.setSoTimeout((int) PATIENCE.toMillis());
                BufferedInputStream in = new BufferedInputStream(socket.getInputStream());
                for (int i = 0; i < 10; i++) {
                    String text = "good " + "word ".repeat(i);
                    socket.getOutputStream().write(RawHttp.post("{\"text\": \"" + text + "\"}", false));
                    RawHttp.Response r = RawHttp.read(in);
                    assertThat(r.status()).as(r.text()).isEqualTo(200);
                    assertThat(RawHttp.assertJson(r).get("tokens")).isEqualTo((long) (i + 3));
                }
            }
            for (Future<RawHttp.Exchange> f : slow) {
                RawHttp.Exchange exchange = f.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
                assertThat(exchange.first().status()).isEqualTo(408);
                assertThat(RawHttp.assertJson(exchange.first()).get("errorType")).isEqualTo("RequestTimeout");
                assertThat(exchange.closed()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** A body trickled one byte every 250 ms after a complete head: 408 at the body deadline, and closed. */
    @Test
    void serve_slowBodyIsCutWith408() throws Exception {
        byte[] request = RawHttp.post("{\"text\": \"" + "slow ".repeat(40) + "\"}", true);
        int bodyStart = new String(request, StandardCharsets.ISO_8859_1).indexOf("\r\n\r\n") + 4;
        RawHttp.Exchange exchange = trickle(request, bodyStart, 250);
        assertThat(exchange.first().status()).isEqualTo(408);
        assertThat((String) RawHttp.assertJson(exchange.first()).get("errorMessage")).contains("request body");
        assertThat(exchange.closed()).isTrue();
    }

    /**
     * With a bound of 2 connections both held by slow clients, a third connection waits to be accepted: it is
     * answered only after a slow one was cut (an order of events, not a time), and answered correctly.
     */
    @Test
    void serve_connectionsPastTheBoundWaitForASlotAndAreThenAnswered() throws Exception {
        try (LocalServer bounded = LocalServer.start(handler, limits.withMaxConnections(2), "127.0.0.1", 0, 2)) {
            ExecutorService pool = Executors.newCachedThreadPool();
            try {
                AtomicLong firstCut = new AtomicLong(Long.MAX_VALUE);
                List<Future<RawHttp.Exchange>> slow = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    slow.add(pool.submit(() -> {
                        RawHttp.Exchange e = RawHttp.trickle(bounded.port(), RawHttp.post("{\"text\": \"x\"}", true), 0,
                                250, PATIENCE);
                        firstCut.accumulateAndGet(System.nanoTime(), Math::min);
                        return e;
                    }));
                }
                while (bounded.openConnections() < 2) { // both slots taken before the good client comes
                    Thread.sleep(20);
                }
                RawHttp.Exchange good = RawHttp.send(bounded.port(), RawHttp.post("{\"text\": \"good\"}", true),
                        PATIENCE);
                long answered = System.nanoTime();
                assertThat(good.first().status()).isEqualTo(200);
                assertThat(RawHttp.assertJson(good.first()).get("tokens")).isEqualTo(3L);
                for (Future<RawHttp.Exchange> f : slow) {
                    assertThat(f.get(PATIENCE.toSeconds(), TimeUnit.SECONDS).first().status()).isEqualTo(408);
                }
                assertThat(answered).as("the good client answered after a slow one was cut").isGreaterThan(
                        firstCut.get());
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /** HEAD is GET without the body: the same status and Content-Length, no body bytes. */
    @Test
    void serve_headIsAnsweredLikeGetWithoutTheBody() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout((int) PATIENCE.toMillis());
            socket.getOutputStream().write(("HEAD / HTTP/1.1\r\nHost: localhost\r\n\r\nGET / HTTP/1.1\r\n"
                    + "Host: localhost\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            RawHttp.Exchange both = RawHttp.readAll(new BufferedInputStream(socket.getInputStream()));
            assertThat(both.responses()).hasSize(2);
            RawHttp.Response head = both.responses().get(0);
            RawHttp.Response get = both.responses().get(1);
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.body()).isEmpty();
            assertThat(head.headers().get("content-length")).isEqualTo(String.valueOf(get.body().length));
            assertThat(RawHttp.assertJson(get).get("task")).isEqualTo("embed");
        }
    }

    /** {@code Expect: 100-continue} (curl sends it for bodies over 1 KiB): 100, then the answer. */
    @Test
    void serve_expectContinueGets100ThenTheAnswer() throws Exception {
        String json = "{\"text\": \"" + "long ".repeat(300) + "\"}";
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout((int) PATIENCE.toMillis());
            OutputStream out = socket.getOutputStream();
            BufferedInputStream in = new BufferedInputStream(socket.getInputStream());
            out.write(("POST / HTTP/1.1\r\nHost: localhost\r\nExpect: 100-continue\r\nContent-Length: " + json.length()
                    + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            assertThat(RawHttp.read(in).status()).isEqualTo(100);
            out.write(json.getBytes(StandardCharsets.UTF_8));
            RawHttp.Response r = RawHttp.read(in);
            assertThat(r.status()).isEqualTo(200);
            assertThat(RawHttp.assertJson(r).get("truncated")).isEqualTo(true);
        }
    }

    /** Over the limit with {@code Expect: 100-continue}: 413 at once, no 100, so the client never sends it. */
    @Test
    void serve_expectContinueOverTheLimitGets413Without100() throws Exception {
        RawHttp.Exchange exchange = RawHttp.send(server.port(), ("POST / HTTP/1.1\r\nHost: localhost\r\n"
                + "Expect: 100-continue\r\nContent-Length: " + (LIMIT + 1) + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1), PATIENCE);
        assertThat(exchange.responses()).hasSize(1);
        assertThat(exchange.first().status()).isEqualTo(413);
        RawHttp.assertJson(exchange.first());
    }

    /** A body of exactly the limit is read and answered (its text cut at the model's length, and flagged). */
    @Test
    void serve_bodyOfExactlyTheLimitIsRead() throws Exception {
        String json = "{\"text\": \"" + "a ".repeat((LIMIT - 12) / 2) + "\"}";
        assertThat(json.length()).isEqualTo(LIMIT);
        RawHttp.Response r = RawHttp.send(server.port(), RawHttp.post(json, true), PATIENCE).first();
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(RawHttp.assertJson(r).get("truncated")).isEqualTo(true);
    }

    private static byte[] getBody() throws IOException {
        return RawHttp.send(server.port(), "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1), PATIENCE).first().body();
    }

    private static RawHttp.Exchange trickle(byte[] request, int from, long everyMillis) throws Exception {
        return RawHttp.trickle(server.port(), request, from, everyMillis, PATIENCE);
    }

    private static RawHttp.Oversized sendOversized(String framing, long total, boolean chunked) throws Exception {
        return RawHttp.sendOversized(server.port(), framing, total, chunked, PATIENCE);
    }
}

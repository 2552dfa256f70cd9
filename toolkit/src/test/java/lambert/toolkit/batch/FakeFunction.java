package lambert.toolkit.batch;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import lambert.base.json.Json;

/**
 * A function URL on 127.0.0.1 for the driver's tests: GET answers the contract's model information, POST
 * {@code {"texts": [...]}} answers embeddings of {@link #DIMENSIONS} made by {@link #vector} (a formula the tests
 * compute on their own), and faults are injected by rule: every {@code throttleEvery}-th request 429, a request with a
 * text containing {@code POISON} 500, one containing {@code REFUSE} 400, one containing {@code SLOW} answered only
 * after {@code slowMillis} the first time it is seen, and after {@code fatalAfter} requests 403 to everything.
 */
final class FakeFunction implements AutoCloseable {
    static final int DIMENSIONS = 4;

    private final HttpServer server;
    private final ExecutorService pool = Executors.newFixedThreadPool(8);
    final AtomicInteger posts = new AtomicInteger();
    final AtomicInteger throttled = new AtomicInteger();
    final List<Integer> textsPerRequest = java.util.Collections.synchronizedList(new ArrayList<>());
    private final java.util.Set<String> slowSeen = java.util.concurrent.ConcurrentHashMap.newKeySet();
    volatile int throttleEvery;
    volatile long slowMillis = 5000;
    volatile int fatalAfter = Integer.MAX_VALUE;
    volatile int maxTexts = 8;
    volatile int maxInputBytes = 1 << 20;

    FakeFunction() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    /** The fake's embedding of {@code text}: length, code point sum, first and last code point. */
    static float[] vector(String text) {
        int[] cps = text.codePoints().toArray();
        long sum = 0;
        for (int c : cps) {
            sum += c;
        }
        return new float[] {cps.length, sum / 7f, cps[0], cps[cps.length - 1] + 0.5f};
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            byte[] in = x.getRequestBody().readAllBytes();
            if (x.getRequestMethod().equals("GET")) {
                reply(x, 200, ("{\"model\":\"fake\",\"task\":\"embed\",\"max_length\":128,\"output_size\":" + DIMENSIONS
                        + ",\"labels\":[],\"quantization\":\"none\",\"max_texts\":" + maxTexts + ",\"max_input_bytes\":"
                        + maxInputBytes + ",\"lambert_version\":\"test\"}").getBytes(StandardCharsets.UTF_8));
                return;
            }
            int n = posts.incrementAndGet();
            if (n > fatalAfter) {
                reply(x, 403, "{\"message\":\"Forbidden\"}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (throttleEvery > 0 && n % throttleEvery == 0) {
                throttled.incrementAndGet();
                reply(x, 429, "{\"message\":\"Too Many Requests\"}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            Map<?, ?> request = (Map<?, ?>) Json.parse(in);
            List<?> texts = (List<?>) request.get("texts");
            textsPerRequest.add(texts.size());
            if (!"base64".equals(request.get("encoding"))) {
                reply(x, 400, "{\"errorType\":\"InvalidRequest\",\"errorMessage\":\"expected base64\"}"
                        .getBytes(StandardCharsets.UTF_8));
                return;
            }
            for (Object t : texts) {
                String s = (String) t;
                if (s.contains("SLOW") && slowSeen.add(s)) {
                    Thread.sleep(slowMillis);
                }
                if (s.contains("POISON")) {
                    reply(x, 500, "{\"errorType\":\"ModelFailed\",\"errorMessage\":\"the model failed\"}"
                            .getBytes(StandardCharsets.UTF_8));
                    return;
                }
                if (s.contains("REFUSE")) {
                    reply(x, 400, "{\"errorType\":\"InvalidRequest\",\"errorMessage\":\"texts[0] is refused\"}"
                            .getBytes(StandardCharsets.UTF_8));
                    return;
                }
            }
            StringBuilder b = new StringBuilder("{\"task\":\"embed\",\"model\":\"fake\",\"dimensions\":4,"
                    + "\"encoding\":\"base64\",\"results\":[");
            for (int i = 0; i < texts.size(); i++) {
                ByteBuffer v = ByteBuffer.allocate(DIMENSIONS * 4).order(ByteOrder.LITTLE_ENDIAN);
                v.asFloatBuffer().put(vector((String) texts.get(i)));
                b.append(i == 0 ? "" : ",").append("{\"embedding\":\"")
                        .append(Base64.getEncoder().encodeToString(v.array())).append("\",\"tokens\":")
                        .append(((String) texts.get(i)).length() + 2).append(",\"truncated\":false}");
            }
            b.append("],\"truncated\":[]}");
            reply(x, 200, b.toString().getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    private static void reply(HttpExchange x, int status, byte[] body) throws IOException {
        x.getResponseHeaders().set("content-type", "application/json");
        x.sendResponseHeaders(status, body.length);
        x.getResponseBody().write(body);
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}

package lambert.toolkit.emulator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Lambda Runtime API on 127.0.0.1, as the official runtime interface client speaks it:
 * {@code GET /2018-06-01/runtime/invocation/next} (long poll, with the headers Lambda sends for a call that is not
 * from the AWS Mobile SDK: no client context or Cognito identity),
 * {@code POST .../invocation/{id}/response}, {@code POST .../invocation/{id}/error} and
 * {@code POST .../init/error}.
 */
final class RuntimeApiServer implements AutoCloseable {
    private static final String PREFIX = "/2018-06-01/runtime/";

    /** An event handed to the function. */
    record Invocation(String requestId, byte[] payload, long deadlineEpochMs, String functionArn) {}

    /** What the function answered. */
    record Outcome(boolean error, byte[] body, String errorType, long receivedNanos) {}

    private final HttpServer server;
    private final ExecutorService executor;
    private final BlockingQueue<Invocation> pending = new LinkedBlockingQueue<>();
    private final Map<String, CompletableFuture<Outcome>> outcomes = new ConcurrentHashMap<>();
    private final CompletableFuture<Long> firstPoll = new CompletableFuture<>();
    private final AtomicBoolean initEnded = new AtomicBoolean();
    private final CompletableFuture<Outcome> initError = new CompletableFuture<>();
    private final Map<String, Long> deliveredNanos = new ConcurrentHashMap<>();
    private final AtomicInteger answered = new AtomicInteger();

    /** Told when an event is handed to the function and when its answer arrives, in that order. */
    interface Listener {
        /** Just before the event with this id is handed to the function. */
        void delivered(String requestId);

        /** When the answer arrives, before the function is told it was received (and may ask for more). */
        void answered(String requestId, Outcome outcome);

        /** When the function first asks for an event (its INIT phase is over), before any event is handed over. */
        void initEnded();
    }

    private final Listener listener;

    RuntimeApiServer(Listener listener) throws IOException {
        this.listener = listener;
        // Without TCP_NODELAY every reply waits out the client's delayed ACK: about 40 ms per invocation.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "lambert-runtime-api");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext(PREFIX, this::route);
        server.start();
        try {
            warmUp();
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Answers one request of its own before any function starts, so that the function's first Duration does not pay
     * for this server's cold start. Lambda's Runtime API is a warm server; this one is the JDK's HTTP server in a
     * fresh JVM, whose first reply formats its {@code Date} header with locale and time-zone data loaded on first
     * use: 190 ms between the event's delivery time and its bytes on a busy 2-core machine, all of it counted in the
     * function's first Duration. The request posts an answer for a request id that does not exist (a 400, which
     * reaches no listener), through the same code that reads answers and writes replies.
     */
    private void warmUp() throws IOException {
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        String request = "POST " + PREFIX + "invocation/lambert-warm-up/response HTTP/1.1\r\nHost: " + address()
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                + "\r\nConnection: close\r\n\r\n";
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.getAddress().getPort())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            byte[] reply = socket.getInputStream().readAllBytes();
            String status = new String(reply, 0, Math.min(reply.length, 12), StandardCharsets.US_ASCII);
            if (!status.equals("HTTP/1.1 400")) {
                throw new IOException("the emulated Runtime API did not answer its own warm-up request as expected "
                        + "(HTTP/1.1 400), found \"" + status + "\"");
            }
        }
    }

    /** How many requests this server has answered (its own warm-up included). */
    int answered() {
        return answered.get();
    }

    /** {@code host:port} for {@code AWS_LAMBDA_RUNTIME_API}. */
    String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** Completes with the time of the function's first {@code next} call: its init is over. */
    CompletableFuture<Long> firstPoll() {
        return firstPoll;
    }

    /** Completes if the function reports an init error. */
    CompletableFuture<Outcome> initError() {
        return initError;
    }

    /** Queues an event; the returned future completes with the function's answer. */
    CompletableFuture<Outcome> invoke(Invocation invocation) {
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        outcomes.put(invocation.requestId(), outcome);
        pending.add(invocation);
        return outcome;
    }

    /** When the event with this id was handed to the function, in {@link System#nanoTime()}. */
    Long deliveredAt(String requestId) {
        return deliveredNanos.get(requestId);
    }

    private void route(HttpExchange exchange) throws IOException {
        answered.incrementAndGet();
        try (exchange) {
            String path = exchange.getRequestURI().getPath().substring(PREFIX.length());
            String method = exchange.getRequestMethod();
            if (method.equals("GET") && path.equals("invocation/next")) {
                next(exchange);
            } else if (method.equals("POST") && path.equals("init/error")) {
                byte[] body = exchange.getRequestBody().readAllBytes();
                initError.complete(new Outcome(true, body, errorType(exchange), System.nanoTime()));
                reply(exchange, 202, "{\"status\":\"OK\"}");
            } else if (method.equals("POST") && path.startsWith("invocation/")) {
                String[] parts = path.split("/");
                CompletableFuture<Outcome> outcome = parts.length == 3 ? outcomes.remove(parts[1]) : null;
                byte[] body = exchange.getRequestBody().readAllBytes();
                if (outcome == null) {
                    reply(exchange, 400, "{\"errorMessage\":\"unknown request id\",\"errorType\":\"InvalidRequestID\"}");
                    return;
                }
                boolean error = parts[2].equals("error");
                Outcome result = new Outcome(error, body, error ? errorType(exchange) : null, System.nanoTime());
                listener.answered(parts[1], result);
                outcome.complete(result);
                reply(exchange, 202, "{\"status\":\"OK\"}");
            } else {
                reply(exchange, 404, "{\"errorMessage\":\"no such Runtime API path: " + path + "\"}");
            }
        }
    }

    private void next(HttpExchange exchange) throws IOException {
        long now = System.nanoTime();
        if (initEnded.compareAndSet(false, true)) {
            listener.initEnded();
            firstPoll.complete(now);
        }
        Invocation invocation;
        try {
            invocation = pending.poll(365, TimeUnit.DAYS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (invocation == null) {
            return;
        }
        var headers = exchange.getResponseHeaders();
        headers.add("Content-Type", "application/json");
        headers.add("Lambda-Runtime-Aws-Request-Id", invocation.requestId());
        headers.add("Lambda-Runtime-Deadline-Ms", Long.toString(invocation.deadlineEpochMs()));
        headers.add("Lambda-Runtime-Invoked-Function-Arn", invocation.functionArn());
        headers.add("Lambda-Runtime-Trace-Id", "Root=1-" + Long.toHexString(System.currentTimeMillis() / 1000)
                + "-" + invocation.requestId().replace("-", "").substring(0, 24) + ";Parent=0000000000000001;Sampled=0");
        // No Lambda-Runtime-Client-Context or Lambda-Runtime-Cognito-Identity: Lambda sends them only for calls from
        // the AWS Mobile SDK (its Runtime API leaves empty headers out). Sent as "{}", they made AWS's Java runtime
        // client build Gson serializers for both on the first invocation, ~40 ms of its Duration no real call pays.
        listener.delivered(invocation.requestId());
        deliveredNanos.put(invocation.requestId(), System.nanoTime());
        exchange.sendResponseHeaders(200, invocation.payload().length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(invocation.payload());
        }
    }

    private static String errorType(HttpExchange exchange) {
        String type = exchange.getRequestHeaders().getFirst("Lambda-Runtime-Function-Error-Type");
        return type == null ? "Unhandled" : type;
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}

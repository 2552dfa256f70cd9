package lambert.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import lambert.lambda.Handler;
import lambert.runtime.contract.Reply;

/**
 * The function's handler behind an HTTP endpoint on this machine: POST answers the JSON body, GET the
 * model information, other methods 405, exactly as an HTTP event on Lambda is answered. The handler runs in
 * this process, or in an emulated function ({@link lambert.cli.emulator.FunctionUrl}).
 */
final class LocalServer implements AutoCloseable {
    /** What answers a request. */
    interface Endpoint {
        /** The reply to one request. */
        Reply answer(String method, byte[] body, String requestId) throws IOException;
    }

    private final Endpoint handler;
    private final HttpServer server;
    private final ExecutorService pool;

    private LocalServer(Endpoint handler, HttpServer server, ExecutorService pool) {
        this.handler = handler;
        this.server = server;
        this.pool = pool;
    }

    /** Starts serving the handler on {@code host:port} (port 0 picks a free one) with {@code threads} request threads. */
    static LocalServer start(Handler handler, String host, int port, int threads) throws IOException {
        return start(handler::handleHttp, host, port, threads);
    }

    /** Starts serving {@code endpoint} on {@code host:port} with {@code threads} request threads. */
    static LocalServer start(Endpoint handler, String host, int port, int threads) throws IOException {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
        // The JDK reads this once per process, when its first HttpServer starts: set here as in the
        // emulator's Runtime API server, so whichever starts first, neither waits out delayed ACKs (40 ms).
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(host), port), 64);
        LocalServer local = new LocalServer(handler, server, pool);
        server.setExecutor(pool);
        server.createContext("/", local::answer);
        server.start();
        return local;
    }

    /** The port it listens on. */
    int port() {
        return server.getAddress().getPort();
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String requestId = UUID.randomUUID().toString();
            Reply reply;
            try {
                reply = handler.answer(exchange.getRequestMethod(), body, requestId);
            } catch (IOException e) {
                reply = new Reply(502, lambert.runtime.contract.ResponseWriter.error("FunctionUnavailable",
                        e.getMessage(), null, requestId), "FunctionUnavailable", null);
            }
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            if (reply.status() == 405) {
                exchange.getResponseHeaders().add("Allow", "GET, POST");
            }
            exchange.sendResponseHeaders(reply.status(), reply.body().length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(reply.body());
            }
        }
    }

    /** Stops accepting, lets requests under way finish (1 s at most), and stops the threads. */
    @Override
    public void close() {
        server.stop(1);
        pool.shutdownNow();
    }
}

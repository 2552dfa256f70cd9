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
 * model information, other methods 405, exactly as an HTTP event on Lambda is answered.
 */
final class LocalServer implements AutoCloseable {
    private final Handler handler;
    private final HttpServer server;
    private final ExecutorService pool;

    private LocalServer(Handler handler, HttpServer server, ExecutorService pool) {
        this.handler = handler;
        this.server = server;
        this.pool = pool;
    }

    /** Starts serving on {@code host:port} (port 0 picks a free one) with {@code threads} request threads. */
    static LocalServer start(Handler handler, String host, int port, int threads) throws IOException {
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
            Reply reply = handler.handleHttp(exchange.getRequestMethod(), body, UUID.randomUUID().toString());
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

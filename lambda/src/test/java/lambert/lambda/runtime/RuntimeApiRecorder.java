package lambert.lambda.runtime;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A Runtime API on 127.0.0.1 for the loop's tests: hands out the events queued with their headers as given, and
 * records every request the loop sends (method, path, headers, body) exactly as it arrived.
 */
final class RuntimeApiRecorder implements AutoCloseable {
    /** A request the loop sent. */
    record Request(String method, String path, Map<String, List<String>> headers, byte[] body) {
        String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue().get(0);
                }
            }
            return null;
        }
    }

    /** An event to hand out: the response headers of {@code next} and the body. */
    record Event(Map<String, String> headers, byte[] body) {}

    private final HttpServer server;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    final List<Request> requests = new CopyOnWriteArrayList<>();

    RuntimeApiRecorder() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        server.createContext("/", this::handle);
        server.start();
    }

    String hostPort() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    void queue(Map<String, String> headers, byte[] body) {
        events.add(new Event(headers, body));
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    Map.copyOf(exchange.getRequestHeaders()), body));
            if (exchange.getRequestMethod().equals("GET")) {
                Event event;
                try {
                    event = events.poll(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                if (event == null) {
                    exchange.sendResponseHeaders(500, -1);
                    return;
                }
                event.headers().forEach(exchange.getResponseHeaders()::add);
                exchange.sendResponseHeaders(200, event.body().length);
                exchange.getResponseBody().write(event.body());
            } else {
                byte[] ok = "{\"status\":\"OK\"}".getBytes();
                exchange.sendResponseHeaders(202, ok.length);
                exchange.getResponseBody().write(ok);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

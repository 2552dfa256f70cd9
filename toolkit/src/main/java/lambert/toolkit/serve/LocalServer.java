package lambert.toolkit.serve;

import java.io.IOException;
import lambert.lambda.Handler;

/**
 * The function's handler behind an HTTP endpoint on this machine: POST answers the JSON body, GET (and HEAD) the
 * model information, other methods 405, exactly as an HTTP event on Lambda is answered. The HTTP layer is
 * {@link JsonHttpServer}: bodies limited while they are read, slow clients cut at their deadline, and every answer,
 * protocol errors included, the contract's JSON. The handler runs in this process, or in an emulated function
 * ({@link lambert.toolkit.emulator.FunctionUrl}).
 */
public final class LocalServer implements AutoCloseable {
    private final JsonHttpServer server;

    private LocalServer(JsonHttpServer server) {
        this.server = server;
    }

    /**
     * Starts serving on {@code host:port} (port 0 picks a free one), answering {@code threads} requests at once.
     */
    public static LocalServer start(Handler handler, HttpLimits limits, String host, int port, int threads)
            throws IOException {
        return start(handler::handleHttp, limits, host, port, threads);
    }

    /** Starts serving what {@code responder} answers (an emulated function's {@code FunctionUrl}) on {@code host:port}. */
    public static LocalServer start(JsonHttpServer.Responder responder, HttpLimits limits, String host, int port, int threads)
            throws IOException {
        return new LocalServer(JsonHttpServer.start(responder, limits, host, port, Math.max(1, threads)));
    }

    /** The port it listens on. */
    public int port() {
        return server.port();
    }

    /** Errors of the server's own so far (see {@link JsonHttpServer#unexpectedErrors()}). */
    public long unexpectedErrors() {
        return server.unexpectedErrors();
    }

    /** Connections held now. */
    public int openConnections() {
        return server.openConnections();
    }

    /** Stops accepting, lets answers under way finish (1 s at most), and closes every connection. */
    @Override
    public void close() {
        server.close();
    }
}

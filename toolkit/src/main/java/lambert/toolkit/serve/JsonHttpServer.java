package lambert.toolkit.serve;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import lambert.runtime.contract.Reply;
import lambert.runtime.contract.RequestException;
import lambert.runtime.contract.ResponseWriter;

/**
 * An HTTP/1.1 server whose every answer is JSON: requests that can be framed go to a {@link Responder}, whose
 * {@link Reply} is written back; requests that cannot (malformed, ambiguous, too large, too slow) get the
 * contract's error body ({@code {"errorType": ..., "errorMessage": ...}}) with their status, and the connection is
 * closed after it. {@code HEAD} is answered as {@code GET} without the body.
 *
 * <p>One thread per connection, at most {@link HttpLimits#maxConnections()} of them (past that, new connections
 * wait in the listen queue); the responder runs for at most {@code answers} requests at once, and only once a
 * request's body is read in full, so slow clients hold a connection, never an answer slot, and only until their
 * deadline.
 *
 * <pre>{@code
 * try (JsonHttpServer server = JsonHttpServer.start((method, body, id) -> handler.handleHttp(method, body, id),
 *         HttpLimits.defaults(1 << 20), "127.0.0.1", 8080, 8)) {
 *     ...
 * }
 * }</pre>
 */
public final class JsonHttpServer implements AutoCloseable {
    /** Answers one well-formed request. */
    @FunctionalInterface
    public interface Responder {
        /**
         * @param method the request's method ({@code GET} for a {@code HEAD} request)
         * @param body the request body, empty without one
         * @param requestId an id for this request, for error messages and logs
         * @return the answer; a 405 answer is sent with {@code Allow: GET, HEAD, POST}
         */
        Reply answer(String method, byte[] body, String requestId);
    }

    private static final int BACKLOG = 128;

    private final Responder responder;
    private final HttpLimits limits;
    private final ServerSocket listener;
    private final Semaphore connectionSlots;
    private final Semaphore answerSlots;
    private final int answers;
    private final ExecutorService connections;
    private final ScheduledExecutorService watchdog;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong unexpected = new AtomicLong();
    private final Thread acceptor;
    private volatile boolean closing;

    private JsonHttpServer(Responder responder, HttpLimits limits, ServerSocket listener, int answers) {
        this.responder = responder;
        this.limits = limits;
        this.listener = listener;
        this.connectionSlots = new Semaphore(limits.maxConnections());
        this.answers = answers;
        this.answerSlots = new Semaphore(answers);
        AtomicInteger n = new AtomicInteger();
        this.connections = Executors.newCachedThreadPool(r -> daemon(r, "lambert-serve-" + n.incrementAndGet()));
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1,
                r -> daemon(r, "lambert-serve-watchdog"));
        timer.setRemoveOnCancelPolicy(true);
        this.watchdog = timer;
        this.acceptor = daemon(this::acceptLoop, "lambert-serve-accept");
    }

    /**
     * Starts listening on {@code host:port} (port 0 picks a free one).
     *
     * @param answers how many requests the responder answers at once
     */
    public static JsonHttpServer start(Responder responder, HttpLimits limits, String host, int port, int answers)
            throws IOException {
        if (answers < 1) {
            throw new IllegalArgumentException("answers must be positive, found " + answers);
        }
        ServerSocket listener = new ServerSocket();
        try {
            listener.setReuseAddress(true);
            listener.bind(new InetSocketAddress(InetAddress.getByName(host), port), BACKLOG);
        } catch (IOException e) {
            listener.close();
            throw e;
        }
        JsonHttpServer server = new JsonHttpServer(responder, limits, listener, answers);
        server.acceptor.start();
        return server;
    }

    /** The port it listens on. */
    public int port() {
        return listener.getLocalPort();
    }

    /** The limits it enforces. */
    public HttpLimits limits() {
        return limits;
    }

    /**
     * How many connections ended in an error of the server's own (an exception from the responder or from this
     * server's code) rather than an answer or a protocol error; each was also printed on standard error.
     */
    public long unexpectedErrors() {
        return unexpected.get();
    }

    /** How many connections it holds now (at most {@link HttpLimits#maxConnections()}). */
    public int openConnections() {
        return open.size();
    }

    private void acceptLoop() {
        while (!closing) {
            try {
                connectionSlots.acquire();
            } catch (InterruptedException e) {
                return;
            }
            Socket socket;
            try {
                socket = listener.accept();
            } catch (IOException e) {
                connectionSlots.release();
                if (closing) {
                    return;
                }
                // Out of file descriptors, say: report once a while, do not spin.
                report(e);
                sleepQuietly(100);
                continue;
            }
            long acceptedAt = System.nanoTime();
            open.add(socket);
            try {
                connections.execute(() -> {
                    try {
                        new HttpConnection(this, socket, acceptedAt).run();
                    } finally {
                        open.remove(socket);
                        connectionSlots.release();
                    }
                });
            } catch (RejectedExecutionException e) {
                // closing: the threads are stopped, so is this connection
                open.remove(socket);
                HttpConnection.closeQuietly(socket);
                connectionSlots.release();
                return;
            }
        }
    }

    /** Answers one framed request, with at most {@code answers} at once; never throws. */
    Reply answer(String method, byte[] body) throws InterruptedException {
        String requestId = UUID.randomUUID().toString();
        answerSlots.acquire();
        try {
            return responder.answer(method, body, requestId);
        } catch (RuntimeException e) {
            report(e);
            return new Reply(500, ResponseWriter.error(RequestException.INTERNAL, "the server failed to answer: " + e
                    + " (request id " + requestId + ")", null, requestId), RequestException.INTERNAL, null);
        } finally {
            answerSlots.release();
        }
    }

    HttpLimits httpLimits() {
        return limits;
    }

    ScheduledExecutorService watchdog() {
        return watchdog;
    }

    boolean closing() {
        return closing;
    }

    /** An error of the server's own: counted and printed as one line. */
    void report(Throwable e) {
        unexpected.incrementAndGet();
        System.err.println("lambert serve: unexpected error: " + e);
    }

    /**
     * Stops accepting, lets answers under way finish (1 s at most), then closes every connection and stops the
     * threads.
     */
    @Override
    public void close() {
        closing = true;
        try {
            listener.close();
        } catch (IOException e) {
            // closing anyway
        }
        acceptor.interrupt();
        try {
            if (answerSlots.tryAcquire(answers, 1, TimeUnit.SECONDS)) {
                answerSlots.release(answers);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Socket socket : open) {
            HttpConnection.closeQuietly(socket);
        }
        connections.shutdownNow();
        watchdog.shutdownNow();
        try {
            connections.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

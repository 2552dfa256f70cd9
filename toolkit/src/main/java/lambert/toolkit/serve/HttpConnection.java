package lambert.toolkit.serve;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import lambert.runtime.contract.Reply;
import lambert.runtime.contract.ResponseWriter;

/**
 * One connection: requests read by a {@link RequestReader}, answered in order (pipelined ones too), until the
 * client closes it, asks to, stays idle past the idle timeout, or sends something that ends in a protocol error.
 */
final class HttpConnection {
    /**
     * After a protocol error, what a client may still send (1 MiB, 2 s) before the connection is closed anyway:
     * closing with unread bytes resets the connection, and some clients then lose the answer they have not read yet.
     */
    static final long DRAIN_BYTES = 1L << 20;
    static final long DRAIN_MILLIS = 2000;
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    private final JsonHttpServer server;
    private final Socket socket;
    private final long acceptedAt;

    HttpConnection(JsonHttpServer server, Socket socket, long acceptedAtNanos) {
        this.server = server;
        this.socket = socket;
        this.acceptedAt = acceptedAtNanos;
    }

    void run() {
        try (socket) {
            socket.setTcpNoDelay(true);
            RequestReader reader = new RequestReader(socket, server.httpLimits(), acceptedAt);
            OutputStream out = socket.getOutputStream();
            boolean first = true;
            while (!server.closing()) {
                RequestReader.Head head;
                byte[] body;
                try {
                    head = reader.readHead(first);
                    if (head == null) {
                        return;
                    }
                    first = false;
                    if (head.expectContinue() && head.hasBody()) {
                        write(out, CONTINUE);
                    }
                    body = reader.readBody(head);
                } catch (ProtocolException e) {
                    byte[] error = ResponseWriter.error(e.type(), e.getMessage(), null, null);
                    write(out, response(e.status(), error, false, true));
                    socket.shutdownOutput();
                    reader.drain(DRAIN_BYTES, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DRAIN_MILLIS));
                    return;
                }
                boolean isHead = head.method().equals("HEAD");
                Reply reply = server.answer(isHead ? "GET" : head.method(), body);
                boolean keepAlive = head.keepAlive() && reply.status() < 500 && !server.closing();
                write(out, response(reply.status(), reply.body(), isHead, !keepAlive));
                if (!keepAlive) {
                    socket.shutdownOutput();
                    return;
                }
            }
        } catch (IOException e) {
            // The client went away or was cut by the write timeout: there is no one left to answer.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            server.report(e);
        }
    }

    /** Writes within the write timeout: a client that stops reading has its connection closed under it. */
    private void write(OutputStream out, byte[] bytes) throws IOException {
        ScheduledFuture<?> cut = server.watchdog().schedule(() -> closeQuietly(socket),
                server.httpLimits().writeTimeout().toMillis(), TimeUnit.MILLISECONDS);
        try {
            out.write(bytes);
            out.flush();
        } finally {
            cut.cancel(false);
        }
    }

    /** The status line, headers and (unless for HEAD) the JSON body of an answer. */
    static byte[] response(int status, byte[] body, boolean head, boolean close) {
        StringBuilder h = new StringBuilder(160);
        h.append("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
        h.append("Date: ").append(DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC)))
                .append("\r\n");
        h.append("Content-Type: application/json\r\n");
        h.append("Content-Length: ").append(body.length).append("\r\n");
        if (status == 405) {
            h.append("Allow: GET, HEAD, POST\r\n");
        }
        if (close) {
            h.append("Connection: close\r\n");
        }
        h.append("\r\n");
        byte[] headers = h.toString().getBytes(StandardCharsets.ISO_8859_1);
        if (head) {
            return headers;
        }
        byte[] all = new byte[headers.length + body.length];
        System.arraycopy(headers, 0, all, 0, headers.length);
        System.arraycopy(body, 0, all, headers.length, body.length);
        return all;
    }

    static String reason(int status) {
        switch (status) {
            case 200:
                return "OK";
            case 400:
                return "Bad Request";
            case 405:
                return "Method Not Allowed";
            case 408:
                return "Request Timeout";
            case 413:
                return "Content Too Large";
            case 431:
                return "Request Header Fields Too Large";
            case 500:
                return "Internal Server Error";
            case 501:
                return "Not Implemented";
            case 504:
                return "Gateway Timeout";
            case 505:
                return "HTTP Version Not Supported";
            default:
                return "Status " + status;
        }
    }

    static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }
}

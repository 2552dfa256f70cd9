package lambert.lambda.runtime;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Runtime API on 127.0.0.1 that answers each request with the next scripted reply, written byte for byte as given
 * (so that chunked bodies, {@code 1xx} responses, closed connections and HTTP/1.0 can be played to the client), and
 * records the raw requests and how many connections were accepted.
 */
final class ScriptedRuntimeApi implements AutoCloseable {
    /** What to do with one request: write {@code bytes} (none: answer nothing), then close the connection or not. */
    record Reply(byte[] bytes, boolean close) {
        static Reply of(String raw) {
            return new Reply(raw.getBytes(StandardCharsets.ISO_8859_1), false);
        }

        static Reply closing(String raw) {
            return new Reply(raw.getBytes(StandardCharsets.ISO_8859_1), true);
        }
    }

    private final ServerSocket server;
    private final BlockingQueue<Reply> replies = new LinkedBlockingQueue<>();
    final List<String> requests = new CopyOnWriteArrayList<>();
    final AtomicInteger connections = new AtomicInteger();
    private final Thread acceptor;

    ScriptedRuntimeApi() throws IOException {
        server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::accept, "scripted-runtime-api");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String hostPort() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    void reply(Reply... next) {
        replies.addAll(List.of(next));
    }

    private void accept() {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                connections.incrementAndGet();
                serve(s);
            } catch (IOException | InterruptedException e) {
                // the client went away or the server closed: take the next connection
            }
        }
    }

    private void serve(Socket s) throws IOException, InterruptedException {
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        while (true) {
            String request = readRequest(in);
            if (request == null) {
                return;
            }
            requests.add(request);
            Reply reply = replies.poll(30, TimeUnit.SECONDS);
            if (reply == null) {
                return;
            }
            out.write(reply.bytes());
            out.flush();
            if (reply.close()) {
                return;
            }
        }
    }

    /** The request's head and body as ISO-8859-1 text; null at the end of the stream. */
    private static String readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            head.write(c);
            byte[] h = head.toByteArray();
            int n = h.length;
            if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
                break;
            }
        }
        if (c < 0) {
            return null;
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        int length = 0;
        for (String line : text.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        return text + new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}

package lambert.toolkit.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import lambert.base.json.Json;
import lambert.base.json.JsonException;

/**
 * HTTP/1.1 spoken as bytes, to send what real clients never would, and answers read strictly (RFC 9112
 * framing: status line, header fields, Content-Length body): anything else from the server fails the test.
 */
public final class RawHttp {
    private RawHttp() {}

    /** One answer: status, header fields (names in lower case), body. */
    public record Response(int status, Map<String, String> headers, byte[] body) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** The body as a JSON object. */
        public Map<?, ?> json() {
            return (Map<?, ?>) parse(body);
        }
    }

    /**
     * What came back on one connection.
     *
     * @param responses every answer, interim {@code 100 Continue} included, in order
     * @param closed whether the server closed the connection (rather than the read timing out)
     */
    public record Exchange(List<Response> responses, boolean closed) {
        public Response first() {
            assertThat(responses).as("answers").isNotEmpty();
            return responses.get(0);
        }
    }

    /** Sends {@code request}, ends the sending side, and reads every answer until the server closes. */
    public static Exchange send(int port, byte[] request, Duration readTimeout) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) readTimeout.toMillis());
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request);
                out.flush();
                socket.shutdownOutput();
            } catch (SocketException e) {
                // The server answered and closed before taking everything: read what it said.
            }
            return readAll(new BufferedInputStream(socket.getInputStream()));
        }
    }

    /** Every answer until the end of the stream; fails on anything that is not a complete HTTP/1.1 answer. */
    public static Exchange readAll(BufferedInputStream in) throws IOException {
        List<Response> responses = new ArrayList<>();
        try {
            for (Response r = read(in); r != null; r = read(in)) {
                responses.add(r);
            }
        } catch (java.net.SocketTimeoutException e) {
            return new Exchange(responses, false);
        } catch (SocketException e) {
            // A reset after the answers: the connection is closed all the same.
        }
        return new Exchange(responses, true);
    }

    /**
     * One answer, or null at the end of the stream before its first byte. A 200 followed by the end of the stream or
     * by the next answer's status line instead of its body is taken as the answer to HEAD (a JSON body never starts
     * with "HTTP/1.1 ").
     */
    public static Response read(BufferedInputStream in) throws IOException {
        String statusLine = line(in);
        if (statusLine == null) {
            return null;
        }
        assertThat(statusLine).as("status line").matches("HTTP/1\\.1 [1-5][0-9][0-9] [ -~]*");
        int status = Integer.parseInt(statusLine.substring(9, 12));
        Map<String, String> headers = new LinkedHashMap<>();
        for (String field = line(in); ; field = line(in)) {
            assertThat(field).as("a header line or the end of the head").isNotNull();
            if (field.isEmpty()) {
                break;
            }
            int colon = field.indexOf(':');
            assertThat(colon).as("header line %s", field).isPositive();
            String name = field.substring(0, colon).toLowerCase(Locale.ROOT);
            assertThat(headers).as("header %s given once", name).doesNotContainKey(name);
            headers.put(name, field.substring(colon + 1).strip());
        }
        if (status < 200) {
            return new Response(status, headers, new byte[0]);
        }
        assertThat(headers).as("answer %d headers", status).containsKey("content-length");
        int length = Integer.parseInt(headers.get("content-length"));
        if (status == 200 && length > 0) {
            in.mark(16);
            byte[] next = in.readNBytes(9);
            in.reset();
            if (next.length == 0 || new String(next, StandardCharsets.ISO_8859_1).equals("HTTP/1.1 ")) {
                return new Response(status, headers, new byte[0]);
            }
        }
        byte[] body = in.readNBytes(length);
        assertThat(body).as("body of answer %d", status).hasSize(length);
        return new Response(status, headers, body);
    }

    /**
     * Asserts an answer is the contract's JSON: {@code application/json}, a JSON object, and for an error an
     * {@code errorType} and a non-blank {@code errorMessage}.
     */
    public static Map<?, ?> assertJson(Response r) {
        assertThat(r.headers().get("content-type")).as("content type of %d %s", r.status(), r.text())
                .isEqualTo("application/json");
        Object parsed = parse(r.body());
        assertThat(parsed).as("body of %d", r.status()).isInstanceOf(Map.class);
        Map<?, ?> json = (Map<?, ?>) parsed;
        if (r.status() != 200) {
            assertThat(json.get("errorType")).as("errorType of %s", r.text()).isInstanceOf(String.class);
            assertThat(json.get("errorMessage")).as("errorMessage of %s", r.text()).isInstanceOf(String.class);
            assertThat((String) json.get("errorMessage")).isNotBlank();
        }
        return json;
    }

    private static Object parse(byte[] body) {
        try {
            return Json.parse(body);
        } catch (JsonException e) {
            throw new AssertionError("not JSON (" + e.getMessage() + "): " + new String(body, StandardCharsets.UTF_8));
        }
    }

    /** A line ending in CRLF, without it; null at the end of the stream before any byte. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                assertThat(line.size()).as("bytes of an unfinished line: %s", line).isZero();
                return null;
            }
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                assertThat(bytes.length > 0 && bytes[bytes.length - 1] == '\r').as("CRLF line end").isTrue();
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
            assertThat(line.size()).as("line length").isLessThan(8192);
        }
    }

    /**
     * Sends {@code request}, the bytes from {@code from} on one at a time every {@code everyMillis}, until all are
     * sent or the server answers or cuts the connection; then reads what it answered.
     */
    public static Exchange trickle(int port, byte[] request, int from, long everyMillis, Duration patience)
            throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) patience.toMillis());
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write(request, 0, from);
            try {
                for (int i = from; i < request.length && in.available() == 0; i++) {
                    out.write(request[i]);
                    out.flush();
                    Thread.sleep(everyMillis);
                }
            } catch (SocketException e) {
                // cut by the server: read its answer
            }
            return readAll(new BufferedInputStream(in));
        }
    }

    /**
     * What an oversized POST got.
     *
     * @param answer the first answer
     * @param sent the body bytes the client could write before the server cut it
     */
    public record Oversized(Response answer, long sent) {}

    /**
     * A POST whose body of {@code total} bytes (64 KiB blocks, as chunks when {@code chunked}) is written as fast
     * as the server takes it, while its answer is read.
     */
    public static Oversized sendOversized(int port, String framing, long total, boolean chunked, Duration patience)
            throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) patience.toMillis());
            OutputStream out = socket.getOutputStream();
            AtomicLong sent = new AtomicLong();
            Future<?> writer = pool.submit(() -> {
                byte[] block = new byte[64 * 1024];
                Arrays.fill(block, (byte) 'a');
                byte[] chunkHead = (Integer.toHexString(block.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
                try {
                    out.write(("POST / HTTP/1.1\r\nHost: localhost\r\n" + framing + "\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
                    while (sent.get() < total) {
                        if (chunked) {
                            out.write(chunkHead);
                        }
                        out.write(block);
                        if (chunked) {
                            out.write('\r');
                            out.write('\n');
                        }
                        sent.addAndGet(block.length);
                    }
                } catch (IOException e) {
                    // cut by the server
                }
                return null;
            });
            Response answer = read(new BufferedInputStream(socket.getInputStream()));
            writer.get(patience.toSeconds(), TimeUnit.SECONDS);
            return new Oversized(answer, sent.get());
        } finally {
            pool.shutdownNow();
        }
    }

    /** A POST of {@code json} with Content-Length, to {@code /}. */
    public static byte[] post(String json, boolean close) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        String head = "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length + "\r\n" + (close ? "Connection: close\r\n" : "") + "\r\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head.getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(body);
        return out.toByteArray();
    }

    /** A kept hostile request: its file name (the statuses it must get, then what it is) and its bytes. */
    public record KeptInput(String name, byte[] bytes) {}

    private static final String KEPT = "lambert/toolkit/serve/LocalServerFuzzTestInputs/"
            + "serve_anyBytesGetJsonOrAClosedConnection";
    private static List<KeptInput> kept;

    /**
     * The raw requests kept for {@code LocalServerFuzzTest} (named {@code STATUSES-what}), by name, read from the test
     * classpath: this module's test classes, or its test-jar when another module's tests use them.
     */
    public static synchronized List<KeptInput> keptInputs() throws IOException {
        if (kept == null) {
            URL url = RawHttp.class.getClassLoader().getResource(KEPT);
            if (url == null) {
                throw new IOException(KEPT + " is not on the test classpath");
            }
            try {
                URI uri = url.toURI();
                if (uri.getScheme().equals("jar")) {
                    try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
                        kept = readKept(jar.provider().getPath(uri));
                    }
                } else {
                    kept = readKept(Path.of(uri));
                }
            } catch (URISyntaxException e) {
                throw new IOException("cannot read " + url, e);
            }
        }
        return kept;
    }

    private static List<KeptInput> readKept(Path folder) throws IOException {
        List<KeptInput> inputs = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.filter(f -> f.getFileName().toString().matches("[0-9.]+-.+"))
                    .sorted(Comparator.comparing(f -> f.getFileName().toString())).toList()) {
                inputs.add(new KeptInput(file.getFileName().toString(), Files.readAllBytes(file)));
            }
        }
        return List.copyOf(inputs);
    }
}

package lambert.lambda.runtime;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import lambert.base.json.Json;
import lambert.base.json.JsonWriter;

/**
 * The four calls of Lambda's Runtime API (version 2018-06-01) a runtime makes, {@code next}, {@code response},
 * {@code error} and {@code init/error}, as HTTP/1.1 over one kept-alive socket. Errors are posted as
 * {@code {"errorMessage", "errorType", "stackTrace"}} with the header {@code Lambda-Runtime-Function-Error-Type}, as
 * AWS's runtime interface client posts them (the exception's class name in the body, {@code Runtime.*} in the header).
 *
 * <p>A socket of its own rather than {@link java.net.HttpURLConnection}: before each streamed POST on a kept-alive
 * connection, {@code HttpURLConnection} checks that the connection is still open by reading it with a 1 ms timeout
 * ({@code HttpClient.available()}), so every answer waited at least 1 ms (1.3 to 1.4 ms a POST on this machine against
 * 0.1 ms for this client; {@code lambert.benchmarks.RuntimeApiClientCost}). Responses may have a
 * {@code Content-Length}, be chunked or end with the connection; {@code 1xx} responses are skipped. A request on a
 * reused connection that the server closed before answering is sent once more on a new one (as curl, under AWS's
 * client, does). Not thread-safe: the loop makes one call at a time.
 *
 * <pre>{@code
 * try (RuntimeApiClient api = new RuntimeApiClient(System.getenv("AWS_LAMBDA_RUNTIME_API"))) {
 *     Invocation event = api.next();
 *     api.respond(event.requestId(), "{}".getBytes(StandardCharsets.UTF_8));
 * }
 * }</pre>
 */
public final class RuntimeApiClient implements AutoCloseable {
    /** The header that carries an error's type. */
    public static final String ERROR_TYPE_HEADER = "Lambda-Runtime-Function-Error-Type";
    /** The error type of a handler that threw, as AWS's client names it. */
    public static final String USER_EXCEPTION = "Runtime.UserException";
    /** The error type of a handler that cannot be loaded or constructed, as AWS's client names it. */
    public static final String BAD_FUNCTION_CODE = "Runtime.BadFunctionCode";
    /** The longest status or header line accepted. */
    static final int MAX_LINE = 64 * 1024;
    /** The most header bytes accepted in one response. */
    static final int MAX_HEADERS = 1024 * 1024;

    private static final String PREFIX = "/2018-06-01/runtime/";

    private final String hostPort;
    private final String host;
    private final int port;
    private final byte[] buffer = new byte[16 * 1024];
    private int position;
    private int limit;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    /** A response: its status, headers (names in any case) and body. */
    private record Response(int status, Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.get(name);
        }
    }

    /** The server ended the connection before the first byte of the response. */
    private static final class NoResponseException extends IOException {
        NoResponseException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * A client of the Runtime API at {@code hostPort} ({@code AWS_LAMBDA_RUNTIME_API}: {@code 127.0.0.1:9001}, or
     * {@code [::1]:9001}). It connects at its first call.
     *
     * @throws IllegalArgumentException if {@code hostPort} is missing, blank or has no port number
     */
    public RuntimeApiClient(String hostPort) {
        if (hostPort == null || hostPort.isBlank()) {
            throw new IllegalArgumentException("AWS_LAMBDA_RUNTIME_API is not set: expected host:port of Lambda's "
                    + "Runtime API, which Lambda sets for a custom runtime");
        }
        int colon = hostPort.lastIndexOf(':');
        int portNumber = -1;
        if (colon > 0) {
            try {
                portNumber = Integer.parseInt(hostPort.substring(colon + 1));
            } catch (NumberFormatException e) {
                portNumber = -1;
            }
        }
        if (portNumber < 1 || portNumber > 65535) {
            throw new IllegalArgumentException("AWS_LAMBDA_RUNTIME_API must be host:port (127.0.0.1:9001), found \""
                    + hostPort + "\"");
        }
        String name = hostPort.substring(0, colon);
        this.host = name.startsWith("[") && name.endsWith("]") ? name.substring(1, name.length() - 1) : name;
        this.port = portNumber;
        this.hostPort = hostPort;
    }

    /** Waits (with no time limit, as the API asks) for the next event. */
    public Invocation next() throws IOException {
        Response get = exchange("GET", PREFIX + "invocation/next", null, null);
        if (get.status() != 200) {
            throw new IOException("the Runtime API answered invocation/next with " + get.status() + ": "
                    + new String(get.body(), StandardCharsets.UTF_8));
        }
        String requestId = get.header("Lambda-Runtime-Aws-Request-Id");
        if (requestId == null || requestId.isEmpty()) {
            throw new IOException("the Runtime API's event has no Lambda-Runtime-Aws-Request-Id header");
        }
        String deadline = get.header("Lambda-Runtime-Deadline-Ms");
        long deadlineMs;
        try {
            deadlineMs = Long.parseLong(deadline);
        } catch (NumberFormatException e) {
            throw new IOException("the Runtime API's Lambda-Runtime-Deadline-Ms header must be Unix milliseconds, "
                    + "found " + (deadline == null ? "none" : "\"" + deadline + "\""), e);
        }
        return new Invocation(requestId, deadlineMs, get.header("Lambda-Runtime-Invoked-Function-Arn"),
                get.header("Lambda-Runtime-Trace-Id"), get.header("Lambda-Runtime-Client-Context"),
                get.header("Lambda-Runtime-Cognito-Identity"), get.body());
    }

    /** Posts the handler's answer to event {@code requestId}. */
    public void respond(String requestId, byte[] answer) throws IOException {
        post("invocation/" + pathSegment(requestId) + "/response", answer, null);
    }

    /** Posts the handler's failure on event {@code requestId} ({@link #USER_EXCEPTION}). */
    public void fail(String requestId, Throwable error) throws IOException {
        post("invocation/" + pathSegment(requestId) + "/error", errorJson(error), USER_EXCEPTION);
    }

    /** Posts a failure of INIT (the handler could not be made) of type {@code errorType}. */
    public void failInit(String errorType, Throwable error) throws IOException {
        post("init/error", errorJson(error), errorType);
    }

    /** Closes the connection; a later call opens a new one. */
    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing a socket we no longer use: nothing to do
            }
        }
        socket = null;
        in = null;
        out = null;
        position = 0;
        limit = 0;
    }

    /**
     * The error body: {@code errorMessage} (the message, or the class name when there is none), {@code errorType}
     * (the class name) and {@code stackTrace} (one string per frame).
     */
    static byte[] errorJson(Throwable error) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try (JsonWriter g = JsonWriter.to(body)) {
            g.writeStartObject();
            String message = error.getMessage();
            g.writeStringField("errorMessage", message == null ? error.getClass().getName() : message);
            g.writeStringField("errorType", error.getClass().getName());
            g.writeArrayFieldStart("stackTrace");
            for (StackTraceElement frame : error.getStackTrace()) {
                g.writeString(frame.toString());
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            StringWriter trace = new StringWriter();
            error.printStackTrace(new PrintWriter(trace));
            throw new IllegalStateException("cannot write the error body for " + trace, e);
        }
        return body.toByteArray();
    }

    /**
     * {@code value} as one path segment: unreserved characters as they are, every other byte of its UTF-8 as
     * {@code %XX} (request ids are UUIDs, which need none).
     */
    static String pathSegment(String value) {
        StringBuilder s = new StringBuilder(value.length());
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
                    || c == '_' || c == '~') {
                s.append(c);
            } else {
                s.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return s.toString();
    }

    private void post(String path, byte[] body, String errorType) throws IOException {
        Response post = exchange("POST", PREFIX + path, body, errorType);
        if (post.status() != 202 && post.status() != 200) {
            throw new IOException("the Runtime API answered " + path + " with " + post.status() + ": "
                    + new String(post.body(), StandardCharsets.UTF_8));
        }
    }

    /** Sends one request and reads its response, again on a new connection if a reused one was found closed. */
    private Response exchange(String method, String path, byte[] body, String errorType) throws IOException {
        byte[] head = head(method, path, body, errorType);
        boolean reused = socket != null;
        try {
            return send(head, body);
        } catch (NoResponseException e) {
            close();
            if (!reused) {
                throw e;
            }
            return send(head, body);
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private byte[] head(String method, String path, byte[] body, String errorType) {
        StringBuilder h = new StringBuilder(160).append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(hostPort).append("\r\n")
                .append("User-Agent: lambert-runtime\r\n");
        if (body != null) {
            h.append("Content-Type: application/json\r\n").append("Content-Length: ").append(body.length)
                    .append("\r\n");
        }
        if (errorType != null) {
            h.append(ERROR_TYPE_HEADER).append(": ").append(errorType).append("\r\n");
        }
        return h.append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    private Response send(byte[] head, byte[] body) throws IOException {
        if (socket == null) {
            connect();
        }
        try {
            out.write(head);
            if (body != null) {
                out.write(body);
            }
            out.flush();
            if (!fill()) {
                throw new NoResponseException("the Runtime API at " + hostPort + " closed the connection without "
                        + "answering", null);
            }
        } catch (NoResponseException e) {
            throw e;
        } catch (IOException e) {
            throw new NoResponseException("cannot send to the Runtime API at " + hostPort + ": " + e.getMessage(), e);
        }
        return readResponse();
    }

    private void connect() throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(host, port));
        } catch (IOException e) {
            s.close();
            throw new IOException("cannot connect to the Runtime API at " + hostPort + ": " + e.getMessage(), e);
        }
        socket = s;
        in = s.getInputStream();
        out = new BufferedOutputStream(s.getOutputStream(), 16 * 1024);
        position = 0;
        limit = 0;
    }

    private Response readResponse() throws IOException {
        while (true) {
            String status = line();
            // HTTP/1.1 200 OK
            if (!status.startsWith("HTTP/1.") || status.length() < 12 || status.charAt(8) != ' ') {
                throw new IOException("the Runtime API at " + hostPort + " did not answer in HTTP/1.x: \""
                        + abbreviate(status) + "\"");
            }
            int code;
            try {
                code = Integer.parseInt(status.substring(9, 12));
            } catch (NumberFormatException e) {
                throw new IOException("the Runtime API at " + hostPort + " sent a status line without a status code: \""
                        + abbreviate(status) + "\"", e);
            }
            Map<String, String> headers = headers();
            if (code >= 100 && code < 200) {
                continue;
            }
            String connection = headers.getOrDefault("Connection", "").toLowerCase(Locale.ROOT);
            boolean keepAlive = status.startsWith("HTTP/1.1") ? !connection.contains("close")
                    : connection.contains("keep-alive");
            byte[] body;
            String length = headers.get("Content-Length");
            if (code == 204 || code == 304) {
                body = new byte[0];
            } else if (headers.getOrDefault("Transfer-Encoding", "").toLowerCase(Locale.ROOT).contains("chunked")) {
                body = chunked();
            } else if (length != null) {
                body = exactly(contentLength(length));
            } else {
                body = toEnd();
                keepAlive = false;
            }
            if (!keepAlive) {
                close();
            }
            return new Response(code, headers, body);
        }
    }

    private Map<String, String> headers() throws IOException {
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        int total = 0;
        for (String line = line(); !line.isEmpty(); line = line()) {
            total += line.length();
            if (total > MAX_HEADERS) {
                throw new IOException("the Runtime API's response headers exceed " + MAX_HEADERS + " bytes");
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IOException("the Runtime API sent a header line without a name: \"" + abbreviate(line)
                        + "\"");
            }
            headers.putIfAbsent(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
        }
        return headers;
    }

    private int contentLength(String value) throws IOException {
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IOException("the Runtime API sent Content-Length \"" + abbreviate(value) + "\": expected a number "
                + "of bytes");
    }

    private byte[] chunked() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String line = line();
            int semicolon = line.indexOf(';');
            String size = (semicolon < 0 ? line : line.substring(0, semicolon)).trim();
            int n;
            try {
                n = Integer.parseInt(size, 16);
            } catch (NumberFormatException e) {
                throw new IOException("the Runtime API sent a chunk size \"" + abbreviate(line) + "\": expected hex "
                        + "digits", e);
            }
            if (n < 0) {
                throw new IOException("the Runtime API sent a negative chunk size \"" + abbreviate(line) + "\"");
            }
            if (n == 0) {
                while (!line().isEmpty()) {
                    // trailer fields: none of them matter here
                }
                return body.toByteArray();
            }
            body.write(exactly(n));
            if (!line().isEmpty()) {
                throw new IOException("the Runtime API sent a chunk longer than its size " + n);
            }
        }
    }

    private byte[] exactly(int n) throws IOException {
        byte[] body = new byte[n];
        int done = 0;
        while (done < n) {
            if (position == limit && !fill()) {
                throw new EOFException("the Runtime API closed the connection after " + done + " of " + n
                        + " bytes of the body");
            }
            int take = Math.min(n - done, limit - position);
            System.arraycopy(buffer, position, body, done, take);
            position += take;
            done += take;
        }
        return body;
    }

    private byte[] toEnd() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (position < limit || fill()) {
            body.write(buffer, position, limit - position);
            position = limit;
        }
        return body.toByteArray();
    }

    /** One line without its CR LF (or LF), read as ISO-8859-1 (HTTP's header bytes). */
    private String line() throws IOException {
        StringBuilder s = new StringBuilder(64);
        while (true) {
            if (position == limit && !fill()) {
                throw new EOFException("the Runtime API closed the connection in the middle of a response");
            }
            char c = (char) (buffer[position++] & 0xff);
            if (c == '\n') {
                int end = s.length();
                if (end > 0 && s.charAt(end - 1) == '\r') {
                    s.setLength(end - 1);
                }
                return s.toString();
            }
            if (s.length() >= MAX_LINE) {
                throw new IOException("the Runtime API sent a line longer than " + MAX_LINE + " bytes");
            }
            s.append(c);
        }
    }

    /** Reads more into the buffer; false at the end of the stream. */
    private boolean fill() throws IOException {
        int n = in.read(buffer, 0, buffer.length);
        if (n <= 0) {
            return false;
        }
        position = 0;
        limit = n;
        return true;
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}

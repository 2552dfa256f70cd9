package lambert.lambda.runtime;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import lambert.base.json.Json;

/**
 * The four calls of Lambda's Runtime API (version 2018-06-01) a runtime makes, over {@link HttpURLConnection} (kept
 * alive between calls): {@code next}, {@code response}, {@code error} and {@code init/error}. Errors are posted as
 * {@code {"errorMessage", "errorType", "stackTrace"}} with the header {@code Lambda-Runtime-Function-Error-Type}, as
 * AWS's runtime interface client posts them (the exception's class name in the body, {@code Runtime.*} in the header).
 *
 * <pre>{@code
 * RuntimeApiClient api = new RuntimeApiClient(System.getenv("AWS_LAMBDA_RUNTIME_API"));
 * Invocation event = api.next();
 * api.respond(event.requestId(), "{}".getBytes(StandardCharsets.UTF_8));
 * }</pre>
 */
public final class RuntimeApiClient {
    /** The header that carries an error's type. */
    public static final String ERROR_TYPE_HEADER = "Lambda-Runtime-Function-Error-Type";
    /** The error type of a handler that threw, as AWS's client names it. */
    public static final String USER_EXCEPTION = "Runtime.UserException";
    /** The error type of a handler that cannot be loaded or constructed, as AWS's client names it. */
    public static final String BAD_FUNCTION_CODE = "Runtime.BadFunctionCode";

    private final String base;

    /**
     * A client of the Runtime API at {@code hostPort} ({@code AWS_LAMBDA_RUNTIME_API}).
     *
     * @throws IllegalArgumentException if {@code hostPort} is missing or blank
     */
    public RuntimeApiClient(String hostPort) {
        if (hostPort == null || hostPort.isBlank()) {
            throw new IllegalArgumentException("AWS_LAMBDA_RUNTIME_API is not set: expected host:port of Lambda's "
                    + "Runtime API, which Lambda sets for a custom runtime");
        }
        this.base = "http://" + hostPort + "/2018-06-01/runtime/";
    }

    /** Waits (with no time limit, as the API asks) for the next event. */
    public Invocation next() throws IOException {
        HttpURLConnection get = open("invocation/next");
        int status = get.getResponseCode();
        byte[] body = read(get);
        if (status != HttpURLConnection.HTTP_OK) {
            throw new IOException("the Runtime API answered invocation/next with " + status + ": "
                    + new String(body, StandardCharsets.UTF_8));
        }
        String requestId = get.getHeaderField("Lambda-Runtime-Aws-Request-Id");
        if (requestId == null || requestId.isEmpty()) {
            throw new IOException("the Runtime API's event has no Lambda-Runtime-Aws-Request-Id header");
        }
        String deadline = get.getHeaderField("Lambda-Runtime-Deadline-Ms");
        long deadlineMs;
        try {
            deadlineMs = Long.parseLong(deadline);
        } catch (NumberFormatException e) {
            throw new IOException("the Runtime API's Lambda-Runtime-Deadline-Ms header must be Unix milliseconds, "
                    + "found " + (deadline == null ? "none" : "\"" + deadline + "\""), e);
        }
        return new Invocation(requestId, deadlineMs, get.getHeaderField("Lambda-Runtime-Invoked-Function-Arn"),
                get.getHeaderField("Lambda-Runtime-Trace-Id"), get.getHeaderField("Lambda-Runtime-Client-Context"),
                get.getHeaderField("Lambda-Runtime-Cognito-Identity"), body);
    }

    /** Posts the handler's answer to event {@code requestId}. */
    public void respond(String requestId, byte[] answer) throws IOException {
        post("invocation/" + requestId + "/response", answer, null);
    }

    /** Posts the handler's failure on event {@code requestId} ({@link #USER_EXCEPTION}). */
    public void fail(String requestId, Throwable error) throws IOException {
        post("invocation/" + requestId + "/error", errorJson(error), USER_EXCEPTION);
    }

    /** Posts a failure of INIT (the handler could not be made) of type {@code errorType}. */
    public void failInit(String errorType, Throwable error) throws IOException {
        post("init/error", errorJson(error), errorType);
    }

    /**
     * The error body: {@code errorMessage} (the message, or the class name when there is none), {@code errorType}
     * (the class name) and {@code stackTrace} (one string per frame).
     */
    static byte[] errorJson(Throwable error) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (var g = Json.generator(out)) {
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
        return out.toByteArray();
    }

    private void post(String path, byte[] body, String errorType) throws IOException {
        HttpURLConnection post = open(path);
        post.setRequestMethod("POST");
        post.setDoOutput(true);
        post.setFixedLengthStreamingMode(body.length);
        post.setRequestProperty("Content-Type", "application/json");
        if (errorType != null) {
            post.setRequestProperty(ERROR_TYPE_HEADER, errorType);
        }
        try (OutputStream out = post.getOutputStream()) {
            out.write(body);
        }
        int status = post.getResponseCode();
        byte[] reply = read(post);
        if (status != HttpURLConnection.HTTP_ACCEPTED && status != HttpURLConnection.HTTP_OK) {
            throw new IOException("the Runtime API answered " + path + " with " + status + ": "
                    + new String(reply, StandardCharsets.UTF_8));
        }
    }

    private HttpURLConnection open(String path) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) new URL(base + path).openConnection();
        connection.setUseCaches(false);
        return connection;
    }

    /** The body, read to the end so that the connection can be kept alive. */
    private static byte[] read(HttpURLConnection connection) throws IOException {
        InputStream in = connection.getResponseCode() >= 400 ? connection.getErrorStream()
                : connection.getInputStream();
        if (in == null) {
            return new byte[0];
        }
        try (in) {
            return in.readAllBytes();
        }
    }
}

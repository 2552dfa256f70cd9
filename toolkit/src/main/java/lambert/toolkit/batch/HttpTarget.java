package lambert.toolkit.batch;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/**
 * A function behind HTTP: a Lambda function URL, API Gateway, or {@code lambert serve}. POST carries the request
 * body, GET answers the model information; answers are classified by {@link Answer#ofHttp}, and timeouts and cut
 * connections are retried.
 */
public final class HttpTarget implements BatchTarget {
    private final URI uri;
    private final Duration timeout;
    private final HttpClient client;

    private HttpTarget(URI uri, Duration timeout) {
        this.uri = uri;
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    /**
     * A target at {@code uri}, each request given {@code timeout} to be answered.
     *
     * @throws lambert.toolkit.BadInputException if the URI is not http or https
     */
    public static HttpTarget of(URI uri, Duration timeout) {
        if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                || uri.getHost() == null) {
            throw lambert.toolkit.BadInputException.of("url must be an http:// or https:// URL, found " + uri, "url");
        }
        return new HttpTarget(uri.getPath().isEmpty() ? uri.resolve("/") : uri, timeout);
    }

    @Override
    public FunctionInfo info() throws IOException {
        HttpResponse<byte[]> r = exchange(HttpRequest.newBuilder(uri).timeout(timeout).GET().build());
        if (r.statusCode() != 200) {
            throw new IOException("GET " + uri + " answered HTTP " + r.statusCode() + ", expected 200 with the model "
                    + "information: " + new String(r.body(), java.nio.charset.StandardCharsets.UTF_8).strip());
        }
        return FunctionInfo.parse(r.body(), "GET " + uri);
    }

    @Override
    public Answer send(byte[] body) throws IOException {
        HttpResponse<byte[]> r = exchange(HttpRequest.newBuilder(uri).timeout(timeout)
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
        return Answer.ofHttp(r.statusCode(), r.body(), "POST " + uri);
    }

    private HttpResponse<byte[]> exchange(HttpRequest request) throws IOException {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpTimeoutException e) {
            throw new IOException("no answer from " + uri + " within " + timeout.toSeconds() + " s", e);
        } catch (ConnectException e) {
            throw new IOException("cannot connect to " + uri + " (" + e.getMessage() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    @Override
    public int defaultConcurrency() {
        return 8;
    }

    @Override
    public String describe() {
        return uri.toString();
    }

    @Override
    public void close() {
        // the JDK's HttpClient frees its threads when unreachable (close() is Java 21)
    }
}

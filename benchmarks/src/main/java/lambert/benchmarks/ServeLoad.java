package lambert.benchmarks;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code lambert serve} under concurrent load from a second process on loopback: the server runs in a child JVM
 * ({@code lambert serve --model M --port P}), this process runs C workers, each with its own HTTP/1.1 client and
 * keep-alive connection, POSTing its own text back to back for S seconds. Every answer must be 200 and
 * byte-identical to the worker's first answer (so a session shared across threads that mixed up requests would
 * show as an error). Reports requests per second, p50, p99 and max latency, and errors.
 *
 * <pre>
 * ./mvnw -q -DskipTests -pl benchmarks -am package
 * java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" lambert.benchmarks.ServeLoad [C] [S] [M]
 * </pre>
 * C defaults to 64 connections, S to 60 seconds, M to {@code minilm-int8}. The texts are the benchmark's mixed
 * set (3 to 60 words), one per worker.
 */
public final class ServeLoad {
    private ServeLoad() {}

    public static void main(String[] args) throws Exception {
        int connections = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        String model = args.length > 2 ? args[2] : "minilm-int8";
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Process server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "lambert.cli.Lambert", "serve", "--model", model,
                "--port", Integer.toString(port), "--host", "127.0.0.1")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        URI uri = URI.create("http://127.0.0.1:" + port + "/");
        try {
            awaitServer(uri, server);
            List<String> texts = MixedTexts.generate(connections, 42);
            AtomicLong errors = new AtomicLong();
            List<String> firstErrors = java.util.Collections.synchronizedList(new ArrayList<>());
            ExecutorService workers = Executors.newFixedThreadPool(connections);
            long start = System.nanoTime();
            long end = start + Duration.ofSeconds(seconds).toNanos();
            List<Future<long[]>> results = new ArrayList<>();
            for (int w = 0; w < connections; w++) {
                String body = "{\"text\": " + quote(texts.get(w)) + "}";
                results.add(workers.submit(() -> run(uri, body, end, errors, firstErrors)));
            }
            long[] all = new long[0];
            for (Future<long[]> f : results) {
                long[] latencies = f.get();
                int at = all.length;
                all = Arrays.copyOf(all, at + latencies.length);
                System.arraycopy(latencies, 0, all, at, latencies.length);
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            workers.shutdown();
            Arrays.sort(all);
            System.out.printf(Locale.ROOT, "lambert serve --model %s, %d connections for %.1f s on loopback, "
                    + "%d processors%n", model, connections, elapsed, Runtime.getRuntime().availableProcessors());
            System.out.printf(Locale.ROOT, "%d requests, %d errors; %.1f requests/s; latency p50 %.2f ms, p99 %.2f ms, "
                    + "max %.2f ms%n", all.length, errors.get(), all.length / elapsed, ms(all, 0.50), ms(all, 0.99),
                    all.length == 0 ? 0 : all[all.length - 1] / 1e6);
            for (String e : firstErrors) {
                System.out.println("  error: " + e);
            }
        } finally {
            server.destroy();
            server.waitFor();
        }
    }

    private static long[] run(URI uri, String body, long end, AtomicLong errors, List<String> firstErrors) {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest request = HttpRequest.newBuilder(uri).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        long[] latencies = new long[1024];
        int n = 0;
        byte[] expected = null;
        while (System.nanoTime() < end) {
            long t0 = System.nanoTime();
            try {
                HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
                long took = System.nanoTime() - t0;
                if (expected == null && response.statusCode() == 200) {
                    expected = response.body();
                }
                if (response.statusCode() != 200 || !Arrays.equals(expected, response.body())) {
                    fail(errors, firstErrors, "status " + response.statusCode() + ": "
                            + new String(response.body(), java.nio.charset.StandardCharsets.UTF_8));
                    continue;
                }
                if (n == latencies.length) {
                    latencies = Arrays.copyOf(latencies, n * 2);
                }
                latencies[n++] = took;
            } catch (IOException | InterruptedException e) {
                fail(errors, firstErrors, e.toString());
            }
        }
        return Arrays.copyOf(latencies, n);
    }

    private static void fail(AtomicLong errors, List<String> firstErrors, String what) {
        if (errors.incrementAndGet() <= 5) {
            firstErrors.add(what.length() > 300 ? what.substring(0, 300) : what);
        }
    }

    private static void awaitServer(URI uri, Process server) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new IllegalStateException("lambert serve exited with status " + server.exitValue());
            }
            try {
                if (client.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("lambert serve did not answer within 120 s at " + uri);
    }

    private static double ms(long[] sorted, double quantile) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (sorted.length * quantile))] / 1e6;
    }

    private static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}

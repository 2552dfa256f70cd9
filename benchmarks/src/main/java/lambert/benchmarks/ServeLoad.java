package lambert.benchmarks;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
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
import lambert.base.json.Json;

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
 *
 * <p>With a fourth argument {@code abuse}, hostile clients run alongside the good ones for the whole time, as in
 * issue 18: 16 slow clients trickling a request head one byte every 2 s (cut at serve's 10 s head deadline, then
 * again), 4 clients sending 600 MB chunked bodies as fast as loopback goes (cut at the 1 MiB limit, then again), and
 * 2 clients sending malformed requests (target {@code *}, two Content-Lengths, {@code Transfer-Encoding: gzip,
 * chunked}, a bad chunk size, a 2 MB header) back to back. Every answer they get must be JSON (a count of those that
 * are not is printed, and must be 0). Also printed in every mode: the time from starting {@code lambert serve} to its
 * first answer, and the server's peak RSS ({@code VmHWM}) at the end.
 */
public final class ServeLoad {
    private ServeLoad() {}

    /**
     * The classpath of the {@code lambert} command as the launcher runs it ({@code cli/target/classes} and
     * {@code cli/target/classpath.txt}, from the repository root): the benchmarks depend on the toolkit, not on the
     * command line, so the server is started from the CLI's own build.
     */
    static String cliClasspath() throws java.io.IOException {
        Path listed = Path.of("cli", "target", "classpath.txt");
        if (!java.nio.file.Files.isRegularFile(listed)) {
            throw new IllegalStateException("no " + listed.toAbsolutePath() + ": run from the repository root after "
                    + "building the CLI (./lambert --version)");
        }
        return Path.of("cli", "target", "classes").toAbsolutePath() + java.io.File.pathSeparator
                + java.nio.file.Files.readString(listed).trim();
    }

    public static void main(String[] args) throws Exception {
        int connections = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        String model = args.length > 2 ? args[2] : "minilm-int8";
        boolean abuse = args.length > 3 && args[3].equals("abuse");
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Process server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", cliClasspath(), "lambert.cli.Lambert", "serve", "--model", model,
                "--port", Integer.toString(port), "--host", "127.0.0.1")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long spawned = System.nanoTime();
        URI uri = URI.create("http://127.0.0.1:" + port + "/");
        try {
            awaitServer(uri, server);
            double startMs = (System.nanoTime() - spawned) / 1e6;
            Abuse hostile = abuse ? Abuse.start(port) : null;
            List<String> texts = MixedTexts.generate(connections, 42);
            AtomicLong errors = new AtomicLong();
            List<String> firstErrors = java.util.Collections.synchronizedList(new ArrayList<>());
            ExecutorService workers = Executors.newFixedThreadPool(connections);
            long start = System.nanoTime();
            long end = start + Duration.ofSeconds(seconds).toNanos();
            List<Future<long[]>> results = new ArrayList<>();
            for (int w = 0; w < connections; w++) {
                String body = "{\"text\": " + Json.quote(texts.get(w)) + "}";
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
            if (hostile != null) {
                hostile.stop();
            }
            Arrays.sort(all);
            System.out.printf(Locale.ROOT, "lambert serve --model %s, %d connections for %.1f s on loopback, "
                    + "%d processors%n", model, connections, elapsed, Runtime.getRuntime().availableProcessors());
            System.out.printf(Locale.ROOT, "%d requests, %d errors; %.1f requests/s; latency p50 %.2f ms, p99 %.2f ms, "
                    + "max %.2f ms%n", all.length, errors.get(), all.length / elapsed, ms(all, 0.50), ms(all, 0.99),
                    all.length == 0 ? 0 : all[all.length - 1] / 1e6);
            for (String e : firstErrors) {
                System.out.println("  error: " + e);
            }
            System.out.printf(Locale.ROOT, "start to first answer %.0f ms; peak RSS %d MB%n", startMs,
                    peakRssKb(server.pid()) / 1024);
            if (hostile != null) {
                System.out.println(hostile.summary());
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

    /** VmHWM of a process (Linux), in KiB; -1 elsewhere. */
    static long peakRssKb(long pid) {
        try {
            for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
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
                Thread.sleep(20);
            }
        }
        throw new IllegalStateException("lambert serve did not answer within 120 s at " + uri);
    }

    private static double ms(long[] sorted, double quantile) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (sorted.length * quantile))] / 1e6;
    }

    /** The hostile clients of {@code abuse} mode, each in a loop until stopped. */
    private static final class Abuse {
        private static final String HOST = "Host: localhost\r\n";
        private static final List<byte[]> MALFORMED = List.of(
                ("GET * HTTP/1.1\r\n" + HOST + "\r\n").getBytes(StandardCharsets.ISO_8859_1),
                ("POST / HTTP/1.1\r\n" + HOST + "Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}")
                        .getBytes(StandardCharsets.ISO_8859_1),
                ("POST / HTTP/1.1\r\n" + HOST + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1),
                ("POST / HTTP/1.1\r\n" + HOST + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1),
                ("GET / HTTP/1.1\r\n" + HOST + "X-Big: " + "b".repeat(2 << 20) + "\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));

        private final int port;
        private final ExecutorService pool = Executors.newCachedThreadPool();
        private volatile boolean stopped;
        private final AtomicLong slowCut = new AtomicLong();
        private final AtomicLong oversizedCut = new AtomicLong();
        private final AtomicLong oversizedBytes = new AtomicLong();
        private final AtomicLong malformedAnswered = new AtomicLong();
        private final AtomicLong notJson = new AtomicLong();

        private Abuse(int port) {
            this.port = port;
        }

        static Abuse start(int port) {
            Abuse a = new Abuse(port);
            for (int i = 0; i < 16; i++) {
                a.pool.submit(a::slowHeads);
            }
            for (int i = 0; i < 4; i++) {
                a.pool.submit(a::oversized);
            }
            for (int i = 0; i < 2; i++) {
                a.pool.submit(a::malformed);
            }
            return a;
        }

        void stop() throws InterruptedException {
            stopped = true;
            pool.shutdownNow();
            pool.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
        }

        String summary() {
            return String.format(Locale.ROOT, "abuse alongside: %d slow heads cut (408), %d oversized bodies cut (413) "
                    + "after %.1f MB sent on average, %d malformed requests answered; answers that were not JSON: %d",
                    slowCut.get(), oversizedCut.get(), oversizedCut.get() == 0 ? 0
                            : oversizedBytes.get() / 1e6 / oversizedCut.get(), malformedAnswered.get(), notJson.get());
        }

        private void slowHeads() {
            byte[] request = ("POST / HTTP/1.1\r\n" + HOST + "Content-Length: 2\r\n\r\n{}")
                    .getBytes(StandardCharsets.ISO_8859_1);
            while (!stopped) {
                try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                    s.setSoTimeout(60_000);
                    for (int i = 0; i < request.length && s.getInputStream().available() == 0 && !stopped; i++) {
                        s.getOutputStream().write(request[i]);
                        Thread.sleep(2000);
                    }
                    if (check(s.getInputStream().readAllBytes(), "408")) {
                        slowCut.incrementAndGet();
                    }
                } catch (IOException e) {
                    // cut while writing: connect again
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private void oversized() {
            byte[] block = new byte[64 * 1024];
            Arrays.fill(block, (byte) 'a');
            byte[] chunkHead = (Integer.toHexString(block.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            while (!stopped) {
                try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                    s.setSoTimeout(60_000);
                    java.io.OutputStream out = s.getOutputStream();
                    java.util.concurrent.Future<byte[]> answer = pool.submit(() -> s.getInputStream().readAllBytes());
                    long sent = 0;
                    try {
                        out.write(("POST / HTTP/1.1\r\n" + HOST + "Transfer-Encoding: chunked\r\n\r\n")
                                .getBytes(StandardCharsets.ISO_8859_1));
                        while (sent < 600_000_000L && !stopped) {
                            out.write(chunkHead);
                            out.write(block);
                            out.write(new byte[] {'\r', '\n'});
                            sent += block.length;
                        }
                    } catch (IOException e) {
                        // cut by the server
                    }
                    if (check(answer.get(), "413")) {
                        oversizedCut.incrementAndGet();
                        oversizedBytes.addAndGet(sent);
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    // connection refused or reset: again
                }
            }
        }

        private void malformed() {
            while (!stopped) {
                for (byte[] request : MALFORMED) {
                    try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                        s.setSoTimeout(60_000);
                        try {
                            s.getOutputStream().write(request);
                            s.shutdownOutput();
                        } catch (IOException e) {
                            // answered before the end of the request
                        }
                        if (check(s.getInputStream().readAllBytes(), "")) {
                            malformedAnswered.incrementAndGet();
                        }
                    } catch (IOException e) {
                        // reset after the answer
                    }
                }
            }
        }

        /** Whether an answer has the expected status prefix; counts it as not JSON unless it is JSON. */
        private boolean check(byte[] answer, String statusPrefix) {
            String text = new String(answer, StandardCharsets.ISO_8859_1);
            int bodyAt = text.indexOf("\r\n\r\n");
            boolean json = text.startsWith("HTTP/1.1 ") && bodyAt > 0
                    && text.substring(0, bodyAt).contains("\r\nContent-Type: application/json\r\n")
                    && text.substring(bodyAt + 4).startsWith("{\"errorType\":");
            if (!json && !text.isEmpty()) {
                notJson.incrementAndGet();
            }
            return json && text.startsWith("HTTP/1.1 " + statusPrefix);
        }
    }
}

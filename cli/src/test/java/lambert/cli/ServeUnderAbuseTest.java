package lambert.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import lambert.runtime.testing.TestModels;
import lambert.toolkit.serve.RawHttp;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@code lambert serve} as its own process (the real int8 model, 2 request threads, 2 s head and body deadlines)
 * while slow, oversized and malformed clients run alongside good ones: every good request is answered correctly,
 * every hostile client gets the contract's JSON (408, 413, 4xx) or a closed connection, and the server's peak
 * resident memory stays under {@value #PEAK_RSS_BOUND_MB} MB although the oversized clients offer 6 GB of bodies.
 * No time limit but one generous overall wait: latency under abuse is measured by {@code ServeLoad --abuse}.
 */
class ServeUnderAbuseTest {
    /** The stated bound on the server's peak RSS (VmHWM): the 6 GB offered would have to stay out of memory. */
    static final int PEAK_RSS_BOUND_MB = 1024;
    private static final Duration PATIENCE = Duration.ofSeconds(300);
    private static final long OFFERED_CHUNKED = 1L << 30;
    private static final long OFFERED_LENGTH = 1_000_000_000L;

    @Test
    void serve_goodRequestsAreAnsweredWhileSlowOversizedAndMalformedClientsAreCut() throws Exception {
        Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/self/status")), "peak RSS is read from /proc");
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Path log = Files.createTempFile("lambert-serve-abuse", ".log");
        Process server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "lambert.cli.Lambert", "serve",
                "--model", TestModels.minilmInt8().toString(), "--port", String.valueOf(port), "--threads", "2",
                "--header-timeout", "2", "--body-timeout", "2")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        ExecutorService pool = Executors.newCachedThreadPool();
        try {
            awaitServer(server, port);
            List<Future<?>> clients = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                int worker = w;
                clients.add(pool.submit(() -> good(port, worker, 25)));
            }
            for (int i = 0; i < 12; i++) {
                byte[] request = RawHttp.post("{\"text\": \"slow head " + i + "\"}", true);
                clients.add(pool.submit(() -> expectStatus(RawHttp.trickle(port, request, 0, 250, PATIENCE), 408)));
            }
            for (int i = 0; i < 4; i++) {
                byte[] request = RawHttp.post("{\"text\": \"" + "slow body ".repeat(20) + "\"}", true);
                int bodyStart = new String(request, StandardCharsets.ISO_8859_1).indexOf("\r\n\r\n") + 4;
                clients.add(pool.submit(() -> expectStatus(RawHttp.trickle(port, request, bodyStart, 250, PATIENCE),
                        408)));
            }
            for (int i = 0; i < 4; i++) {
                clients.add(pool.submit(() -> expectCut(RawHttp.sendOversized(port, "Transfer-Encoding: chunked\r\n",
                        OFFERED_CHUNKED, true, PATIENCE))));
            }
            for (int i = 0; i < 2; i++) {
                clients.add(pool.submit(() -> expectCut(RawHttp.sendOversized(port, "Content-Length: "
                        + OFFERED_LENGTH + "\r\n", OFFERED_LENGTH, false, PATIENCE))));
            }
            clients.add(pool.submit(() -> malformed(port)));
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            for (Future<?> client : clients) {
                client.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
            assertThat(server.isAlive()).as("the server survived").isTrue();
            long peakMb = peakRssKb(server.pid()) / 1024;
            System.out.println("lambert serve under abuse: peak RSS " + peakMb + " MB (bound " + PEAK_RSS_BOUND_MB
                    + " MB; bodies offered " + (4 * OFFERED_CHUNKED + 2 * OFFERED_LENGTH) / 1_000_000 + " MB)");
            assertThat(peakMb).as("peak RSS (MB) of lambert serve").isLessThan(PEAK_RSS_BOUND_MB);
            good(port, 9, 3);
        } finally {
            pool.shutdownNow();
            server.destroy();
            server.waitFor(30, TimeUnit.SECONDS);
        }
        String output = Files.readString(log);
        Files.deleteIfExists(log);
        // One line, the one saying where it listens: no warning, no stack trace, nothing per request.
        assertThat(output.lines().toList()).as("the server's output").singleElement().asString()
                .startsWith("lambert serve: ").contains(" on http://127.0.0.1:" + port + "/");
    }

    /** {@code requests} POSTs on one kept-alive connection, each answered 200 with its own token count. */
    private static Void good(int port, int worker, int requests) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) PATIENCE.toMillis());
            BufferedInputStream in = new BufferedInputStream(socket.getInputStream());
            for (int i = 0; i < requests; i++) {
                int words = (worker + i) % 7;
                socket.getOutputStream().write(RawHttp.post("{\"text\": \"sentence " + "word ".repeat(words) + i
                        + "\"}", false));
                RawHttp.Response r = RawHttp.read(in);
                assertThat(r.status()).as("good request %d of worker %d: %s", i, worker, r.text()).isEqualTo(200);
                // "sentence", the repeated words, the number, [CLS] and [SEP]
                assertThat(RawHttp.assertJson(r).get("tokens")).isEqualTo((long) (words + 4));
            }
        }
        return null;
    }

    private static Void expectStatus(RawHttp.Exchange exchange, int status) {
        assertThat(exchange.first().status()).isEqualTo(status);
        RawHttp.assertJson(exchange.first());
        assertThat(exchange.closed()).isTrue();
        return null;
    }

    private static Void expectCut(RawHttp.Oversized result) {
        assertThat(result.answer().status()).isEqualTo(413);
        RawHttp.assertJson(result.answer());
        assertThat(result.sent()).as("bytes sent before the cut").isLessThan(64L << 20);
        return null;
    }

    /** Every kept hostile input, twice over: JSON answers only, and the connection closed. */
    private static Void malformed(int port) throws IOException {
        for (int round = 0; round < 2; round++) {
            for (RawHttp.KeptInput input : RawHttp.keptInputs()) {
                RawHttp.Exchange exchange = RawHttp.send(port, input.bytes(), PATIENCE);
                assertThat(exchange.closed()).as(input.name()).isTrue();
                for (RawHttp.Response r : exchange.responses()) {
                    if (!input.name().startsWith("200-head")) {
                        RawHttp.assertJson(r);
                    }
                }
            }
        }
        return null;
    }

    private static void awaitServer(Process server, int port) throws Exception {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (System.nanoTime() < deadline) {
            assertThat(server.isAlive()).as("lambert serve is running").isTrue();
            try {
                if (RawHttp.send(port, "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.ISO_8859_1), PATIENCE).first().status() == 200) {
                    return;
                }
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("lambert serve did not answer within " + PATIENCE);
    }

    /** VmHWM: the process's peak resident set, in KiB. */
    static long peakRssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no VmHWM in /proc/" + pid + "/status");
    }
}

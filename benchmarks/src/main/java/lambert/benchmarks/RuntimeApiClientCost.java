package lambert.benchmarks;

import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import lambert.lambda.runtime.Invocation;
import lambert.lambda.runtime.RuntimeApiClient;

/**
 * What the custom runtime's Runtime API client costs per invocation, against the {@code HttpURLConnection} client it
 * replaced: a child JVM with the function's flags (C1 only, serial GC) takes events from a Runtime API on 127.0.0.1
 * (the JDK's HTTP server with TCP_NODELAY, as the emulator's) and posts a 9 kB answer, 300 warm-up pairs then 300
 * measured; printed: the p50 of {@code respond} (the part of an invocation's Duration that is the client's) and the
 * client thread's CPU per next + respond pair. Three children of each, alternating.
 *
 * <pre>
 * ./mvnw -q -DskipTests -pl benchmarks -am package
 * java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" lambert.benchmarks.RuntimeApiClientCost
 * </pre>
 */
public final class RuntimeApiClientCost {
    private static final int WARM = 300;
    private static final int MEASURED = 300;

    private RuntimeApiClientCost() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 2) {
            child(args[0], args[1]);
            return;
        }
        HttpServer server = server();
        String hostPort = "127.0.0.1:" + server.getAddress().getPort();
        try {
            System.out.println("| client | respond p50 (us) | CPU per next + respond (us) |");
            System.out.println("|---|---|---|");
            for (int round = 0; round < 3; round++) {
                for (String kind : List.of("lambert", "HttpURLConnection")) {
                    System.out.println("| " + kind + " | " + run(kind, hostPort) + " |");
                }
            }
        } finally {
            server.stop(0);
        }
    }

    private static String run(String kind, String hostPort) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmn24m",
                "-cp", System.getProperty("java.class.path"), RuntimeApiClientCost.class.getName(), kind, hostPort));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String line;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            line = r.readLine();
        }
        if (p.waitFor() != 0 || line == null) {
            throw new IllegalStateException(kind + " failed: " + line);
        }
        return line;
    }

    /** A Runtime API that hands out the same small event forever and accepts every answer. */
    private static HttpServer server() throws IOException {
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "runtime-api");
            t.setDaemon(true);
            return t;
        }));
        AtomicLong ids = new AtomicLong();
        byte[] event = "{\"text\": \"Hey, how are you?\"}".getBytes(StandardCharsets.UTF_8);
        byte[] ok = "{\"status\":\"OK\"}".getBytes(StandardCharsets.UTF_8);
        server.createContext("/2018-06-01/runtime/", exchange -> {
            try (exchange; InputStream in = exchange.getRequestBody()) {
                in.readAllBytes();
                if (exchange.getRequestURI().getPath().endsWith("/next")) {
                    exchange.getResponseHeaders().set("Lambda-Runtime-Aws-Request-Id", "id-" + ids.incrementAndGet());
                    exchange.getResponseHeaders().set("Lambda-Runtime-Deadline-Ms",
                            Long.toString(System.currentTimeMillis() + 28_000));
                    exchange.sendResponseHeaders(200, event.length);
                    exchange.getResponseBody().write(event);
                } else {
                    exchange.sendResponseHeaders(202, ok.length);
                    exchange.getResponseBody().write(ok);
                }
            }
        });
        server.start();
        return server;
    }

    private interface Pair {
        /** One next, then a respond; returns the respond's nanoseconds. */
        long run(byte[] answer) throws IOException;
    }

    private static void child(String kind, String hostPort) throws IOException {
        byte[] answer = new byte[9000];
        Arrays.fill(answer, (byte) '1');
        Pair pair;
        if (kind.equals("lambert")) {
            RuntimeApiClient api = new RuntimeApiClient(hostPort);
            pair = body -> {
                Invocation e = api.next();
                long start = System.nanoTime();
                api.respond(e.requestId(), body);
                return System.nanoTime() - start;
            };
        } else {
            String base = "http://" + hostPort + "/2018-06-01/runtime/invocation/";
            pair = body -> {
                HttpURLConnection get = (HttpURLConnection) new URL(base + "next").openConnection();
                String id = get.getHeaderField("Lambda-Runtime-Aws-Request-Id");
                try (InputStream in = get.getInputStream()) {
                    in.readAllBytes();
                }
                long start = System.nanoTime();
                HttpURLConnection post = (HttpURLConnection) new URL(base + id + "/response").openConnection();
                post.setRequestMethod("POST");
                post.setDoOutput(true);
                post.setFixedLengthStreamingMode(body.length);
                try (OutputStream out = post.getOutputStream()) {
                    out.write(body);
                }
                try (InputStream in = post.getInputStream()) {
                    in.readAllBytes();
                }
                return System.nanoTime() - start;
            };
        }
        for (int i = 0; i < WARM; i++) {
            pair.run(answer);
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long[] respond = new long[MEASURED];
        long cpu = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < MEASURED; i++) {
            respond[i] = pair.run(answer);
        }
        cpu = threads.getCurrentThreadCpuTime() - cpu;
        Arrays.sort(respond);
        System.out.printf(Locale.ROOT, "%.0f | %.0f%n", respond[MEASURED / 2] / 1e3, cpu / 1e3 / MEASURED);
    }
}

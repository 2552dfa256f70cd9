package lambert.benchmarks;

import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import lambert.runtime.contract.Reply;
import lambert.toolkit.serve.HttpLimits;
import lambert.toolkit.serve.JsonHttpServer;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * What an embedded HTTP server costs {@code lambert serve} at start-up: the JDK's {@code com.sun.net.httpserver}
 * (what serve used before), Jetty 12 core (no servlets) and lambert's own {@link JsonHttpServer}, each in a fresh
 * JVM that starts the server on loopback with a handler answering a fixed JSON body and sends itself one GET over
 * a socket. Reported per server, medians over R rounds (the servers alternate within a round): milliseconds from
 * {@code main} to the server listening and to the first answer read, the classes loaded by then, and the jars the
 * server adds to the classpath.
 *
 * <pre>
 * ./mvnw -q -DskipTests -pl benchmarks -am package
 * java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" lambert.benchmarks.ServerStartup [R]
 * </pre>
 * R defaults to 11.
 */
public final class ServerStartup {
    private static final List<String> SERVERS = List.of("jdk", "jetty", "lambert");
    private static final byte[] BODY = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);

    private ServerStartup() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("child")) {
            child(args[1]);
            return;
        }
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 11;
        Map<String, List<double[]>> runs = new LinkedHashMap<>();
        for (String server : SERVERS) {
            runs.put(server, new ArrayList<>());
        }
        for (int r = 0; r < rounds; r++) {
            for (String server : SERVERS) {
                runs.get(server).add(runChild(server));
            }
        }
        System.out.printf(Locale.ROOT, "embedded HTTP server start-up, fresh JVM each, medians of %d, %d processors%n",
                rounds, Runtime.getRuntime().availableProcessors());
        System.out.println("server   listening ms  first answer ms  classes loaded  jars added");
        for (String server : SERVERS) {
            List<double[]> r = runs.get(server);
            System.out.printf(Locale.ROOT, "%-8s %12.1f %16.1f %15.0f  %s%n", server, median(r, 0), median(r, 1),
                    median(r, 2), jars(server));
        }
    }

    private static double[] runChild(String server) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), ServerStartup.class.getName(), "child", server)
                .redirectErrorStream(true).start();
        String last = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                last = line;
            }
        }
        if (p.waitFor() != 0 || last == null || !last.startsWith("result ")) {
            throw new IllegalStateException(server + " child failed: " + last);
        }
        return Arrays.stream(last.substring(7).split(" ")).mapToDouble(Double::parseDouble).toArray();
    }

    private static void child(String server) throws Exception {
        long t0 = System.nanoTime();
        AutoCloseable stop;
        int port;
        switch (server) {
            case "jdk": {
                HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
                s.setExecutor(Executors.newFixedThreadPool(8));
                s.createContext("/", exchange -> {
                    exchange.getResponseHeaders().add("Content-Type", "application/json");
                    exchange.sendResponseHeaders(200, BODY.length);
                    try (OutputStream o = exchange.getResponseBody()) {
                        o.write(BODY);
                    }
                });
                s.start();
                port = s.getAddress().getPort();
                stop = () -> s.stop(0);
                break;
            }
            case "jetty": {
                Server s = new Server(new QueuedThreadPool(16, 2));
                HttpConfiguration config = new HttpConfiguration();
                config.setSendServerVersion(false);
                ServerConnector connector = new ServerConnector(s, 1, 1, new HttpConnectionFactory(config));
                connector.setHost("127.0.0.1");
                connector.setPort(0);
                s.addConnector(connector);
                s.setHandler(new Handler.Abstract() {
                    @Override
                    public boolean handle(Request request, Response response, Callback callback) {
                        response.getHeaders().put("Content-Type", "application/json");
                        Content.Sink.write(response, true, new String(BODY, StandardCharsets.UTF_8), callback);
                        return true;
                    }
                });
                s.start();
                port = connector.getLocalPort();
                stop = s::stop;
                break;
            }
            case "lambert": {
                JsonHttpServer s = JsonHttpServer.start((method, body, id) -> new Reply(200, BODY, null, null),
                        HttpLimits.defaults(1 << 20), "127.0.0.1", 0, 8);
                port = s.port();
                stop = s;
                break;
            }
            default:
                throw new IllegalArgumentException("unknown server " + server + ", expected one of " + SERVERS);
        }
        long listening = System.nanoTime();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            if (!answer.startsWith("HTTP/1.1 200") || !answer.endsWith("{\"ok\":true}")) {
                throw new IllegalStateException(server + " answered " + answer);
            }
        }
        long answered = System.nanoTime();
        int classes = ManagementFactory.getClassLoadingMXBean().getLoadedClassCount();
        System.out.printf(Locale.ROOT, "result %.2f %.2f %d%n", (listening - t0) / 1e6, (answered - t0) / 1e6, classes);
        stop.close();
        System.exit(0);
    }

    /** The jars (or class folders) on this classpath that the server brings, with their size. */
    private static String jars(String server) throws IOException {
        if (server.equals("jdk")) {
            return "none (in the JDK)";
        }
        long bytes = 0;
        int count = 0;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (server.equals("jetty") && p.getFileName().toString().startsWith("jetty-")) {
                bytes += Files.size(p);
                count++;
            }
        }
        if (server.equals("lambert")) {
            String folder = "lambert/cli/serve/";
            for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
                Path p = Path.of(entry);
                if (Files.isDirectory(p.resolve(folder))) {
                    try (var files = Files.list(p.resolve(folder))) {
                        for (Path f : files.toList()) {
                            bytes += Files.size(f);
                            count++;
                        }
                    }
                } else if (entry.endsWith(".jar") && p.getFileName().toString().startsWith("lambert-cli")) {
                    try (java.util.jar.JarFile jar = new java.util.jar.JarFile(entry)) {
                        for (var e : java.util.Collections.list(jar.entries())) {
                            if (e.getName().startsWith(folder) && !e.isDirectory()) {
                                bytes += e.getSize();
                                count++;
                            }
                        }
                    }
                }
            }
            return String.format(Locale.ROOT, "%d class files, %.0f KB (inside lambert-cli)", count, bytes / 1e3);
        }
        return String.format(Locale.ROOT, "%d jars, %.2f MB", count, bytes / 1e6);
    }

    private static double median(List<double[]> runs, int column) {
        double[] v = runs.stream().mapToDouble(r -> r[column]).sorted().toArray();
        return v[v.length / 2];
    }
}

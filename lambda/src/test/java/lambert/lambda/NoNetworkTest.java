package lambert.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import lambert.runtime.testing.TestModels;
import org.junit.jupiter.api.Test;

/**
 * The function needs no network at run time: the handler is started and invoked in a JVM inside a network
 * namespace of its own ({@code unshare -n}: only a loopback interface, and that one down), where every connection
 * fails, and it still loads the real int8 all-MiniLM-L6-v2 and answers. Needs {@code unshare} and the right to
 * create namespaces (root here); skipped otherwise.
 */
class NoNetworkTest {
    @Test
    void handler_answersWithNoNetworkAtAll() throws Exception {
        Path unshare = Path.of("/usr/bin/unshare");
        assumeTrue(Files.isExecutable(unshare), "needs unshare (util-linux)");
        assumeTrue(new ProcessBuilder(unshare.toString(), "-n", "true").start().waitFor() == 0,
                "needs the right to create a network namespace");
        Path model = TestModels.minilmInt8();
        Process p = new ProcessBuilder(unshare.toString(), "-n",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Offline.class.getName(), model.toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).contains("network: unreachable").contains("\"embedding\":[");
    }

    /** Runs in the namespace: shows the network is gone, then loads the handler and answers one event. */
    public static final class Offline {
        private Offline() {}

        public static void main(String[] args) throws Exception {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("192.0.2.1", 443), 2000);
                System.out.println("network: reachable");
            } catch (IOException expected) {
                System.out.println("network: unreachable (" + expected.getMessage() + ")");
            }
            Handler handler = new Handler(Settings.from(Map.of("LAMBERT_MODEL_DIR", args[0],
                    "LAMBERT_LOG_LEVEL", "OFF")), null);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            handler.handleRequest(new ByteArrayInputStream("{\"text\": \"no network needed\"}"
                    .getBytes(StandardCharsets.UTF_8)), out, new TestContext("offline"));
            System.out.println(out.toString(StandardCharsets.UTF_8));
            handler.model().close();
            System.exit(List.of(args).isEmpty() ? 1 : 0);
        }
    }
}

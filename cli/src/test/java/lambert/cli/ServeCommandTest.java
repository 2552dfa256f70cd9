package lambert.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import lambert.runtime.testing.TinyModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code lambert serve}'s options and start-up errors: one line, a documented exit code (the serving is in LocalServerTest). */
class ServeCommandTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void serve_nonPositiveLimitIsUsageErrorNamingTheOption() {
        for (String option : List.of("--max-connections", "--header-timeout", "--body-timeout", "--idle-timeout",
                "--threads")) {
            assertThat(run("serve", "--model", "minilm-int8", option, "0")).as(option).isEqualTo(ExitCodes.BAD_INPUT);
            assertThat(err.toString().strip()).isEqualTo("lambert: " + option + " must be at least 1, found 0");
        }
    }

    @Test
    void serve_portInUseIsEnvironmentErrorNamingTheAddress() throws Exception {
        TinyModels tiny = TinyModels.classifier(dir.resolve("cls"), 30522, List.of("neg", "pos"), false, 3);
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            assertThat(run("serve", "--model", tiny.bundle().dir().toString(), "--port", String.valueOf(port)))
                    .isEqualTo(ExitCodes.ENVIRONMENT);
            assertThat(err.toString().strip()).startsWith("lambert: cannot listen on 127.0.0.1:" + port + ": ")
                    .doesNotContain("\n").doesNotContain("Exception");
        }
    }

    private int run(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        CommandLine cli = Lambert.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }
}

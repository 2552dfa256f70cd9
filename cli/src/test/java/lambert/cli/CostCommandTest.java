package lambert.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import lambert.base.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code lambert cost} as a user runs it. */
class CostCommandTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void cost_printsTheAwsExampleLineByLine() {
        assertThat(run("cost", "--memory", "1024", "--duration-ms", "100", "--requests", "1000000")).isZero();
        assertThat(out.toString()).contains("requests     $0.20", "duration     $1.67", "total        $1.87 a month",
                "$1.87 per million", "prices 2026-11, us-east-1");
    }

    @Test
    void cost_jsonCarriesEveryCharge() throws Exception {
        assertThat(run("cost", "--memory", "512", "--duration-ms", "3.2", "--arch", "arm64", "--init-ms", "450",
                "--cold-ratio", "0.01", "--json")).isZero();
        Map<?, ?> json = (Map<?, ?>) Json.parse(out.toString().trim().getBytes());
        assertThat(json.get("architecture")).isEqualTo("arm64");
        assertThat(json.get("billed_ms")).isEqualTo(4L);
        assertThat(json.get("billed_cold_ms")).isEqualTo(454L);
        // arm64 at $0.0000133334 per GB-s, 0.5 GB: warm 1,000,000 x 4 ms = 2,000 GB-s; INIT billed on the
        // 10,000 cold starts, 454 - 4 = 450 ms each = 2,250 GB-s
        assertThat((Double) json.get("usd_requests")).isCloseTo(0.20, within(1e-12));
        assertThat((Double) json.get("usd_duration")).isCloseTo(2_000 * 0.0000133334, within(1e-12));
        assertThat((Double) json.get("usd_init")).isCloseTo(2_250 * 0.0000133334, within(1e-12));
        assertThat((Double) json.get("gb_seconds")).isCloseTo(4_250, within(1e-6));
        assertThat((Double) json.get("usd_total")).isCloseTo(0.20 + 4_250 * 0.0000133334, within(1e-12))
                .isEqualTo((Double) json.get("usd_per_million"));
    }

    @Test
    void cost_provisionedShowsTheReservation() {
        assertThat(run("cost", "--memory", "1024", "--duration-ms", "100", "--provisioned", "2", "--hours", "730"))
                .isZero();
        assertThat(out.toString()).contains("provisioned  $21.90", "duration     $0.97",
                "(the duration price while provisioned concurrency is on)");
    }

    @Test
    void cost_pricesFileOverridesTheTable() throws Exception {
        Path prices = Files.writeString(dir.resolve("prices.json"), "{\"date\": \"2030-01\", \"region\": \"eu-west-1\", "
                + "\"request_per_million\": 0.40, \"x86_64\": {\"duration_gb_second\": 0.00003, "
                + "\"provisioned_gb_second\": 0.000005, \"provisioned_duration_gb_second\": 0.00001}, "
                + "\"arm64\": {\"duration_gb_second\": 0.00002, \"provisioned_gb_second\": 0.000004, "
                + "\"provisioned_duration_gb_second\": 0.000008}}");
        assertThat(run("cost", "--memory", "1024", "--duration-ms", "100", "--prices", prices.toString())).isZero();
        // $0.40 + 100,000 GB-s x $0.00003 = $3.40
        assertThat(out.toString()).contains("total        $3.40 a month", "prices 2030-01, eu-west-1");
    }

    @Test
    void cost_badPricesFileIsBadInputNamingTheField() throws Exception {
        Path prices = Files.writeString(dir.resolve("prices.json"), "{\"date\": \"2030-01\", \"region\": \"eu-west-1\", "
                + "\"request_per_million\": 0.40, \"x86_64\": {\"duration_gb_second\": 0.00003}, \"arm64\": {}}");
        assertThat(run("cost", "--memory", "1024", "--duration-ms", "100", "--prices", prices.toString()))
                .isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(err.toString()).contains(prices.toString(), "\"x86_64.provisioned_gb_second\" must be a number");
        assertThat(run("cost", "--memory", "1024", "--duration-ms", "100", "--prices", dir.resolve("none.json")
                .toString())).isEqualTo(ExitCodes.ENVIRONMENT);
        assertThat(err.toString()).contains("file not found");
    }

    @Test
    void cost_inconsistentOptionsAreBadUsage() {
        assertThat(run("cost", "--memory", "1024", "--duration-ms", "100", "--cold-ratio", "0.1"))
                .isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(err.toString()).contains("--cold-ratio needs --init-ms");
        assertThat(run("cost", "--memory", "1024", "--duration-ms", "100", "--hours", "10"))
                .isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(err.toString()).contains("--provisioned");
        assertThat(run("cost", "--memory", "20000", "--duration-ms", "100")).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(err.toString()).contains("--memory must be between 128 and 10240 MB");
        assertThat(run("cost", "--memory", "1024", "--duration-ms", "100", "--arch", "sparc"))
                .isEqualTo(ExitCodes.BAD_INPUT);
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

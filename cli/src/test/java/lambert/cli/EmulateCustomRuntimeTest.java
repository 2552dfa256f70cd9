package lambert.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import lambert.base.json.Json;
import lambert.toolkit.emulator.CustomRuntimePackages;
import lambert.toolkit.packaging.CpuArch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code lambert emulate} on a custom-runtime zip (a {@code bootstrap} at its root, no {@code function.json}, none of
 * lambert's {@code native/} libraries): it runs, names provided.al2023 in its {@code os} line, and has no init phases
 * (only lambert's handler logs them). A {@code bootstrap} without execute bits fails the run (exit 1) with one line
 * saying so.
 */
class EmulateCustomRuntimeTest {
    @TempDir
    Path dir;

    @Test
    @SuppressWarnings("unchecked")
    void emulate_customRuntimeZipRunsItsBootstrap() throws Exception {
        Path zip = CustomRuntimePackages.loop(dir.resolve("loop.zip"), 0755);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertThat(run(out, err, "emulate", "--package", zip.toString(), "--text", "hi", "--json")).as(err.toString())
                .isZero();
        Map<String, Object> json = (Map<String, Object>) Json.parse(out.toString().getBytes(StandardCharsets.UTF_8));
        assertThat((String) json.get("os")).startsWith("provided.al2023 runs on Amazon Linux 2023");
        assertThat(json.get("init_phases")).isNull();
        Map<String, Object> answer = (Map<String, Object>) Json.parse(((String) json.get("first_response"))
                .getBytes(StandardCharsets.UTF_8));
        assertThat((Map<String, Object>) answer.get("event")).containsEntry("text", "hi");
    }

    @Test
    void emulate_bootstrapNotExecutableFailsWithOneLine() throws Exception {
        Path zip = CustomRuntimePackages.loop(dir.resolve("loop.zip"), 0644);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertThat(run(out, err, "emulate", "--package", zip.toString(), "--text", "hi", "--json")).isEqualTo(1);
        assertThat(err.toString()).contains("Runtime.InvalidEntrypoint").contains("not executable")
                .doesNotContain("\tat ");
    }

    @Test
    void ofPackage_customRuntimeZipIsThisMachinesArchitecture() throws Exception {
        assertThat(CpuArch.ofPackage(CustomRuntimePackages.loop(dir.resolve("loop.zip"), 0755)))
                .isEqualTo(CpuArch.host());
    }

    private static int run(StringWriter out, StringWriter err, String... args) {
        CommandLine cli = Lambert.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }
}

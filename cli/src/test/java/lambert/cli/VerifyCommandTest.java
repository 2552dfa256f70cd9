package lambert.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import lambert.base.json.Json;
import lambert.runtime.testing.TestModels;
import lambert.toolkit.verify.DamagedModels;
import lambert.toolkit.verify.VerifyTexts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code lambert verify} against a deliberately damaged model. */
class VerifyCommandTest {
    @TempDir
    Path dir;

    @Test
    void verify_damagedModelFailsWithExitOneAndNamesTheWorstTexts() throws Exception {
        // One attention weight scaled by 1.5: the kind of damage a bad conversion does.
        Path damaged = DamagedModels.copyOfMiniLm(dir.resolve("damaged"),
                model -> DamagedModels.scaleFirstMatMulWeight(model, 1.5f));
        Path texts = Files.write(dir.resolve("texts.txt"), VerifyTexts.builtIn().subList(0, 60));
        StringWriter out = new StringWriter();
        CommandLine cli = Lambert.commandLine();
        cli.setOut(new PrintWriter(out, true));
        int code = cli.execute("verify", "--reference", TestModels.minilm().toString(), "--candidate",
                damaged.toString(), "--texts", texts.toString(), "--only-texts", "--json", "--worst", "3");
        assertThat(code).isEqualTo(ExitCodes.CHECK_FAILED);
        Map<?, ?> report = (Map<?, ?>) Json.parse(out.toString().trim().getBytes());
        assertThat(report.get("pass")).isEqualTo(false);
        assertThat(((Number) report.get("max_abs_diff")).doubleValue()).isGreaterThan(1e-3);
        assertThat((List<?>) report.get("worst")).hasSize(3);
        assertThat((String) ((Map<?, ?>) ((List<?>) report.get("worst")).get(0)).get("text")).isNotEmpty();
        // an fp32 candidate batches, and a text alone answers as it does among the first 32 texts
        Map<?, ?> batching = (Map<?, ?>) report.get("batching");
        assertThat(batching.get("batched")).isEqualTo(true);
        assertThat(batching.get("texts")).isEqualTo(32L);
        assertThat(((Number) batching.get("alone_vs_batched_max_abs_diff")).doubleValue()).isLessThanOrEqualTo(1e-5);
    }
}

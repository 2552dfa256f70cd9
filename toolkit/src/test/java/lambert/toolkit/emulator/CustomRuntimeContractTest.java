package lambert.toolkit.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link FunctionContract} on the real model's {@code provided.al2023} package: lambert's JDK image, its
 * ahead-of-time cache and its own Runtime API loop, started by the package's {@code bootstrap} at the task root.
 */
class CustomRuntimeContractTest extends FunctionContract {
    private Path zip;

    @BeforeAll
    void packageIt() throws IOException {
        zip = CustomRuntimePackages.minilmInt8().zip();
    }

    @Override
    Path zip() {
        return zip;
    }

    /** A custom package's {@code function.json} gives no environment: the bootstrap carries the JVM's options. */
    @Override
    Map<String, String> environment() {
        return Map.of();
    }

    @Test
    void emulate_contractRunsOnTheCustomRuntimeWithItsCache() throws Exception {
        emulator().invoke("{\"text\": \"which runtime?\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(emulator().runtime()).isEqualTo("provided.al2023");
        EmulatorTest.awaitLine(lines, l -> l.contains("\"message\":\"lambert custom runtime started\""));
        assertThat(lines).anyMatch(l -> l.contains("\"message\":\"lambert custom runtime started\"")
                && l.contains("\"aotCache\":\"used\""));
    }
}

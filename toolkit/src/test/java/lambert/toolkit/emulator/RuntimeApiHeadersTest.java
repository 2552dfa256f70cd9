package lambert.toolkit.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import lambert.base.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the emulated Runtime API hands AWS's Java runtime interface client with an event, checked from inside the
 * function ({@link ProbeHandler}). Lambda's Runtime API leaves {@code Lambda-Runtime-Client-Context} and
 * {@code Lambda-Runtime-Cognito-Identity} out unless the call came from the AWS Mobile SDK (AWS's own Runtime API
 * code, {@code aws-lambda-runtime-interface-emulator}'s {@code renderInvokeHeaders}, sets each only when it is not
 * empty), so a direct invocation's {@code Context} has neither. Sent as {@code "{}"}, the client built both objects
 * with Gson, which cost the first invocation tens of milliseconds that no real call pays.
 */
class RuntimeApiHeadersTest {
    @TempDir
    Path dir;

    @Test
    void invoke_directInvocationHasNoClientContextAndNoIdentity() throws Exception {
        try (Emulator emulator = new Emulator(ProbeHandler.zip(dir), ProbeHandler.HANDLER, Map.of(), 1769, 30,
                line -> { }, RuntimeJars.locate(), InitializationType.ON_DEMAND, Emulation.host())) {
            for (int i = 0; i < 2; i++) {
                Report report = emulator.invoke("{}".getBytes(StandardCharsets.UTF_8));
                assertThat(report.status()).as(new String(report.response(), StandardCharsets.UTF_8))
                        .isEqualTo("success");
                Map<?, ?> answer = (Map<?, ?>) Json.parse(report.response());
                assertThat(answer.get("clientContext")).as("a client context in invocation %d", i + 1)
                        .isEqualTo(false);
                assertThat(answer.get("identity")).as("a Cognito identity in invocation %d", i + 1).isEqualTo(false);
            }
        }
    }
}

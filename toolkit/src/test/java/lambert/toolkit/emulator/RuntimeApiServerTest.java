package lambert.toolkit.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The emulated Runtime API's own start, before any function talks to it. */
class RuntimeApiServerTest {
    @Test
    void constructor_answersItsOwnWarmUpWithoutEndingInitOrReachingTheListener() throws Exception {
        List<String> calls = new ArrayList<>();
        try (RuntimeApiServer server = new RuntimeApiServer(new RuntimeApiServer.Listener() {
            @Override
            public void delivered(String requestId) {
                calls.add("delivered " + requestId);
            }

            @Override
            public void answered(String requestId, RuntimeApiServer.Outcome outcome) {
                calls.add("answered " + requestId);
            }

            @Override
            public void initEnded() {
                calls.add("initEnded");
            }
        })) {
            // the JDK server's first reply (Date header, locale data) is paid here, not in a function's Duration
            assertThat(server.answered()).isEqualTo(1);
            assertThat(server.firstPoll()).isNotDone();
            assertThat(server.initError()).isNotDone();
            assertThat(calls).isEmpty();
        }
    }
}

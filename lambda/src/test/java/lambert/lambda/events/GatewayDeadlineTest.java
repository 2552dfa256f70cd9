package lambert.lambda.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The gateway's deadline on a clock the test moves: API Gateway's documented waits (29 s for REST APIs, 30 s for HTTP
 * APIs) written here as numbers, not read from the code under test.
 */
class GatewayDeadlineTest {
    private static final long RECEIVED = 1_700_000_000_000L;
    private final AtomicLong now = new AtomicLong(RECEIVED);

    @Test
    void of_restApiEventIsHeldTo29SecondsFromItsRequestTime() {
        GatewayDeadline deadline = GatewayDeadline.of(event(EventKind.API_GATEWAY_V1, RECEIVED), -1, () -> 60_000,
                now::get);
        now.set(RECEIVED + 10_000);
        assertThat(deadline.getAsLong()).isEqualTo(19_000);
        assertThat(deadline.binding()).isTrue();
        now.set(RECEIVED + 28_700);
        assertThat(deadline.getAsLong()).isEqualTo(300);
        assertThat(deadline.exceeded(500).getMessage())
                .isEqualTo("stopped before API Gateway's 29 s integration timeout: the request reached API Gateway "
                        + "28,700 ms ago (requestContext.requestTimeEpoch), less than the 500 ms margin "
                        + "(LAMBERT_DEADLINE_MARGIN_MS) before it stops waiting; send fewer texts per request (API "
                        + "Gateway gives up then whatever the function's timeout)");
        assertThat(deadline.exceeded(500).status()).isEqualTo(504);
    }

    @Test
    void of_httpApiEventIsHeldTo30Seconds() {
        GatewayDeadline deadline = GatewayDeadline.of(event(EventKind.HTTP_API_V2, RECEIVED), -1, null, now::get);
        now.set(RECEIVED + 1_000);
        assertThat(deadline.getAsLong()).isEqualTo(29_000);
        assertThat(deadline.exceeded(500).getMessage()).contains("30 s integration timeout")
                .contains("(requestContext.timeEpoch)");
    }

    @Test
    void getAsLong_functionsOwnTimeWinsWhenShorter() {
        GatewayDeadline deadline = GatewayDeadline.of(event(EventKind.API_GATEWAY_V1, RECEIVED), -1, () -> 5_000,
                now::get);
        assertThat(deadline.getAsLong()).isEqualTo(5_000);
        assertThat(deadline.binding()).isFalse();
    }

    @Test
    void of_configuredTimeoutReplacesTheDefaultAndZeroTurnsItOff() {
        GatewayDeadline ten = GatewayDeadline.of(event(EventKind.API_GATEWAY_V1, RECEIVED), 10_000, null, now::get);
        now.set(RECEIVED + 9_700);
        assertThat(ten.getAsLong()).isEqualTo(300);
        assertThat(ten.exceeded(500).getMessage()).contains("API Gateway's 10 s (LAMBERT_GATEWAY_TIMEOUT_MS)");
        GatewayDeadline odd = GatewayDeadline.of(event(EventKind.HTTP_API_V2, RECEIVED), 10_500, null, now::get);
        assertThat(odd.exceeded(500).getMessage()).contains("API Gateway's 10500 ms (LAMBERT_GATEWAY_TIMEOUT_MS)");
        assertThat(GatewayDeadline.of(event(EventKind.API_GATEWAY_V1, RECEIVED), 0, null, now::get)).isNull();
    }

    @Test
    void of_implausibleRequestTimesAreIgnored() {
        now.set(RECEIVED + 60_001);
        assertThat(GatewayDeadline.of(event(EventKind.API_GATEWAY_V1, RECEIVED), -1, null, now::get)).isNull();
        now.set(RECEIVED + 60_000);
        assertThat(GatewayDeadline.of(event(EventKind.API_GATEWAY_V1, RECEIVED), -1, null, now::get)).isNotNull();
        now.set(RECEIVED - 5_001);
        assertThat(GatewayDeadline.of(event(EventKind.API_GATEWAY_V1, RECEIVED), -1, null, now::get)).isNull();
        now.set(RECEIVED - 4_000);
        assertThat(GatewayDeadline.of(event(EventKind.API_GATEWAY_V1, RECEIVED), -1, null, now::get)).isNotNull();
        assertThat(GatewayDeadline.of(event(EventKind.API_GATEWAY_V1, -1), -1, null, now::get)).isNull();
    }

    @Test
    void of_eventsWithoutAGatewayInFrontHaveNone() {
        for (EventKind kind : new EventKind[] {EventKind.FUNCTION_URL, EventKind.ALB, EventKind.LATTICE_V1,
            EventKind.LATTICE_V2}) {
            assertThat(GatewayDeadline.of(event(kind, RECEIVED), -1, null, now::get)).as(kind.id()).isNull();
            assertThat(GatewayDeadline.of(event(kind, RECEIVED), 10_000, null, now::get)).as(kind.id()).isNull();
        }
    }

    private static HttpEvent event(EventKind kind, long requestTime) {
        return new HttpEvent(kind, "POST", "{\"text\": \"hi\"}", false, false, requestTime, null);
    }
}

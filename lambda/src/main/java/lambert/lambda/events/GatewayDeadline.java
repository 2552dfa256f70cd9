package lambert.lambda.events;

import java.util.Locale;
import java.util.function.LongSupplier;
import lambert.runtime.contract.RequestException;

/**
 * The time left before API Gateway stops waiting: its integration timeout ({@link EventKind#gatewayTimeoutMillis()},
 * 29 s for REST APIs, 30 s for HTTP APIs, unless {@code LAMBERT_GATEWAY_TIMEOUT_MS} says otherwise) counted from the
 * request time it writes into the event, or the function's own remaining time if that is shorter. Counting from API Gateway's clock takes in what the function's clock does
 * not see: a cold start's INIT, and a function timeout set longer than the gateway waits. The handler then stops
 * before the gateway gives up and answers its own 504 instead of API Gateway's.
 *
 * <p>A request time more than a minute old (or 5 s in the future) is taken for a replayed or hand-made event (the
 * documented examples carry times from years ago) and ignored: API Gateway never calls a function that late.
 *
 * <pre>{@code
 * GatewayDeadline deadline = GatewayDeadline.of(event, -1, context::getRemainingTimeInMillis,
 *         System::currentTimeMillis);
 * }</pre>
 */
public final class GatewayDeadline implements LongSupplier {
    /** Request times older than this are ignored. */
    static final long LATEST_CALL_MILLIS = 60_000;
    /** Request times later than now by more than this are ignored. */
    static final long CLOCK_SKEW_MILLIS = 5_000;
    /**
     * Epoch milliseconds from {@link System#currentTimeMillis()}. An object of a class of its own rather than
     * {@code System::currentTimeMillis}: the handler's warm-up at INIT would link that method reference at run time
     * (docs/cold-start.md).
     */
    public static final LongSupplier SYSTEM_CLOCK = new SystemClock();

    private final EventKind kind;
    private final long timeoutMillis;
    private final boolean configured;
    private final long deadlineMillis;
    private final long requestTimeMillis;
    private final LongSupplier function;
    private final LongSupplier clock;
    private volatile boolean binding;

    private GatewayDeadline(EventKind kind, long timeoutMillis, boolean configured, long requestTimeMillis,
            LongSupplier function, LongSupplier clock) {
        this.kind = kind;
        this.timeoutMillis = timeoutMillis;
        this.configured = configured;
        this.requestTimeMillis = requestTimeMillis;
        this.deadlineMillis = requestTimeMillis + timeoutMillis;
        this.function = function;
        this.clock = clock;
    }

    /**
     * The gateway's deadline for an event from API Gateway that carries a plausible request time, else null.
     *
     * @param timeoutMillis the integration timeout if not the default for the event's kind ({@code
     *     LAMBERT_GATEWAY_TIMEOUT_MS}), 0 for none, -1 for the default
     * @param function the function's remaining time ({@code Context.getRemainingTimeInMillis}), or null
     * @param clock epoch milliseconds now
     */
    public static GatewayDeadline of(HttpEvent event, long timeoutMillis, LongSupplier function, LongSupplier clock) {
        boolean configured = timeoutMillis >= 0;
        long timeout = configured ? timeoutMillis : event.kind().gatewayTimeoutMillis();
        if (event.kind().gatewayTimeoutMillis() == 0 || timeout == 0 || event.requestTimeMillis() < 0) {
            return null;
        }
        long age = clock.getAsLong() - event.requestTimeMillis();
        if (age < -CLOCK_SKEW_MILLIS || age > LATEST_CALL_MILLIS) {
            return null;
        }
        return new GatewayDeadline(event.kind(), timeout, configured, event.requestTimeMillis(), function, clock);
    }

    /** The time left: the gateway's or the function's, whichever is shorter. */
    @Override
    public long getAsLong() {
        long gateway = deadlineMillis - clock.getAsLong();
        long own = function == null ? Long.MAX_VALUE : function.getAsLong();
        binding = gateway < own;
        return Math.min(gateway, own);
    }

    /** Whether the gateway's deadline was the shorter one when the time left was last read. */
    public boolean binding() {
        return binding;
    }

    /** The 504 for a request stopped by the gateway's deadline, replacing the one naming the function's timeout. */
    public RequestException exceeded(long marginMillis) {
        String field = kind == EventKind.API_GATEWAY_V1 ? "requestContext.requestTimeEpoch"
                : "requestContext.timeEpoch";
        String timeout = (timeoutMillis % 1000 == 0 ? timeoutMillis / 1000 + " s" : timeoutMillis + " ms")
                + (configured ? " (LAMBERT_GATEWAY_TIMEOUT_MS)" : "");
        return new RequestException(504, RequestException.DEADLINE, null, String.format(Locale.ROOT,
                "stopped before API Gateway's %s integration timeout: the request reached API Gateway %,d ms ago "
                + "(%s), less than the %d ms margin (LAMBERT_DEADLINE_MARGIN_MS) before it stops waiting; send fewer "
                + "texts per request (API Gateway gives up then whatever the function's timeout)", timeout,
                clock.getAsLong() - requestTimeMillis, field, marginMillis));
    }

    private static final class SystemClock implements LongSupplier {
        @Override
        public long getAsLong() {
            return System.currentTimeMillis();
        }
    }
}

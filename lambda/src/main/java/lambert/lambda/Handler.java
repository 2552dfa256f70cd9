package lambert.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import lambert.lambda.events.EventKind;
import lambert.lambda.events.GatewayDeadline;
import lambert.lambda.events.HttpEvent;
import lambert.lambda.events.HttpResponses;
import lambert.lambda.events.ResponseSize;
import lambert.runtime.Model;
import lambert.runtime.contract.HttpRoutes;
import lambert.runtime.contract.Reply;
import lambert.runtime.contract.RequestException;
import lambert.runtime.contract.Service;
import lambert.base.json.Json;
import lambert.base.json.JsonException;
import lambert.runtime.natives.PackagedNatives;
import lambert.runtime.task.Parameters;
import org.crac.Core;
import org.crac.Resource;

/**
 * The Lambda function: {@code lambert.lambda.Handler::handleRequest} on the managed Java runtime.
 *
 * <p>The model is loaded in the constructor, which Lambda runs in its INIT phase, never per request
 * and never in a static initialiser; the constructor then answers a direct and an HTTP API event of its own, logged
 * nowhere, so that the first request does not pay for the request path's first use ({@code LAMBERT_WARM_UP}). Direct invocations carry the request JSON as the event;
 * API Gateway (REST and HTTP APIs), function URL, ALB and VPC Lattice (V1 and V2) events carry it as the POST
 * body, plain or base64 ({@link HttpEvent}). HTTP-style events are answered in their service's shape
 * ({@code {statusCode, headers, body, isBase64Encoded}}): 200, 400 for bad input (a malformed event included),
 * 405 for a method other than POST (GET answers model information), 413 over a limit (bytes, texts, tokens: 256
 * per MB of the memory setting by default; or an answer larger than the caller takes, {@link ResponseSize}), 504
 * {@code DeadlineExceeded} when less than the margin (500 ms) was left before the deadline to start the next
 * micro-batch, 500 with the request id. The deadline is the invocation's, or for API Gateway events the gateway's
 * own if that comes first ({@link GatewayDeadline}). A direct invocation stopped by the deadline is a function error
 * ({@link ModelFailedException} carrying the {@code DeadlineExceeded} body) rather than a cut-off by Lambda's
 * timeout. A direct invocation with bad input (or an answer over Lambda's 6 MB) gets the error body as its normal
 * result (retrying cannot help); a failure of the function itself throws {@link ModelFailedException}, so Lambda
 * reports a function error.
 *
 * <p>SnapStart: the handler registers itself with CRaC; before the snapshot it primes the model
 * (tokenizer and inference at several sequence lengths), after a restore it marks the next
 * invocation as the first of its sandbox.
 */
public final class Handler implements RequestStreamHandler, Resource {
    /**
     * The function timeout {@code lambert package} suggests, in seconds: 28, so that even where the handler can only
     * go by the function's own clock (an API Gateway event without a request time), it stops starting micro-batches
     * at 27.5 s (the 500 ms margin), which leaves 1.5 s for the micro-batch under way and the answer before a REST
     * API's 29 s integration timeout (HTTP APIs wait 30 s). Events that carry API Gateway's request time are held to
     * the gateway's deadline whatever the timeout ({@link GatewayDeadline}).
     */
    public static final int SUGGESTED_TIMEOUT_SECONDS = 28;

    private static final List<Integer> PRIMING_WORDS = List.of(1, 16, 64, 200);
    /**
     * The events the constructor answers to warm the request path up ({@code LAMBERT_WARM_UP}): a direct invocation
     * and an HTTP API (payload 2.0) POST, the shapes most functions get.
     */
    static final List<String> WARM_UP_EVENTS = List.of(
            "{\"text\": \"lambert warms up its request path\"}",
            "{\"version\": \"2.0\", \"requestContext\": {\"http\": {\"method\": \"POST\"}}, "
                    + "\"body\": \"{\\\"text\\\": \\\"lambert warms up its request path\\\"}\", \"isBase64Encoded\": false}");

    private final Settings settings;
    private final Model model;
    private final Service service;
    private final HttpRoutes routes;
    private final InvocationLog log;
    private final InitPhases initPhases;
    private volatile boolean restored;

    /**
     * The constructor Lambda calls: settings from the environment, the model from the task root; at log level INFO it
     * logs where INIT went ({@link InitPhases}) as one line when it is done.
     */
    public Handler() {
        this(InitPhases.processAgeMs(), System.nanoTime(), Settings.from(System.getenv()),
                System.getenv("LAMBDA_TASK_ROOT"), true);
    }

    /**
     * A handler with explicit settings (tests, {@code lambert serve}).
     *
     * @param taskRoot the unpacked package, whose {@code native/} folder holds the native libraries; may be null
     */
    public Handler(Settings settings, String taskRoot) {
        this(-1, System.nanoTime(), settings, taskRoot, false);
    }

    private Handler(double processAgeMs, long startNanos, Settings settings, String taskRoot, boolean logInit) {
        this.settings = settings;
        long nativesStart = System.nanoTime();
        PackagedNatives.use(taskRoot);
        long nativesNanos = System.nanoTime() - nativesStart;
        this.model = Model.open(settings.modelDir(), settings.model());
        this.routes = new HttpRoutes(new Service(model, settings.limits(), settings.deadlineMarginMillis()));
        this.service = routes.service();
        this.log = new InvocationLog(System.out, settings.logLevel(), System.getenv());
        long warmUpNanos = settings.warmUp() ? warmUp() : 0;
        Core.getGlobalContext().register(this);
        this.initPhases = InitPhases.of(processAgeMs, nativesNanos, model.loadTimings(), warmUpNanos,
                System.nanoTime() - startNanos);
        if (logInit && settings.logLevel() == Settings.LogLevel.INFO) {
            System.out.println(initPhases.logLine());
        }
    }

    /**
     * Where the constructor's time went; {@code processToHandlerMs} is -1 unless Lambda's constructor (no arguments)
     * made this handler.
     */
    public InitPhases initPhases() {
        return initPhases;
    }

    /**
     * Runs the request path once for each {@link #WARM_UP_EVENTS} shape, in INIT, so that the first request does not
     * pay for its first use (classes loaded, lambdas linked, code run for the first time); nothing is logged or
     * written and no request sees it. A failure of the model itself fails INIT, as it would fail every request.
     *
     * @return how long it took, in nanoseconds
     */
    private long warmUp() {
        long start = System.nanoTime();
        InvocationLog quiet = new InvocationLog(new PrintStream(OutputStream.nullOutputStream()), settings.logLevel(),
                System.getenv());
        for (String event : WARM_UP_EVENTS) {
            try {
                answer(event.getBytes(StandardCharsets.UTF_8), new ByteArrayOutputStream(), null, quiet);
            } catch (IOException e) {
                throw new UncheckedIOException(e); // cannot happen: the streams are in memory
            }
        }
        return System.nanoTime() - start;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        answer(input.readAllBytes(), output, context, log);
    }

    private void answer(byte[] event, OutputStream output, Context context, InvocationLog log) throws IOException {
        long start = System.nanoTime();
        String requestId = context == null ? null : context.getAwsRequestId();
        Object tree;
        try {
            tree = Json.parse(event);
        } catch (JsonException e) {
            Reply reply = Service.refuse(RequestException.invalid(null, "the event is " + e.getMessage()),
                    requestId);
            finish(output, reply, null, context, 0, start, log);
            return;
        }
        HttpEvent http = HttpEvent.of(tree);
        LongSupplier remaining = context == null ? null : new RemainingMillis(context);
        GatewayDeadline gateway = http == null ? null
                : GatewayDeadline.of(http, settings.gatewayTimeoutMillis(), remaining,
                        GatewayDeadline.SYSTEM_CLOCK);
        Reply reply;
        if (http == null) {
            reply = service.handle(tree, event.length, requestId, remaining);
        } else {
            reply = answerHttp(http, requestId, gateway != null ? gateway : remaining);
        }
        if (gateway != null && RequestException.DEADLINE.equals(reply.errorType()) && gateway.binding()) {
            reply = Service.refuse(gateway.exceeded(settings.deadlineMarginMillis()), requestId);
        }
        int texts = reply.predictions() == null ? 0 : reply.predictions().predictions().size();
        finish(output, reply, http, context, texts, start, log);
    }

    /**
     * The invocation's time left. A class rather than a lambda: the warm-up has no {@link Context}, so a lambda here
     * would be linked (a hidden class spun) in the first request instead.
     */
    private record RemainingMillis(Context context) implements LongSupplier {
        @Override
        public long getAsLong() {
            return context.getRemainingTimeInMillis();
        }
    }

    private Reply answerHttp(HttpEvent http, String requestId, LongSupplier remaining) {
        if (http.problem() != null) {
            return Service.refuse(http.problem(), requestId);
        }
        byte[] body;
        try {
            body = http.method().equals("POST") ? http.bodyBytes() : new byte[0];
        } catch (RequestException e) {
            return Service.refuse(e, requestId);
        }
        return handleHttp(http.method(), body, requestId, remaining);
    }

    /**
     * Answers an HTTP request, whatever carried it (a Lambda HTTP event, or {@code lambert serve}):
     * POST answers the JSON body, GET the model information, any other method 405 ({@link HttpRoutes}).
     *
     * @return the reply; a 405 reply should carry the header {@code Allow: GET, POST}
     */
    public Reply handleHttp(String method, byte[] body, String requestId) {
        return handleHttp(method, body, requestId, null);
    }

    /** {@link #handleHttp(String, byte[], String)} before a deadline: the time left, or null for none. */
    public Reply handleHttp(String method, byte[] body, String requestId, LongSupplier remainingMillis) {
        return routes.answer(method, body, requestId, remainingMillis);
    }

    /**
     * Encodes the reply in the event's shape and writes it, after checking its size against what the event's caller
     * takes (a 413 saying what to change replaces an answer that would not get through), and logs the line.
     */
    private void finish(OutputStream output, Reply reply, HttpEvent http, Context context, int texts, long start,
            InvocationLog log) throws IOException {
        String requestId = context == null ? null : context.getAwsRequestId();
        EventKind kind = http == null ? EventKind.DIRECT : http.kind();
        byte[] response = encode(http, reply);
        RequestException tooLarge = ResponseSize.check(kind, response.length, texts, reply);
        if (tooLarge != null) {
            reply = Service.refuse(tooLarge, requestId);
            response = encode(http, reply);
        }
        log.write(context, kind, reply, texts, System.nanoTime() - start, restored);
        restored = false;
        if (http == null && reply.status() >= 500) {
            throw new ModelFailedException(new String(reply.body(), StandardCharsets.UTF_8));
        }
        output.write(response);
    }

    private static byte[] encode(HttpEvent http, Reply reply) {
        if (http == null) {
            return reply.body();
        }
        Map<String, String> headers = reply.status() == 405 ? Map.of("allow", HttpRoutes.ALLOW) : Map.of();
        return HttpResponses.write(http, reply.status(), reply.body(), headers);
    }

    /** SnapStart: runs the tokenizer and the model at several lengths so the snapshot holds warm code. */
    @Override
    public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
        for (int words : PRIMING_WORDS) {
            model.predict(List.of("lambert ".repeat(words).trim()), Parameters.defaults());
        }
    }

    /** SnapStart: a restored copy starts a new sandbox; its first invocation is marked as such. */
    @Override
    public void afterRestore(org.crac.Context<? extends Resource> context) {
        restored = true;
    }

    /** Whether no invocation has run since the last restore from a snapshot. */
    public boolean freshlyRestored() {
        return restored;
    }

    /** The loaded model. */
    public Model model() {
        return model;
    }
}

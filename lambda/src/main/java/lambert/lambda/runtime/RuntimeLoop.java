package lambert.lambda.runtime;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.util.Map;
import java.util.function.LongSupplier;
import lambert.base.json.Json;

/**
 * The custom runtime's main loop ({@code provided.al2023}'s {@code bootstrap} runs {@link #main}): makes the handler
 * named by {@code _HANDLER} ({@code lambert.lambda.Handler::handleRequest}; the class before {@code ::}, which must be a
 * {@link RequestStreamHandler} with a public no-argument constructor) during INIT, then for each event sets the trace
 * id ({@value #TRACE_PROPERTY}, as AWS's runtime interface client does), runs the handler and posts its answer, or its
 * exception as a function error. A handler that cannot be made is posted as an init error and the process exits 1;
 * a Runtime API that stops answering ends the process too (Lambda starts a new one).
 *
 * <p>At INIT it logs one JSON line saying whether the JVM runs with the package's ahead-of-time cache
 * ({@code "aotCache": "used"}), or why not: the {@code bootstrap} passes {@code -Dlambert.aot=...} with the reason
 * when it leaves the cache out.
 *
 * <pre>{@code
 * exec /var/task/jre/bin/java -cp /var/task/lib/lambert-lambda.jar:... lambert.lambda.runtime.RuntimeLoop
 * }</pre>
 */
public final class RuntimeLoop {
    /** The system property that carries the event's X-Ray trace header (AWS's client sets the same). */
    public static final String TRACE_PROPERTY = "com.amazonaws.xray.traceHeader";

    private final RuntimeApiClient api;
    private final RequestStreamHandler handler;
    private final Map<String, String> env;
    private final LongSupplier clock;
    private final PrintStream log;

    /**
     * A loop serving {@code handler} through {@code api}.
     *
     * @param env the function's environment (function name, memory, log group) for the {@code Context}
     * @param clock the wall clock in Unix milliseconds, for the remaining time
     * @param log where the handler's {@code LambdaLogger} writes
     */
    public RuntimeLoop(RuntimeApiClient api, RequestStreamHandler handler, Map<String, String> env, LongSupplier clock,
            PrintStream log) {
        this.api = api;
        this.handler = handler;
        this.env = env;
        this.clock = clock;
        this.log = log;
    }

    /** Starts the custom runtime: INIT, then events until the process is stopped. */
    public static void main(String[] args) {
        Map<String, String> env = System.getenv();
        RuntimeApiClient api;
        try {
            api = new RuntimeApiClient(env.get("AWS_LAMBDA_RUNTIME_API"));
        } catch (IllegalArgumentException e) {
            System.err.println("lambert runtime: " + e.getMessage());
            System.exit(1);
            return;
        }
        System.out.println(initLine(System.getProperty("java.vm.info", ""), System.getProperty("lambert.aot")));
        RequestStreamHandler handler;
        try {
            handler = load(env.get("_HANDLER"));
        } catch (Throwable e) {
            Throwable cause = e instanceof InvocationTargetException t && t.getCause() != null ? t.getCause() : e;
            System.err.println("lambert runtime: INIT failed: " + cause);
            try {
                api.failInit(RuntimeApiClient.BAD_FUNCTION_CODE, cause);
            } catch (IOException report) {
                System.err.println("lambert runtime: cannot report the init error: " + report.getMessage());
            }
            System.exit(1);
            return;
        }
        try {
            new RuntimeLoop(api, handler, env, System::currentTimeMillis, System.out).run();
        } catch (IOException e) {
            System.err.println("lambert runtime: the Runtime API failed: " + e.getMessage());
            System.exit(1);
        }
    }

    /** Serves events until the Runtime API fails. */
    public void run() throws IOException {
        while (true) {
            serveOne();
        }
    }

    /** Waits for one event, answers it, and returns its request id. */
    public String serveOne() throws IOException {
        Invocation event = api.next();
        if (event.traceId() != null) {
            System.setProperty(TRACE_PROPERTY, event.traceId());
        } else {
            System.clearProperty(TRACE_PROPERTY);
        }
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        try {
            handler.handleRequest(new ByteArrayInputStream(event.payload()), answer,
                    new InvocationContext(event, env, clock, log));
        } catch (Throwable e) {
            if (e instanceof VirtualMachineError && !(e instanceof OutOfMemoryError)) {
                throw (VirtualMachineError) e;
            }
            api.fail(event.requestId(), e);
            return event.requestId();
        }
        api.respond(event.requestId(), answer.toByteArray());
        return event.requestId();
    }

    /**
     * The handler class of a {@code _HANDLER} value ({@code class::method} or {@code class}), made with its no-argument
     * constructor.
     *
     * @throws ClassNotFoundException if there is no such class
     * @throws ClassCastException if it is not a {@link RequestStreamHandler}
     */
    static RequestStreamHandler load(String handlerSetting) throws ReflectiveOperationException {
        if (handlerSetting == null || handlerSetting.isBlank()) {
            throw new IllegalArgumentException("_HANDLER is not set: expected the handler class, "
                    + "lambert.lambda.Handler::handleRequest");
        }
        int colons = handlerSetting.indexOf("::");
        String name = (colons < 0 ? handlerSetting : handlerSetting.substring(0, colons)).trim();
        Class<?> type = Class.forName(name);
        if (!RequestStreamHandler.class.isAssignableFrom(type)) {
            throw new ClassCastException("_HANDLER names " + name + ", which is not a "
                    + RequestStreamHandler.class.getName() + ": the custom runtime passes the event as a stream");
        }
        return (RequestStreamHandler) type.getConstructor().newInstance();
    }

    /**
     * The INIT log line: whether the ahead-of-time cache is in use ({@code java.vm.info} says {@code sharing} when an
     * AOT cache or CDS archive is mapped; the packaged JDK has no default archive, so sharing means the cache), and
     * otherwise why not ({@code -Dlambert.aot}, set by the {@code bootstrap}).
     */
    static String initLine(String vmInfo, String bootstrapNote) {
        String cache = vmInfo.contains("sharing") ? "used"
                : "not used" + (bootstrapNote == null || bootstrapNote.isBlank() ? "" : ": " + bootstrapNote);
        return "{\"level\":\"INFO\",\"message\":\"lambert custom runtime started\",\"aotCache\":" + Json.quote(cache)
                + ",\"java\":" + Json.quote(System.getProperty("java.runtime.version", "")) + "}";
    }
}

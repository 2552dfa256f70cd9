package lambert.lambda;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import lambert.runtime.ModelOptions;
import lambert.runtime.contract.Limits;
import lambert.runtime.contract.Service;
import lambert.runtime.session.EngineOptions;
import lambert.runtime.session.Optimization;

/**
 * The function's settings, read from environment variables once at init.
 *
 * <table>
 *   <caption>Environment variables</caption>
 *   <tr><th>variable</th><th>default</th></tr>
 *   <tr><td>{@code LAMBERT_MODEL_DIR}</td><td>{@code $LAMBDA_TASK_ROOT/model}</td></tr>
 *   <tr><td>{@code LAMBERT_THREADS}</td><td>0: one per vCPU the function gets (see {@link #vcpus})</td></tr>
 *   <tr><td>{@code LAMBERT_SPINNING}</td><td>{@code true}</td></tr>
 *   <tr><td>{@code LAMBERT_MAX_TEXTS}</td><td>256</td></tr>
 *   <tr><td>{@code LAMBERT_MAX_INPUT_BYTES}</td><td>1048576</td></tr>
 *   <tr><td>{@code LAMBERT_MAX_TOKENS}</td><td>256 per MB of {@code AWS_LAMBDA_FUNCTION_MEMORY_SIZE}; no limit
 *       without it</td></tr>
 *   <tr><td>{@code LAMBERT_DEADLINE_MARGIN_MS}</td><td>500: no micro-batch starts with less time left</td></tr>
 *   <tr><td>{@code LAMBERT_GATEWAY_TIMEOUT_MS}</td><td>API Gateway's defaults (29,000 for REST APIs, 30,000 for HTTP
 *       APIs): the integration timeout API Gateway events are held to; 0 for the function's timeout only</td></tr>
 *   <tr><td>{@code LAMBERT_VERIFY_CHECKSUMS}</td><td>{@code true}</td></tr>
 *   <tr><td>{@code LAMBERT_KERNEL_WORKAROUNDS}</td><td>{@code true}: ONNX Runtime is kept off kernel paths known to
 *       answer wrong on this CPU ({@code KernelWorkarounds}); {@code false} only to show the fault</td></tr>
 *   <tr><td>{@code LAMBERT_WARM_UP}</td><td>{@code true}: the constructor (INIT) answers a direct and an HTTP event of
 *       its own, logged nowhere, so that the first request does not pay for the request path's first use</td></tr>
 *   <tr><td>{@code LAMBERT_LOG_LEVEL}</td><td>{@code INFO}: one line per invocation; {@code WARN}: failures only;
 *       {@code OFF}</td></tr>
 * </table>
 *
 * @param modelDir the bundle folder
 * @param model how the model is loaded and run
 * @param limits request limits
 * @param logLevel what is logged per invocation
 * @param deadlineMarginMillis no micro-batch starts with less than this left before the invocation's deadline
 * @param gatewayTimeoutMillis API Gateway's integration timeout when it is not the default, 0 to hold API Gateway
 *     events to the function's timeout only, -1 for the defaults ({@link lambert.lambda.events.GatewayDeadline})
 * @param warmUp whether the handler's constructor runs the request path once before the first request
 */
public record Settings(Path modelDir, ModelOptions model, Limits limits, LogLevel logLevel,
        long deadlineMarginMillis, long gatewayTimeoutMillis, boolean warmUp) {
    /** What the function logs per invocation. */
    public enum LogLevel {
        /** One line per invocation. */
        INFO,
        /** One line per failed invocation. */
        WARN,
        /** Nothing. */
        OFF
    }

    /** Reads the settings; a malformed value fails with a message naming the variable. */
    public static Settings from(Map<String, String> env) {
        String taskRoot = env.getOrDefault("LAMBDA_TASK_ROOT", ".");
        Path modelDir = Path.of(env.getOrDefault("LAMBERT_MODEL_DIR", Path.of(taskRoot, "model").toString()));
        int threads = integer(env, "LAMBERT_THREADS", 0, 0);
        boolean spinning = bool(env, "LAMBERT_SPINNING", true);
        boolean verify = bool(env, "LAMBERT_VERIFY_CHECKSUMS", true);
        boolean workarounds = bool(env, "LAMBERT_KERNEL_WORKAROUNDS", true);
        ModelOptions defaults = ModelOptions.defaults();
        int memoryMb = integer(env, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", 0, 1);
        ModelOptions model = new ModelOptions(new EngineOptions(threads, spinning, Optimization.AUTO, workarounds), verify,
                defaults.tokenBudget(), defaults.maxBatchRows(), defaults.parallelism(), vcpus(memoryMb));
        int tokens = integer(env, "LAMBERT_MAX_TOKENS", memoryMb == 0 ? Integer.MAX_VALUE
                : Limits.tokensForMemory(memoryMb), 1);
        Limits limits = new Limits(integer(env, "LAMBERT_MAX_TEXTS", Limits.defaults().maxTexts(), 1),
                integer(env, "LAMBERT_MAX_INPUT_BYTES", Limits.defaults().maxInputBytes(), 1), tokens);
        int margin = integer(env, "LAMBERT_DEADLINE_MARGIN_MS", (int) Service.DEFAULT_DEADLINE_MARGIN_MS, 0);
        int gateway = integer(env, "LAMBERT_GATEWAY_TIMEOUT_MS", -1, 0);
        String level = env.getOrDefault("LAMBERT_LOG_LEVEL", "INFO").trim().toUpperCase(Locale.ROOT);
        LogLevel logLevel;
        try {
            logLevel = LogLevel.valueOf(level);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("LAMBERT_LOG_LEVEL must be INFO, WARN or OFF, found \"" + level + "\"");
        }
        boolean warmUp = bool(env, "LAMBERT_WARM_UP", true);
        return new Settings(modelDir, model, limits, logLevel, margin, gateway, warmUp);
    }

    /**
     * The vCPUs Lambda allocates to a function of {@code memoryMb}: one per 1,769 MB begun (one up to 1,769 MB, two
     * up to 3,538, six at 10,240), as AWS documents it; 0 when the memory is unknown (the JVM's count then). The
     * JVM's own count is not that: Lambda's microVM shows two vCPUs up to about 3 GB (as third-party measurements
     * report), while an emulator that throttles with a cgroup quota shows the quota; both are throttled to the
     * memory's share.
     */
    static int vcpus(int memoryMb) {
        return memoryMb <= 0 ? 0 : (memoryMb + MB_PER_VCPU - 1) / MB_PER_VCPU;
    }

    private static final int MB_PER_VCPU = 1769;

    private static int integer(Map<String, String> env, String name, int fallback, int min) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed < min) {
                throw new NumberFormatException();
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be an integer of at least " + min + ", found \"" + value
                    + "\"");
        }
    }

    private static boolean bool(Map<String, String> env, String name, boolean fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true":
            case "1":
                return true;
            case "false":
            case "0":
                return false;
            default:
                throw new IllegalArgumentException(name + " must be true or false, found \"" + value + "\"");
        }
    }
}

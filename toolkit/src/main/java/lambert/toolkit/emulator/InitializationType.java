package lambert.toolkit.emulator;

import java.util.Locale;

/**
 * How Lambda starts an execution environment, which decides the CPU its INIT phase gets and how long INIT may
 * take; named as Lambda names it in {@code AWS_LAMBDA_INITIALIZATION_TYPE}. Invocations always run at the
 * memory's share, memory/1769 vCPU.
 *
 * <p>AWS's own words: "On-demand Lambda functions use a full vCPU (non-throttled) but is limited to 10 seconds
 * during its initialization phase ... For provisioned concurrency, there is no cpu burst and goes directly to using
 * proportional vCPU based on the memory allocation" (serverlessland.com, Effectively running Java on Serverless,
 * "Utilize initialization phase"); the 10 s limit does not apply to provisioned concurrency, whose INIT may run
 * for 130 s or the function timeout, whichever is higher (AWS Lambda Developer Guide, "Understanding the Lambda
 * execution environment lifecycle", Init phase).
 *
 * <pre>{@code
 * InitializationType.ON_DEMAND.initVcpu(128);                 // 1.0: the burst
 * InitializationType.PROVISIONED_CONCURRENCY.initVcpu(128);   // 0.072: the memory's share
 * }</pre>
 */
public enum InitializationType {
    /** A cold start on demand: INIT on at least one full vCPU, for at most 10 s. */
    ON_DEMAND("on-demand"),
    /** An environment of provisioned concurrency, initialised ahead: INIT at the memory's share, no burst. */
    PROVISIONED_CONCURRENCY("provisioned-concurrency");

    /** Lambda's limit for the INIT phase of an on-demand function. */
    static final long ON_DEMAND_INIT_LIMIT_MS = 10_000;
    /** The least INIT may take with provisioned concurrency (the function timeout, if longer, applies instead). */
    static final long PROVISIONED_INIT_LIMIT_MS = 130_000;

    private final String lambdaName;

    InitializationType(String lambdaName) {
        this.lambdaName = lambdaName;
    }

    /** The value of {@code AWS_LAMBDA_INITIALIZATION_TYPE}: {@code on-demand} or {@code provisioned-concurrency}. */
    public String lambdaName() {
        return lambdaName;
    }

    /** The vCPUs invocations get at {@code memoryMb}, whatever the initialization type: memory/1769. */
    public static double invokeVcpu(int memoryMb) {
        return memoryMb / (double) CpuQuota.MB_PER_VCPU;
    }

    /** The vCPUs the INIT phase gets at {@code memoryMb}: at least one on demand, the memory's share otherwise. */
    public double initVcpu(int memoryMb) {
        return this == ON_DEMAND ? Math.max(1.0, invokeVcpu(memoryMb)) : invokeVcpu(memoryMb);
    }

    /** How long INIT may take before Lambda stops it. */
    public long initLimitMs(int timeoutSeconds) {
        return this == ON_DEMAND ? ON_DEMAND_INIT_LIMIT_MS : Math.max(PROVISIONED_INIT_LIMIT_MS,
                timeoutSeconds * 1000L);
    }

    /** One line for people: what INIT and the invocations get. */
    public String describe() {
        return this == ON_DEMAND
                ? "on-demand: INIT on at least one full vCPU (Lambda's INIT burst, at most 10 s), invocations at "
                        + "memory/" + CpuQuota.MB_PER_VCPU + " vCPU"
                : String.format(Locale.ROOT, "provisioned concurrency: INIT and invocations at memory/%d vCPU (no INIT "
                        + "burst; INIT may take %d s or the timeout)", CpuQuota.MB_PER_VCPU,
                        PROVISIONED_INIT_LIMIT_MS / 1000);
    }
}

package lambert.toolkit.cost;

import lambert.toolkit.BadInputException;
import lambert.toolkit.LambdaLimits;
import lambert.toolkit.packaging.CpuArch;

/**
 * What a month of a function costs, line by line, from one {@link Prices} table.
 *
 * <p>Billed duration is the duration rounded up to the millisecond. On-demand cold starts also bill
 * their INIT duration (AWS bills INIT for managed runtimes since 1 August 2025): a cold request is
 * billed {@code ceil(init + duration)}, a warm one {@code ceil(duration)}. With provisioned
 * concurrency the environments are initialised ahead and paid for by the hour, every request runs at
 * the provisioned duration price, and no INIT is billed per request.
 *
 * <pre>{@code
 * CostEstimate e = CostEstimate.of(Prices.DEFAULT, Usage.onDemand(1024, 100, CpuArch.X86_64, 1_000_000));
 * e.total();   // 1.87: $0.20 requests + $1.67 duration
 * }</pre>
 *
 * @param usage what was priced
 * @param prices the table used
 * @param billedWarmMs billed milliseconds of a warm request
 * @param billedColdMs billed milliseconds of a cold request (INIT included), 0 without cold starts
 * @param gbSeconds GB-seconds of duration billed in the month, INIT included
 * @param requestCharge USD for the requests
 * @param durationCharge USD for the warm part of every request's duration
 * @param initCharge USD for the INIT duration billed on cold starts
 * @param provisionedCharge USD for keeping provisioned concurrency configured
 */
public record CostEstimate(Usage usage, Prices prices, long billedWarmMs, long billedColdMs, double gbSeconds,
        double requestCharge, double durationCharge, double initCharge, double provisionedCharge) {

    /**
     * A month of use.
     *
     * @param memoryMb memory size, 128 to 10240
     * @param durationMs duration of one request
     * @param architecture x86_64 or arm64
     * @param requests requests in the month
     * @param initMs INIT duration of a cold start (0 if none)
     * @param coldRatio share of requests that are cold starts, 0 to 1
     * @param provisioned provisioned concurrency (environments kept initialised), 0 for on-demand
     * @param hours hours the provisioned concurrency is configured
     */
    public record Usage(int memoryMb, double durationMs, CpuArch architecture, long requests, double initMs,
            double coldRatio, int provisioned, double hours) {

        /** Hours in a month, as AWS's pricing examples count them. */
        public static final double MONTH_HOURS = 730;

        /** On-demand requests, all warm. */
        public static Usage onDemand(int memoryMb, double durationMs, CpuArch architecture, long requests) {
            return new Usage(memoryMb, durationMs, architecture, requests, 0, 0, 0, 0);
        }

        /** Checks the figures, naming the one out of range ({@link BadInputException#fields()}). */
        public Usage {
            LambdaLimits.MEMORY_MB.check(memoryMb, "Lambda's range");
            if (!(durationMs > 0) || durationMs > LambdaLimits.TIMEOUT_SECONDS.max() * 1000L) {
                throw BadInputException.of("duration-ms must be more than 0 and at most 900000 (Lambda's "
                        + "15-minute limit), found " + durationMs, "duration-ms");
            }
            if (requests < 1) {
                throw BadInputException.of("requests must be at least 1, found " + requests, "requests");
            }
            if (!(initMs >= 0) || initMs > 10_000) {
                throw BadInputException.of("init-ms must be between 0 and 10000 (Lambda's INIT limit), found "
                        + initMs, "init-ms");
            }
            if (!(coldRatio >= 0 && coldRatio <= 1)) {
                throw BadInputException.of("cold-ratio must be between 0 and 1, found " + coldRatio, "cold-ratio");
            }
            if (provisioned < 0) {
                throw BadInputException.of("provisioned must be 0 or more, found " + provisioned, "provisioned");
            }
            if (provisioned > 0 && (!(hours > 0) || hours > 744)) {
                throw BadInputException.of("hours must be more than 0 and at most 744 (a 31-day month), found "
                        + hours, "hours");
            }
        }
    }

    /** Prices {@code usage} with {@code prices}. */
    public static CostEstimate of(Prices prices, Usage usage) {
        Prices.ArchPrices p = prices.of(usage.architecture());
        long warmMs = (long) Math.ceil(usage.durationMs());
        double requestCharge = usage.requests() / 1e6 * prices.requestPerMillion();
        if (usage.provisioned() > 0) {
            double warmGbs = usage.requests() * Prices.gbSeconds(warmMs, usage.memoryMb());
            double reserved = usage.provisioned() * usage.memoryMb() / 1024.0 * usage.hours() * 3600
                    * p.provisionedGbSecond();
            return new CostEstimate(usage, prices, warmMs, 0, warmGbs, requestCharge,
                    warmGbs * p.provisionedDurationGbSecond(), 0, reserved);
        }
        long coldMs = usage.coldRatio() > 0 ? (long) Math.ceil(usage.initMs() + usage.durationMs()) : 0;
        double cold = usage.requests() * usage.coldRatio();
        double warmGbs = usage.requests() * Prices.gbSeconds(warmMs, usage.memoryMb());
        double initGbs = cold * Prices.gbSeconds(Math.max(0, coldMs - warmMs), usage.memoryMb());
        return new CostEstimate(usage, prices, warmMs, coldMs, warmGbs + initGbs, requestCharge,
                warmGbs * p.durationGbSecond(), initGbs * p.durationGbSecond(), 0);
    }

    /** USD for the month. */
    public double total() {
        return requestCharge + durationCharge + initCharge + provisionedCharge;
    }

    /** USD per request, the month's total spread over its requests. */
    public double perRequest() {
        return total() / usage.requests();
    }

    /** USD per million requests at this mix. */
    public double perMillion() {
        return perRequest() * 1e6;
    }
}

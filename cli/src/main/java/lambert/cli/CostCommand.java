package lambert.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import lambert.toolkit.cost.CostEstimate;
import lambert.toolkit.cost.Prices;
import lambert.toolkit.packaging.CpuArch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lambert cost}: what a function costs per request, per million and per month, from the one
 * dated price table in lambert (or {@code --prices FILE}).
 *
 * <pre>{@code
 * lambert cost --memory 1024 --duration-ms 100 --requests 1000000          # $0.20 + $1.67 = $1.87
 * lambert cost --memory 512 --duration-ms 4 --arch arm64 --init-ms 450 --cold-ratio 0.01
 * lambert cost --memory 1769 --duration-ms 4 --provisioned 2 --hours 730
 * }</pre>
 */
@Command(name = "cost", mixinStandardHelpOptions = true,
        description = {"What a Lambda function costs: requests, billed duration (rounded up to 1 ms), INIT billed on "
                + "cold starts, provisioned concurrency; per request, per million and per month.",
            "Prices: lambert's dated table (us-east-1, first tier) unless --prices gives another."})
final class CostCommand implements Callable<Integer> {
    @Option(names = "--memory", required = true, paramLabel = "MB", description = "Memory size, 128 to 10240.")
    int memory;

    @Option(names = "--duration-ms", required = true, paramLabel = "D",
            description = "Duration of one (warm) request in milliseconds, as Lambda's REPORT line gives it.")
    double durationMs;

    @Mixin
    ArchMixin arch;

    @Option(names = "--requests", paramLabel = "N", defaultValue = "1000000",
            description = "Requests in the month (default: ${DEFAULT-VALUE}).")
    long requests;

    @Option(names = "--provisioned", paramLabel = "N", defaultValue = "0",
            description = "Provisioned concurrency: N environments kept initialised (default: none, on-demand).")
    int provisioned;

    @Option(names = "--hours", paramLabel = "H",
            description = "Hours provisioned concurrency stays configured (default with --provisioned: 730, a month).")
    Double hours;

    @Option(names = "--init-ms", paramLabel = "I", description = "INIT duration of a cold start in ms (billed since "
            + "August 2025); with --cold-ratio.")
    Double initMs;

    @Option(names = "--cold-ratio", paramLabel = "R", description = "Share of requests that are cold starts, 0 to 1 "
            + "(for example 0.01); with --init-ms.")
    Double coldRatio;

    @Option(names = "--prices", paramLabel = "FILE", description = "A price table in the shape of lambert's "
            + "lambert/prices.json, instead of the built-in one.")
    Path pricesFile;

    @Option(names = "--json", description = "Print the estimate as JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        CpuArch architecture = arch.architecture();
        if ((initMs == null) != (coldRatio == null)) {
            throw new UsageException(initMs == null ? "--cold-ratio needs --init-ms (the INIT duration billed on each "
                    + "cold start)" : "--init-ms needs --cold-ratio (the share of requests that are cold starts)");
        }
        if (hours != null && provisioned == 0) {
            throw new UsageException("--hours applies to provisioned concurrency: give --provisioned N as well");
        }
        if (provisioned > 0 && coldRatio != null) {
            throw new UsageException("--cold-ratio does not apply with --provisioned: provisioned environments are "
                    + "initialised ahead and their INIT is not billed per request");
        }
        Prices prices = pricesFile == null ? Prices.DEFAULT : Prices.read(pricesFile);
        CostEstimate e = CostEstimate.of(prices, new CostEstimate.Usage(memory, durationMs, architecture, requests,
                initMs == null ? 0 : initMs, coldRatio == null ? 0 : coldRatio, provisioned,
                provisioned > 0 ? (hours == null ? CostEstimate.Usage.MONTH_HOURS : hours) : 0));
        Terminal t = Terminal.of(spec);
        if (json) {
            printJson(t, e);
        } else {
            print(t, e);
        }
        return ExitCodes.OK;
    }

    private static void print(Terminal t, CostEstimate e) {
        CostEstimate.Usage u = e.usage();
        Prices p = e.prices();
        Prices.ArchPrices a = p.of(u.architecture());
        t.line(t.bold("cost") + String.format(Locale.ROOT, "  %d MB %s, %s ms a request (billed %d ms), %,d requests "
                + "a month%s", u.memoryMb(), u.architecture().lambdaName(), number(u.durationMs()), e.billedWarmMs(),
                u.requests(), u.provisioned() > 0 ? String.format(Locale.ROOT, ", provisioned concurrency %d for %s h",
                        u.provisioned(), number(u.hours())) : ""));
        t.line(String.format(Locale.ROOT, "  requests     %s  %,d x $%.2f per million", usd(e.requestCharge()),
                u.requests(), p.requestPerMillion()));
        double warmGbs = u.requests() * Prices.gbSeconds(e.billedWarmMs(), u.memoryMb());
        t.line(String.format(Locale.ROOT, "  duration     %s  %s GB-s x $%s%s", usd(e.durationCharge()),
                number(warmGbs), price(u.provisioned() > 0 ? a.provisionedDurationGbSecond() : a.durationGbSecond()),
                u.provisioned() > 0 ? " (the duration price while provisioned concurrency is on)" : ""));
        if (u.coldRatio() > 0) {
            t.line(String.format(Locale.ROOT, "  init         %s  %,.0f cold starts (%s) billed %d ms instead of %d "
                    + "(INIT %s ms), at $%s per GB-s", usd(e.initCharge()), u.requests() * u.coldRatio(),
                    number(u.coldRatio()), e.billedColdMs(), e.billedWarmMs(), number(u.initMs()),
                    price(a.durationGbSecond())));
        }
        if (u.provisioned() > 0) {
            t.line(String.format(Locale.ROOT, "  provisioned  %s  %d x %s GB x %s h x $%s per GB-s",
                    usd(e.provisionedCharge()), u.provisioned(), number(u.memoryMb() / 1024.0), number(u.hours()),
                    price(a.provisionedGbSecond())));
        }
        t.line(t.bold(String.format(Locale.ROOT, "  total        %s a month", usd(e.total())))
                + String.format(Locale.ROOT, ";  $%.8f a request;  $%.2f per million requests", e.perRequest(),
                        e.perMillion()));
        t.line(t.dim(String.format(Locale.ROOT, "prices %s, %s: %s", p.date(), p.region(), p.source())));
    }

    private static void printJson(Terminal t, CostEstimate e) throws IOException {
        CostEstimate.Usage u = e.usage();
        try (var g = lambert.base.json.Json.generator(t.stream())) {
            g.writeStartObject();
            g.writeNumberField("memory_mb", u.memoryMb());
            g.writeNumberField("duration_ms", u.durationMs());
            g.writeStringField("architecture", u.architecture().lambdaName());
            g.writeNumberField("requests", u.requests());
            g.writeNumberField("billed_ms", e.billedWarmMs());
            if (u.coldRatio() > 0) {
                g.writeNumberField("init_ms", u.initMs());
                g.writeNumberField("cold_ratio", u.coldRatio());
                g.writeNumberField("billed_cold_ms", e.billedColdMs());
            }
            if (u.provisioned() > 0) {
                g.writeNumberField("provisioned", u.provisioned());
                g.writeNumberField("hours", u.hours());
            }
            g.writeNumberField("gb_seconds", e.gbSeconds());
            g.writeNumberField("usd_requests", e.requestCharge());
            g.writeNumberField("usd_duration", e.durationCharge());
            g.writeNumberField("usd_init", e.initCharge());
            g.writeNumberField("usd_provisioned", e.provisionedCharge());
            g.writeNumberField("usd_total", e.total());
            g.writeNumberField("usd_per_request", e.perRequest());
            g.writeNumberField("usd_per_million", e.perMillion());
            g.writeStringField("prices_date", e.prices().date());
            g.writeStringField("prices_region", e.prices().region());
            g.writeEndObject();
        }
        t.stream().println();
    }

    static String usd(double usd) {
        return String.format(Locale.ROOT, "$%,.2f", usd);
    }

    private static String price(double usdPerGbSecond) {
        return new java.math.BigDecimal(usdPerGbSecond).round(new java.math.MathContext(6)).stripTrailingZeros()
                .toPlainString();
    }

    private static String number(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? String.format(Locale.ROOT, "%,d", (long) value)
                : new java.math.BigDecimal(value).round(new java.math.MathContext(4)).stripTrailingZeros()
                        .toPlainString();
    }
}

package lambert.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import lambert.toolkit.Megabytes;
import lambert.toolkit.cost.Prices;
import lambert.toolkit.emulator.Latency;
import lambert.toolkit.emulator.RunSummary;

/** How the commands write figures for people: sizes, shortened responses, the summary of a run. */
final class Format {
    private Format() {}

    /** {@code 31.2 MB}: bytes in mebibytes, one decimal. */
    static String mb(long bytes) {
        return Megabytes.of(bytes);
    }

    /** Shortens the embedding array in a response for display: its first four numbers and how many more. */
    static String abbreviate(String body) {
        int open = body.indexOf("\"embedding\":[");
        if (open < 0) {
            return body;
        }
        int close = body.indexOf(']', open);
        String numbers = body.substring(open + 13, close);
        String[] parts = numbers.split(",");
        if (parts.length <= 4) {
            return body;
        }
        String shown = String.join(",", List.of(parts).subList(0, 4)) + ", ... " + (parts.length - 4) + " more";
        return body.substring(0, open + 13) + shown + body.substring(close);
    }

    /** The summary's figures as JSON fields, as {@code emulate --json} and {@code invoke --json} both write them. */
    static void summaryFields(JsonGenerator g, RunSummary s) throws IOException {
        g.writeNumberField("duration_p50_ms", s.latency().p50());
        g.writeNumberField("duration_p90_ms", s.latency().p90());
        g.writeNumberField("duration_p99_ms", s.latency().p99());
        g.writeNumberField("max_memory_used_mb", s.maxMemoryMb());
        g.writeNumberField("billed_p50_ms", s.billedP50());
        g.writeNumberField("usd_per_million_x86_64", s.x86PerMillion());
        g.writeNumberField("usd_per_million_arm64", s.armPerMillion());
    }

    /**
     * The summary line (for more than one invocation) and the cost line, as {@code emulate} and {@code invoke} both
     * print them, so local and remote runs compare line by line.
     */
    static void summary(Terminal t, RunSummary s, int invocations, int memoryMb) {
        if (invocations > 1) {
            Latency latency = s.latency();
            t.line(t.bold("summary") + String.format(Locale.ROOT, "   %d invocations, %d failed; duration p50 "
                    + "%.2f ms, p90 %.2f ms, p99 %.2f ms; max memory used %d MB", invocations, s.failed(),
                    latency.p50(), latency.p90(), latency.p99(), s.maxMemoryMb()));
        }
        t.line(t.bold("cost") + String.format(Locale.ROOT, "      per million invocations at %d MB and the p50 "
                + "billed duration (%d ms): x86_64 $%.2f, arm64 $%.2f  (%s prices, %s, requests included)",
                memoryMb, s.billedP50(), s.x86PerMillion(), s.armPerMillion(), Prices.DEFAULT.date(),
                Prices.DEFAULT.region()));
    }
}

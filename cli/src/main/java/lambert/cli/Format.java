package lambert.cli;

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

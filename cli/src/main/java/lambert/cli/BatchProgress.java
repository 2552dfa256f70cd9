package lambert.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import lambert.toolkit.batch.BatchCost;
import lambert.toolkit.batch.BatchRun;

/**
 * {@code lambert batch}'s progress: on a terminal a bar redrawn in place (lines finished of the input's lines,
 * lines per second since the first answer, the time left, dollars so far), otherwise one plain line every ten
 * seconds. The input's lines are
 * counted first (newlines; a CSV field spanning lines makes the total a little high).
 */
final class BatchProgress implements BatchRun.Listener {
    private static final long PLAIN_EVERY_NANOS = 10_000_000_000L;

    private final Terminal t;
    private final BatchCost cost;
    private final long total;
    private final long start = System.nanoTime();
    private long firstLines = -1;
    private long firstNanos;
    private long lastPlain = start;
    private volatile double rate;

    BatchProgress(Terminal t, Path input, BatchCost cost) throws IOException {
        this.t = t;
        this.cost = cost;
        this.total = lines(input);
    }

    private static long lines(Path file) throws IOException {
        long n = 0;
        byte last = '\n';
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int r = in.read(buffer); r > 0; r = in.read(buffer)) {
                for (int i = 0; i < r; i++) {
                    if (buffer[i] == '\n') {
                        n++;
                    }
                }
                last = buffer[r - 1];
            }
        }
        return last == '\n' ? n : n + 1;
    }

    @Override
    public synchronized void written(BatchRun.Counts c) {
        long now = System.nanoTime();
        if (firstLines < 0) {
            firstLines = c.finished();
            firstNanos = now;
        }
        if (now > firstNanos) {
            rate = (c.finished() - firstLines) / ((now - firstNanos) / 1e9);
        }
        double left = rate > 0 ? (total - c.finished()) / rate : 0;
        String text = String.format(Locale.ROOT, "%s %,d/%,d lines  %.0f/s  ETA %s  $%.4f", bar(c.finished()),
                c.finished(), total, rate, eta(left), cost.spent(c));
        if (t.styled()) {
            t.progress(text);
        } else if (now - lastPlain >= PLAIN_EVERY_NANOS) {
            lastPlain = now;
            t.line("progress  " + text.substring(text.indexOf(']') + 2));
            t.stream().flush();
        }
    }

    private String bar(long done) {
        int width = 24;
        int filled = total == 0 ? width : (int) Math.min(width, done * width / total);
        return "[" + "#".repeat(filled) + ".".repeat(width - filled) + "]";
    }

    private static String eta(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60)
                : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }

    /** Clears the bar. */
    void end() {
        t.clearProgress();
    }

    /** Seconds since the run started. */
    double seconds() {
        return (System.nanoTime() - start) / 1e9;
    }

    /** Lines finished per second, from the first chunk written to the last. */
    double rate() {
        return rate;
    }
}

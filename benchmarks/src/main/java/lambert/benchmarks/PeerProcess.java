package lambert.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The child process of {@link PeerComparison}: one peer, one model variant, in a fresh JVM. Prints
 * {@code FIRST} as soon as the first embedding of "Hey, how are you?" exists (the parent times the
 * whole process up to that line), then warm single-text latency, throughput on 256 mixed texts
 * and peak RSS as one JSON line.
 *
 * <p>Arguments: {@code lambert|langchain4j fp32|int8 BUNDLE_DIR}.
 */
public final class PeerProcess {
    static final String TEXT = "Hey, how are you?";
    private static final int WARMUP = 100;
    private static final int TIMED = 500;

    private PeerProcess() {}

    public static void main(String[] args) throws IOException {
        boolean int8 = args[1].equals("int8");
        long start = System.nanoTime();
        try (EmbeddingPeer peer = args[0].equals("lambert") ? EmbeddingPeer.lambert(Path.of(args[2]))
                : EmbeddingPeer.langchain4j(int8)) {
            float[] first = peer.embed(TEXT);
            double firstMs = (System.nanoTime() - start) / 1e6;
            System.out.println("FIRST " + first.length);
            System.out.flush();
            for (int i = 0; i < WARMUP; i++) {
                peer.embed(TEXT);
            }
            long[] nanos = new long[TIMED];
            for (int i = 0; i < TIMED; i++) {
                long s = System.nanoTime();
                peer.embed(TEXT);
                nanos[i] = System.nanoTime() - s;
            }
            Arrays.sort(nanos);
            List<String> texts = MixedTexts.generate(256, 42);
            peer.embedAll(texts);
            long s = System.nanoTime();
            int rounds = 3;
            for (int r = 0; r < rounds; r++) {
                peer.embedAll(texts);
            }
            double throughput = rounds * texts.size() / ((System.nanoTime() - s) / 1e9);
            System.out.printf(Locale.ROOT, "{\"in_process_first_ms\": %.1f, \"warm_p50_ms\": %.3f, "
                    + "\"warm_p99_ms\": %.3f, \"throughput\": %.1f, \"peak_rss_mb\": %.1f}%n", firstMs,
                    nanos[TIMED / 2] / 1e6, nanos[(int) (TIMED * 0.99)] / 1e6, throughput, peakRssMb());
        }
    }

    /** VmHWM from /proc/self/status: the most resident memory the process has had. */
    static double peakRssMb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        }
        return -1;
    }
}

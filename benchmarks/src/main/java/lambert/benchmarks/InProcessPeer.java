package lambert.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import lambert.runtime.Model;
import lambert.runtime.ModelOptions;
import lambert.runtime.task.Embedding;
import lambert.runtime.task.Parameters;

/**
 * The lambert child process of {@link InProcessPeers}: lambert's runtime on a bundle folder, in a fresh JVM, doing
 * what the transformers.js and Python children do ({@code benchmarks/peers/first-embedding.mjs},
 * {@code first_embedding.py}): prints {@code FIRST} as soon as the first embedding of "Hey, how are you?" exists
 * (the parent times the process up to that line), then one JSON line with warm single-text p50/p99 (50 warm-up
 * calls, 300 timed), throughput over the texts file in batches of 32, and peak RSS.
 *
 * <p>It calls lambert's runtime directly, with its default options, and needs nothing but the runtime's jars on its
 * class path (not {@link EmbeddingPeer}, whose other peers link LangChain4j).
 *
 * <p>Arguments: {@code BUNDLE_DIR TEXTS_FILE}.
 */
public final class InProcessPeer {
    private static final int WARMUP = 50;
    private static final int TIMED = 300;
    private static final int BATCH = 32;

    private InProcessPeer() {}

    public static void main(String[] args) throws IOException {
        try (Model model = Model.open(Path.of(args[0]), ModelOptions.defaults())) {
            float[] first = embed(model, PeerProcess.TEXT);
            System.out.println("FIRST " + first.length);
            System.out.flush();
            for (int i = 0; i < WARMUP; i++) {
                embed(model, PeerProcess.TEXT);
            }
            long[] nanos = new long[TIMED];
            for (int i = 0; i < TIMED; i++) {
                long start = System.nanoTime();
                embed(model, PeerProcess.TEXT);
                nanos[i] = System.nanoTime() - start;
            }
            Arrays.sort(nanos);
            List<String> texts = Files.readAllLines(Path.of(args[1]), StandardCharsets.UTF_8).stream()
                    .filter(line -> !line.isBlank()).toList();
            model.predict(texts.subList(0, Math.min(BATCH, texts.size())), Parameters.defaults());
            long start = System.nanoTime();
            for (int i = 0; i < texts.size(); i += BATCH) {
                model.predict(texts.subList(i, Math.min(i + BATCH, texts.size())), Parameters.defaults());
            }
            double throughput = texts.size() / ((System.nanoTime() - start) / 1e9);
            System.out.printf(Locale.ROOT, "{\"warm_p50_ms\": %.3f, \"warm_p99_ms\": %.3f, \"throughput\": %.1f, "
                    + "\"peak_rss_mb\": %.1f}%n", nanos[TIMED / 2] / 1e6, nanos[(int) (TIMED * 0.99)] / 1e6,
                    throughput, PeerProcess.peakRssMb());
        }
    }

    private static float[] embed(Model model, String text) {
        return ((Embedding) model.predict(List.of(text), Parameters.defaults()).predictions().get(0)).vector();
    }
}

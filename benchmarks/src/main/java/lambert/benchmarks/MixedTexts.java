package lambert.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A fixed, reproducible set of mixed-length English texts (3 to 60 words) for throughput runs: the
 * same seed gives the same texts in every process and for every peer.
 */
final class MixedTexts {
    private static final String[] WORDS = ("the a model function cold start latency memory cost request answer "
            + "sentence embedding vector search query document user team price million second cloud server "
            + "quick brown fox jumps over lazy dog weather today sunny outside stadium movie great awesome "
            + "guitar garden plays watches television river mountain city train station coffee morning")
            .split(" ");

    private MixedTexts() {}

    static List<String> generate(int count, long seed) {
        Random random = new Random(seed);
        List<String> texts = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int words = 3 + random.nextInt(58);
            StringBuilder text = new StringBuilder();
            for (int w = 0; w < words; w++) {
                if (w > 0) {
                    text.append(' ');
                }
                text.append(WORDS[random.nextInt(WORDS.length)]);
            }
            texts.add(text.append('.').toString());
        }
        return texts;
    }
}

package lambert.runtime.batch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Splits the texts of one request into micro-batches: texts are sorted by token count, longest
 * first, and grouped while the padded batch ({@code rows x longest}) stays within a token budget
 * and a row limit. Similar lengths together means little padding; the budget bounds memory.
 *
 * <pre>{@code
 * List<int[]> batches = MicroBatches.plan(new int[] {7, 120, 9}, 4096, 32);
 * }</pre>
 */
public final class MicroBatches {
    private MicroBatches() {}

    /**
     * @param lengths token count of each text
     * @param tokenBudget the largest {@code rows x width} of one batch (a single text always fits)
     * @param maxRows the most texts in one batch
     * @return indices into {@code lengths}, one array per batch, longest texts first
     */
    public static List<int[]> plan(int[] lengths, int tokenBudget, int maxRows) {
        if (tokenBudget < 1 || maxRows < 1) {
            throw new IllegalArgumentException("tokenBudget and maxRows must be positive, found " + tokenBudget
                    + " and " + maxRows);
        }
        Integer[] order = new Integer[lengths.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, new LongestFirst(lengths));
        List<int[]> batches = new ArrayList<>();
        int from = 0;
        while (from < order.length) {
            int width = lengths[order[from]];
            int to = from + 1;
            while (to < order.length && to - from < maxRows && (long) (to - from + 1) * width <= tokenBudget) {
                to++;
            }
            int[] batch = new int[to - from];
            for (int i = from; i < to; i++) {
                batch[i - from] = order[i];
            }
            batches.add(batch);
            from = to;
        }
        return batches;
    }

    /**
     * Orders text indexes longest first (a stable sort keeps equal lengths in request order). A class rather than a
     * lambda: this runs on a function's first request, where each lambda is linked at run time (docs/cold-start.md).
     */
    private static final class LongestFirst implements Comparator<Integer> {
        private final int[] lengths;

        LongestFirst(int[] lengths) {
            this.lengths = lengths;
        }

        @Override
        public int compare(Integer a, Integer b) {
            return Integer.compare(lengths[b], lengths[a]);
        }
    }
}

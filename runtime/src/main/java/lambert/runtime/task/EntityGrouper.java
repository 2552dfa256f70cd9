package lambert.runtime.task;

import java.util.ArrayList;
import java.util.List;
import lambert.runtime.tokenize.Tokens;

/**
 * Token labels to entities. Labels follow the IOB convention: {@code O} is outside any entity,
 * {@code B-X} begins an entity of type X, {@code I-X} continues one; a label without a prefix is
 * treated as {@code I-}. Special tokens are skipped. Offsets are those of the original text.
 */
final class EntityGrouper {
    private EntityGrouper() {}

    /**
     * @param text the original text
     * @param tokens its tokens (with character offsets)
     * @param labelIndex the best label per token
     * @param score that label's probability per token
     */
    static List<Entity> group(String text, Tokens tokens, List<String> labels, int[] labelIndex, float[] score,
            Aggregation aggregation) {
        List<Entity> out = new ArrayList<>();
        String openType = null;
        int openStart = 0;
        int openEnd = 0;
        double openScore = 0;
        int openCount = 0;
        for (int t = 0; t < tokens.length(); t++) {
            if (tokens.special()[t] || tokens.starts()[t] < 0 || tokens.ends()[t] <= tokens.starts()[t]) {
                continue;
            }
            String label = labels.get(labelIndex[t]);
            int start = tokens.starts()[t];
            int end = tokens.ends()[t];
            if (aggregation == Aggregation.NONE) {
                if (!isOutside(label)) {
                    out.add(new Entity(label, score[t], text.substring(start, end), start, end));
                }
                continue;
            }
            String type = isOutside(label) ? null : typeOf(label);
            boolean begins = label.startsWith("B-");
            if (openType != null && (type == null || begins || !type.equals(openType))) {
                out.add(new Entity(openType, (float) (openScore / openCount), text.substring(openStart, openEnd),
                        openStart, openEnd));
                openType = null;
            }
            if (type == null) {
                continue;
            }
            if (openType == null) {
                openType = type;
                openStart = start;
                openScore = 0;
                openCount = 0;
            }
            openEnd = end;
            openScore += score[t];
            openCount++;
        }
        if (openType != null) {
            out.add(new Entity(openType, (float) (openScore / openCount), text.substring(openStart, openEnd),
                    openStart, openEnd));
        }
        return out;
    }

    private static boolean isOutside(String label) {
        return label.equals("O");
    }

    private static String typeOf(String label) {
        return label.startsWith("B-") || label.startsWith("I-") ? label.substring(2) : label;
    }
}

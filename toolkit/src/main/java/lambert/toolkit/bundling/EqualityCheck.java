package lambert.toolkit.bundling;

import lambert.runtime.session.SessionException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import lambert.onnx.family.ReferenceModel;
import lambert.runtime.session.EngineOptions;
import lambert.runtime.session.OnnxSession;
import lambert.runtime.session.Optimization;
import lambert.runtime.session.Output;
import lambert.runtime.session.TokenBatch;
import lambert.runtime.tokenize.TextTokenizer;
import lambert.runtime.tokenize.Tokens;

/**
 * The check that a converted model answers like the original: the ONNX file run by ONNX Runtime on
 * a padded batch of texts, against the architecture's plain-Java reference forward pass over each
 * text alone, compared on the raw output (every hidden value or logit of the real tokens).
 *
 * <pre>{@code
 * EqualityCheck.Result r = EqualityCheck.run(model, tokenizerJson, 256, inputs, output, reference, 0,
 *         ConvertOptions.DEFAULT_TEXTS);
 * }</pre>
 */
public final class EqualityCheck {
    /** The largest absolute difference a converted model may show on its raw output. */
    public static final double LIMIT = 1e-4;

    private EqualityCheck() {}

    /**
     * The outcome.
     *
     * @param texts how many texts were compared
     * @param values how many output values were compared
     * @param maxAbsDiff the largest absolute difference over every value (NaN counts as infinite)
     * @param worstText the text that showed it
     * @param worstTokens that text's token count
     */
    public record Result(int texts, long values, double maxAbsDiff, String worstText, int worstTokens) {
        /** Whether the model passes: within {@link #LIMIT} everywhere. */
        public boolean passed() {
            return maxAbsDiff <= LIMIT;
        }
    }

    /**
     * Runs the check.
     *
     * @param model the ONNX file
     * @param tokenizerJson its tokenizer
     * @param maxLength tokens per text at most
     * @param inputs the model's input names
     * @param output the output to compare
     * @param reference the reference forward pass
     * @param padId the id that pads shorter texts in the batch
     * @param texts the texts
     */
    public static Result run(Path model, Path tokenizerJson, int maxLength, List<String> inputs, String output,
            ReferenceModel reference, long padId, List<String> texts) throws SessionException {
        if (texts.isEmpty()) {
            throw new IllegalArgumentException("the equality check needs at least one text");
        }
        List<Tokens> tokens = new ArrayList<>();
        try (TextTokenizer tokenizer = TextTokenizer.load(tokenizerJson, maxLength)) {
            for (String text : texts) {
                tokens.add(tokenizer.encode(text));
            }
        }
        TokenBatch batch = TokenBatch.of(tokens, padId);
        Output out;
        try (OnnxSession session = OnnxSession.open(model, new EngineOptions(0, false, Optimization.AUTO), false)) {
            out = session.run(inputs, output, batch);
        }
        long[] shape = out.shape();
        boolean perToken = shape.length == 3;
        int width = perToken ? (int) shape[1] : 1;
        int size = (int) shape[shape.length - 1];
        double worst = -1;
        int worstIndex = 0;
        long values = 0;
        for (int i = 0; i < tokens.size(); i++) {
            Tokens t = tokens.get(i);
            float[][] expected = reference.forward(t.ids(), t.typeIds());
            int rows = perToken ? t.length() : 1;
            if (expected.length != rows || expected[0].length != size) {
                throw new IllegalStateException("the reference answered [" + expected.length + "][" + expected[0].length
                        + "] for text " + i + " where the model answers [" + rows + "][" + size + "]");
            }
            double diff = 0;
            for (int r = 0; r < rows; r++) {
                int base = (i * width + r) * size;
                for (int c = 0; c < size; c++) {
                    double d = Math.abs((double) out.data()[base + c] - expected[r][c]);
                    diff = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(diff, d);
                }
                values += size;
            }
            if (diff > worst) {
                worst = diff;
                worstIndex = i;
            }
        }
        return new Result(texts.size(), values, worst, texts.get(worstIndex), tokens.get(worstIndex).length());
    }
}

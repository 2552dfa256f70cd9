package lambert.toolkit.packaging;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import lambert.onnx.optimize.Optimizer;
import lambert.runtime.bundle.Manifest;
import lambert.runtime.bundle.ModelBundle;
import lambert.runtime.session.EngineOptions;
import lambert.runtime.session.OnnxSession;
import lambert.runtime.session.Optimization;
import lambert.runtime.session.Output;
import lambert.runtime.session.SessionException;
import lambert.runtime.session.TokenBatch;
import lambert.runtime.tokenize.TextTokenizer;
import lambert.runtime.tokenize.Tokens;
import lambert.toolkit.verify.VerifyTexts;

/**
 * The model file a package ships: ONNX Runtime's graph optimisations saved once at package time, at the portable
 * {@link Optimizer.Level#EXTENDED} level (never "all", whose layout changes are specific to the CPU that made them),
 * so that the function's session opens it with no optimisation ({@link Optimization#AUTO} on a manifest that says
 * {@code extended}): 0.65x the session creation of the raw file with full optimisation, measured by
 * {@code SessionOptionLevers} (docs/cold-start.md). It is shipped only when it answers exactly as the raw file does:
 * both sessions, each as the function opens it (one thread; the raw file at full optimisation, the saved one at none),
 * run the same padded batch of built-in verify texts and every output value must be equal. ONNX Runtime writes the
 * same bytes for the same input, so a package built again is byte-identical.
 *
 * <pre>{@code
 * PreOptimizedModel.Result r = PreOptimizedModel.make(bundle, manifest, workFolder.resolve("model.onnx"));
 * }</pre>
 */
final class PreOptimizedModel {
    /** How many built-in verify texts the answers are compared on (spread over the set, long and short). */
    static final int CHECK_TEXTS = 16;

    private PreOptimizedModel() {}

    /**
     * The outcome.
     *
     * @param file the optimised model, or null when the raw one ships
     * @param level the level it was saved at ({@code extended}), or null
     * @param maxAbsDiff the largest absolute difference between the two files' outputs on the check texts
     * @param values how many output values were compared
     * @param failure why ONNX Runtime could not optimise or run the file, or null
     */
    record Result(Path file, String level, double maxAbsDiff, long values, String failure) {
        /** Whether the optimised file ships. */
        boolean shipped() {
            return file != null;
        }
    }

    /**
     * Saves {@code bundle}'s model optimised to {@code out} and compares the answers; {@code complete} is the bundle's
     * complete manifest (inputs and output known). A model ONNX Runtime cannot optimise, or whose optimised file it
     * cannot run, is not an error: the raw file ships and {@link Result#failure} says why.
     *
     * @throws IOException if the bundle's tokenizer cannot be read
     */
    static Result make(ModelBundle bundle, Manifest complete, Path out) throws IOException {
        try {
            Optimizer.optimize(bundle.modelPath(), out, Optimizer.Level.EXTENDED);
        } catch (IOException e) {
            return new Result(null, null, Double.NaN, 0, e.getMessage());
        }
        List<Tokens> tokens = new ArrayList<>();
        try (TextTokenizer tokenizer = TextTokenizer.load(bundle.tokenizerPath(), complete.maxLength())) {
            for (String text : VerifyTexts.spread(CHECK_TEXTS)) {
                tokens.add(tokenizer.encode(text));
            }
        }
        TokenBatch batch = TokenBatch.of(tokens, 0);
        try {
            float[] raw = run(bundle.modelPath(), false, complete, batch);
            float[] optimised = run(out, true, complete, batch);
            double worst = raw.length == optimised.length ? 0 : Double.POSITIVE_INFINITY;
            for (int i = 0; i < Math.min(raw.length, optimised.length); i++) {
                double d = Math.abs((double) raw[i] - optimised[i]);
                worst = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(worst, d);
            }
            boolean same = worst == 0;
            return new Result(same ? out : null, same ? Optimizer.Level.EXTENDED.id() : null, worst, raw.length, null);
        } catch (SessionException e) {
            return new Result(null, null, Double.NaN, 0, "ONNX Runtime could not run the file it optimised: "
                    + e.getMessage());
        }
    }

    /** The output of {@code model} opened as the function opens it (one thread), on {@code batch}. */
    private static float[] run(Path model, boolean preOptimized, Manifest manifest, TokenBatch batch)
            throws SessionException {
        try (OnnxSession session = OnnxSession.open(model, new EngineOptions(1, false, Optimization.AUTO),
                preOptimized)) {
            Output out = session.run(manifest.inputs(), manifest.output(), batch);
            return out.data();
        }
    }
}

package lambert.toolkit.packaging;

import ai.onnxruntime.OrtEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import lambert.onnx.optimize.Optimizer;
import lambert.runtime.bundle.Checksums;
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
import lambert.toolkit.models.ModelResolver;
import lambert.toolkit.verify.VerifyTexts;

/**
 * The model file a package ships: ONNX Runtime's graph optimisations saved once at package time, at the portable
 * {@link Optimizer.Level#EXTENDED} level (never "all", whose layout changes are specific to the CPU that made them),
 * in ONNX Runtime's own format ({@code model.ort}). The function's session maps that file and builds on the mapped
 * bytes, with no protobuf parse, no graph optimisation and the weights used in place ({@link OnnxSession}): session
 * creation 0.4x the raw file's with full optimisation, int8 MiniLM on one CPU (docs/cold-start.md). It is shipped only
 * when it answers exactly as the raw file does: both sessions, each as the function opens it (one thread; the raw file
 * at full optimisation, the saved one at none), run the same padded batch of built-in verify texts and every output
 * value must be equal.
 *
 * <p>ONNX Runtime does not write that format byte for byte the same twice (the order of some tables changes), so the
 * file made for a model is kept under {@code ~/.cache/lambert/ort}, named by the model's SHA-256 and ONNX Runtime's
 * version, and a package built again on this machine is byte-identical (as the custom runtime's AOT cache is kept).
 *
 * <pre>{@code
 * PreOptimizedModel.Result r = PreOptimizedModel.make(bundle, manifest, workFolder);
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
     * The optimised file for {@code bundle}'s model (the one kept for it, else one saved into {@code work} and then
     * kept), with the comparison of its answers; {@code complete} is the bundle's complete manifest (inputs and output
     * known). A model ONNX Runtime cannot optimise, or whose optimised file it cannot run, is not an error: the raw
     * file ships and {@link Result#failure} says why.
     *
     * @throws IOException if the bundle's tokenizer cannot be read
     */
    static Result make(ModelBundle bundle, Manifest complete, Path work) throws IOException {
        return make(bundle, complete, work, ModelResolver.defaultHome().resolve("ort"));
    }

    /**
     * As {@link #make(ModelBundle, Manifest, Path)}, keeping optimised files in {@code store}. A kept file that no
     * longer answers as the raw one (damaged, or ONNX Runtime cannot run it) is removed and made again; a store that
     * cannot be written only costs reproducibility: the file made in {@code work} ships.
     */
    static Result make(ModelBundle bundle, Manifest complete, Path work, Path store) throws IOException {
        Path kept = store.resolve(Checksums.sha256(bundle.modelPath()) + "-ort" + ortVersion() + "-"
                + Optimizer.Level.EXTENDED.id() + Optimizer.ORT_FORMAT_SUFFIX);
        if (Files.isRegularFile(kept)) {
            Result cached = check(bundle, complete, kept);
            if (cached.shipped()) {
                return cached;
            }
            Files.deleteIfExists(kept);
        }
        Path candidate = work.resolve("model" + Optimizer.ORT_FORMAT_SUFFIX);
        try {
            Optimizer.optimize(bundle.modelPath(), candidate, Optimizer.Level.EXTENDED);
        } catch (IOException e) {
            return new Result(null, null, Double.NaN, 0, e.getMessage());
        }
        Result made = check(bundle, complete, candidate);
        if (!made.shipped()) {
            return made;
        }
        try {
            Files.createDirectories(store);
            Path temp = Files.createTempFile(store, "." + kept.getFileName(), ".partial");
            try {
                Files.copy(candidate, temp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(temp, kept, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(temp);
            }
            return new Result(kept, made.level(), made.maxAbsDiff(), made.values(), null);
        } catch (IOException e) {
            return made; // not kept: this zip is fine, a rebuild makes (and checks) the file again
        }
    }

    /** Whether {@code optimised} answers exactly as the bundle's raw model, as a result shipping it if so. */
    private static Result check(ModelBundle bundle, Manifest complete, Path optimised) throws IOException {
        List<Tokens> tokens = new ArrayList<>();
        try (TextTokenizer tokenizer = TextTokenizer.load(bundle.tokenizerPath(), complete.maxLength())) {
            for (String text : VerifyTexts.spread(CHECK_TEXTS)) {
                tokens.add(tokenizer.encode(text));
            }
        }
        TokenBatch batch = TokenBatch.of(tokens, 0);
        double worst;
        long values;
        try {
            float[] raw = run(bundle.modelPath(), false, complete, batch);
            float[] saved = run(optimised, true, complete, batch);
            worst = raw.length == saved.length ? 0 : Double.POSITIVE_INFINITY;
            for (int i = 0; i < Math.min(raw.length, saved.length); i++) {
                double d = Math.abs((double) raw[i] - saved[i]);
                worst = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(worst, d);
            }
            values = raw.length;
        } catch (SessionException e) {
            return new Result(null, null, Double.NaN, 0, "ONNX Runtime could not run the file it optimised: "
                    + e.getMessage());
        }
        return worst == 0 ? new Result(optimised, Optimizer.Level.EXTENDED.id(), worst, values, null)
                : new Result(null, null, worst, values, null);
    }

    private static String ortVersion() {
        return OrtEnvironment.getEnvironment().getVersion();
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

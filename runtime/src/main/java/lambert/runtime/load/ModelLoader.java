package lambert.runtime.load;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import lambert.runtime.bundle.BundleException;
import lambert.runtime.bundle.Manifest;
import lambert.runtime.bundle.ModelBundle;
import lambert.runtime.session.EngineOptions;
import lambert.runtime.session.OnnxSession;
import lambert.runtime.session.SessionException;
import lambert.runtime.tokenize.TextTokenizer;

/**
 * Loads a bundle and checks it before anything is answered: the files' SHA-256 against the manifest (hashed on a
 * helper thread while ONNX Runtime builds the session), the tokenizer (loaded on another), then the model's
 * inputs, its output and a probe run ({@link ModelChecks}). Every failure is a {@link BundleException} naming the
 * file or name that is wrong, and nothing is left open.
 *
 * <pre>{@code
 * LoadedModel loaded = ModelLoader.load(ModelBundle.open(Path.of("build/minilm")), EngineOptions.defaults(), true);
 * }</pre>
 */
public final class ModelLoader {
    private ModelLoader() {}

    /**
     * Loads and checks {@code bundle}.
     *
     * @param engine how ONNX Runtime runs the model
     * @param verifyHashes whether the files' SHA-256 are checked (never for a bundle inferred from a Hugging Face
     *     folder, whose manifest has none)
     * @throws BundleException naming the file or name that is wrong
     */
    public static LoadedModel load(ModelBundle bundle, EngineOptions engine, boolean verifyHashes) {
        Manifest manifest = bundle.manifest();
        // Three independent steps overlap: the file hashes and the tokenizer (its native library and
        // tokenizer.json) on helper threads, the ONNX Runtime session on this one.
        long start = System.nanoTime();
        double[] helperMs = new double[2];
        CompletableFuture<List<String>> hashCheck = verifyHashes && !bundle.inferred()
                ? CompletableFuture.supplyAsync(() -> timed(bundle::hashMismatches, helperMs, 0),
                        ModelLoader::runOnDaemon)
                : CompletableFuture.completedFuture(List.of());
        CompletableFuture<TextTokenizer> tokenizerLoad = CompletableFuture.supplyAsync(
                () -> timed(() -> TextTokenizer.load(bundle.tokenizerPath(), manifest.maxLength()), helperMs, 1),
                ModelLoader::runOnDaemon);
        OnnxSession session = null;
        TextTokenizer tokenizer = null;
        try {
            try {
                session = OnnxSession.open(bundle.modelPath(), engine, manifest.preOptimized());
            } catch (SessionException e) {
                throwIfHashesDiffer(hashCheck, e);
                throw new BundleException("ONNX Runtime cannot load the model file " + bundle.modelPath() + ": "
                        + e.getMessage() + " (expected a complete ONNX model; was the file truncated or replaced?)",
                        e);
            }
            double sessionMs = (System.nanoTime() - start) / 1e6;
            throwIfHashesDiffer(hashCheck, null);
            List<String> inputs = ModelChecks.inputs(bundle, session);
            String output = ModelChecks.output(bundle, session);
            tokenizer = await(tokenizerLoad, "loading the tokenizer");
            long probeStart = System.nanoTime();
            int outputSize = ModelChecks.probe(bundle, manifest.withModelFacts(inputs, output, manifest.outputSize()),
                    session, tokenizer);
            long end = System.nanoTime();
            return new LoadedModel(bundle, manifest.withModelFacts(inputs, output, outputSize), tokenizer, session,
                    sessionMs, helperMs[1], helperMs[0], (end - probeStart) / 1e6, (end - start) / 1e6);
        } catch (RuntimeException e) {
            if (tokenizer == null) {
                tokenizerLoad.thenAccept(TextTokenizer::close);
            }
            closeQuietly(tokenizer, session);
            throw e;
        }
    }

    /**
     * Closes a tokenizer and a session, either of which may be null; a session that fails to close is left (nothing
     * more can be done with it).
     */
    public static void closeQuietly(TextTokenizer tokenizer, OnnxSession session) {
        if (tokenizer != null) {
            tokenizer.close();
        }
        if (session != null) {
            try {
                session.close();
            } catch (SessionException ignored) {
                // nothing more can be done with a session that fails to close
            }
        }
    }

    /** Runs {@code step}, storing its duration in ms at {@code slot}; the future's completion publishes it. */
    private static <T> T timed(Supplier<T> step, double[] ms, int slot) {
        long start = System.nanoTime();
        try {
            return step.get();
        } finally {
            ms[slot] = (System.nanoTime() - start) / 1e6;
        }
    }

    private static void runOnDaemon(Runnable task) {
        Thread thread = new Thread(task, "lambert-load");
        thread.setDaemon(true);
        thread.start();
    }

    private static void throwIfHashesDiffer(CompletableFuture<List<String>> hashCheck, Throwable cause) {
        List<String> mismatches = await(hashCheck, "checking the bundle's hashes");
        if (!mismatches.isEmpty()) {
            throw new BundleException(String.join("; ", mismatches), cause);
        }
    }

    private static <T> T await(CompletableFuture<T> future, String what) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BundleException("interrupted while " + what, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof BundleException) {
                throw (BundleException) e.getCause();
            }
            throw new BundleException(what + " failed: " + e.getCause().getMessage(), e.getCause());
        }
    }
}

package lambert.runtime.load;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
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
        FutureTask<List<String>> hashCheck = !verifyHashes || bundle.inferred() ? null
                : new HelperStep<List<String>>(helperMs, 0) {
                    @Override
                    List<String> run() {
                        return bundle.hashMismatches();
                    }
                }.start();
        FutureTask<TextTokenizer> tokenizerLoad = new HelperStep<TextTokenizer>(helperMs, 1) {
            @Override
            TextTokenizer run() {
                return TextTokenizer.load(bundle.tokenizerPath(), manifest.maxLength());
            }
        }.start();
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
                tokenizer = loadedOrNull(tokenizerLoad);
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

    /**
     * One step of the load on a daemon thread of its own, its duration in ms stored at {@code ms[slot]} (published by
     * the task's completion). A class rather than {@code CompletableFuture.supplyAsync} with lambdas: this runs in a
     * function's INIT, where each lambda is linked at run time (docs/cold-start.md).
     */
    private abstract static class HelperStep<T> implements Callable<T> {
        private final double[] ms;
        private final int slot;

        HelperStep(double[] ms, int slot) {
            this.ms = ms;
            this.slot = slot;
        }

        abstract T run();

        @Override
        public final T call() {
            long start = System.nanoTime();
            try {
                return run();
            } finally {
                ms[slot] = (System.nanoTime() - start) / 1e6;
            }
        }

        final FutureTask<T> start() {
            FutureTask<T> task = new FutureTask<>(this);
            Thread thread = new Thread(task, "lambert-load");
            thread.setDaemon(true);
            thread.start();
            return task;
        }
    }

    /** The tokenizer a helper loaded, once it has finished, or null if it failed (its failure is not the one told). */
    private static TextTokenizer loadedOrNull(FutureTask<TextTokenizer> load) {
        try {
            return load.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException e) {
            return null;
        }
    }

    private static void throwIfHashesDiffer(FutureTask<List<String>> hashCheck, Throwable cause) {
        if (hashCheck == null) {
            return;
        }
        List<String> mismatches = await(hashCheck, "checking the bundle's hashes");
        if (!mismatches.isEmpty()) {
            throw new BundleException(String.join("; ", mismatches), cause);
        }
    }

    private static <T> T await(FutureTask<T> future, String what) {
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

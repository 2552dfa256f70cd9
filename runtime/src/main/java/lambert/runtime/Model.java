package lambert.runtime;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import lambert.runtime.batch.MicroBatches;
import lambert.runtime.bundle.BundleException;
import lambert.runtime.bundle.Manifest;
import lambert.runtime.bundle.ModelBundle;
import lambert.runtime.bundle.Task;
import lambert.runtime.session.OnnxSession;
import lambert.runtime.session.Output;
import lambert.runtime.session.TokenBatch;
import lambert.runtime.task.DeadlineExceededException;
import lambert.runtime.task.OutputDecoder;
import lambert.runtime.task.Parameters;
import lambert.runtime.task.Prediction;
import lambert.runtime.task.TextTooLongException;
import lambert.runtime.task.TooManyTokensException;
import lambert.runtime.tokenize.TextTokenizer;
import lambert.runtime.tokenize.Tokens;

/**
 * A loaded model: its bundle checked, its tokenizer and ONNX Runtime session open, ready to answer.
 * Thread-safe; close it to free the native memory.
 *
 * <p>Loading checks, before anything is answered: the files the manifest names exist; their
 * SHA-256 matches the manifest (hashed on a second thread while ONNX Runtime builds the session);
 * the model's inputs are int64 {@code [batch, sequence]} tensors named {@code input_ids},
 * {@code attention_mask} or {@code token_type_ids}, as the manifest lists; the output has the rank
 * the task needs and the size the manifest states; and a probe run with the tokenizer's highest id
 * succeeds, which proves the tokenizer fits the model's embedding table.
 *
 * <pre>{@code
 * try (Model model = Model.open(Path.of("build/minilm"), ModelOptions.defaults())) {
 *     Predictions p = model.predict(List.of("Hey, how are you?"), Parameters.defaults());
 *     float[] vector = ((Embedding) p.predictions().get(0)).vector();
 * }
 * }</pre>
 */
public final class Model implements AutoCloseable {
    private final ModelBundle bundle;
    private final Manifest manifest;
    private final TextTokenizer tokenizer;
    private final OnnxSession session;
    private final OutputDecoder decoder;
    private final ModelOptions options;
    private final LoadTimings loadTimings;
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private ExecutorService pool;
    private volatile boolean closed;

    private Model(ModelBundle bundle, Manifest manifest, TextTokenizer tokenizer, OnnxSession session,
            ModelOptions options, LoadTimings loadTimings) {
        this.loadTimings = loadTimings;
        this.bundle = bundle;
        this.manifest = manifest;
        this.tokenizer = tokenizer;
        this.session = session;
        this.decoder = new OutputDecoder(manifest);
        this.options = options;
    }

    /** Opens the bundle or Hugging Face folder at {@code dir}. */
    public static Model open(Path dir, ModelOptions options) {
        return open(ModelBundle.open(dir), options);
    }

    /** Loads an opened bundle; every check failure is a {@link BundleException} naming the file. */
    public static Model open(ModelBundle bundle, ModelOptions options) {
        Manifest manifest = bundle.manifest();
        // Three independent steps overlap: the file hashes and the tokenizer (its native library and
        // tokenizer.json) on helper threads, the ONNX Runtime session on this one.
        long start = System.nanoTime();
        double[] helperMs = new double[2];
        CompletableFuture<List<String>> hashCheck = options.verifyHashes() && !bundle.inferred()
                ? CompletableFuture.supplyAsync(() -> timed(bundle::hashMismatches, helperMs, 0), Model::runOnDaemon)
                : CompletableFuture.completedFuture(List.of());
        CompletableFuture<TextTokenizer> tokenizerLoad = CompletableFuture.supplyAsync(
                () -> timed(() -> TextTokenizer.load(bundle.tokenizerPath(), manifest.maxLength()), helperMs, 1),
                Model::runOnDaemon);
        OnnxSession session = null;
        TextTokenizer tokenizer = null;
        try {
            try {
                session = OnnxSession.open(bundle.modelPath(), options.engine(), manifest.preOptimized());
            } catch (OrtException e) {
                throwIfHashesDiffer(hashCheck, e);
                throw new BundleException("ONNX Runtime cannot load the model file " + bundle.modelPath() + ": "
                        + e.getMessage() + " (expected a complete ONNX model; was the file truncated or replaced?)",
                        e);
            }
            double sessionMs = (System.nanoTime() - start) / 1e6;
            throwIfHashesDiffer(hashCheck, null);
            List<String> inputs = checkInputs(bundle, session);
            String output = chooseOutput(bundle, session);
            tokenizer = await(tokenizerLoad, "loading the tokenizer");
            long probeStart = System.nanoTime();
            int outputSize = probe(bundle, manifest.withModelFacts(inputs, output, manifest.outputSize()), session,
                    tokenizer);
            long end = System.nanoTime();
            Manifest complete = manifest.withModelFacts(inputs, output, outputSize);
            LoadTimings timings = new LoadTimings(sessionMs, helperMs[1], helperMs[0], (end - probeStart) / 1e6,
                    (end - start) / 1e6);
            return new Model(bundle, complete, tokenizer, session, options, timings);
        } catch (RuntimeException e) {
            if (tokenizer == null) {
                tokenizerLoad.thenAccept(TextTokenizer::close);
            }
            closeQuietly(tokenizer, session);
            throw e;
        }
    }

    /** Runs {@code step}, storing its duration in ms at {@code slot}; the future's completion publishes it. */
    private static <T> T timed(java.util.function.Supplier<T> step, double[] ms, int slot) {
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

    private static List<String> checkInputs(ModelBundle bundle, OnnxSession session) {
        Map<String, NodeInfo> modelInputs;
        try {
            modelInputs = session.inputs();
        } catch (OrtException e) {
            throw new BundleException("cannot read the inputs of " + bundle.modelPath() + ": " + e.getMessage(), e);
        }
        List<String> names = new ArrayList<>(modelInputs.keySet());
        for (String name : names) {
            if (!Manifest.INPUTS.contains(name)) {
                throw new BundleException(bundle.modelPath() + " has an input \"" + name + "\" that lambert cannot "
                        + "feed; expected inputs among " + Manifest.INPUTS + ", found " + names);
            }
            if (!OnnxSession.isInt64(modelInputs.get(name), 2)) {
                throw new BundleException(bundle.modelPath() + ": input \"" + name + "\" must be an int64 tensor of "
                        + "shape [batch, sequence], found " + modelInputs.get(name).getInfo());
            }
        }
        if (!names.contains("input_ids")) {
            throw new BundleException(bundle.modelPath() + " has no input \"input_ids\"; found " + names);
        }
        List<String> declared = bundle.manifest().inputs();
        if (!declared.isEmpty() && !(declared.containsAll(names) && names.containsAll(declared))) {
            throw new BundleException(Manifest.FILE_NAME + " lists inputs " + declared + " but " + bundle.modelPath()
                    + " has inputs " + names);
        }
        return declared.isEmpty() ? names : declared;
    }

    private static String chooseOutput(ModelBundle bundle, OnnxSession session) {
        Manifest manifest = bundle.manifest();
        Map<String, NodeInfo> outputs;
        try {
            outputs = session.outputs();
        } catch (OrtException e) {
            throw new BundleException("cannot read the outputs of " + bundle.modelPath() + ": " + e.getMessage(), e);
        }
        String name = manifest.output();
        if (name == null) {
            List<String> preferred = manifest.task() == Task.EMBED
                    ? List.of("last_hidden_state", "token_embeddings", "sentence_embedding")
                    : List.of("logits");
            name = preferred.stream().filter(outputs::containsKey).findFirst()
                    .orElse(outputs.keySet().iterator().next());
        } else if (!outputs.containsKey(name)) {
            throw new BundleException(Manifest.FILE_NAME + " names output \"" + name + "\" but " + bundle.modelPath()
                    + " has outputs " + outputs.keySet());
        }
        TensorInfo info = OnnxSession.tensorInfo(outputs.get(name));
        int rank = info == null ? -1 : info.getShape().length;
        boolean rankOk = manifest.task() == Task.EMBED ? rank == 2 || rank == 3
                : rank == (manifest.task() == Task.CLASSIFY ? 2 : 3);
        if (!rankOk) {
            String expected = manifest.task() == Task.EMBED ? "[batch, sequence, hidden] or [batch, hidden]"
                    : manifest.task() == Task.CLASSIFY ? "[batch, labels]" : "[batch, sequence, labels]";
            throw new BundleException(bundle.modelPath() + ": output \"" + name + "\" must have shape " + expected
                    + " for task " + manifest.task().id() + ", found "
                    + (info == null ? outputs.get(name).getInfo() : Arrays.toString(info.getShape())));
        }
        return name;
    }

    /**
     * Runs the model once on [first, highest id, ..., last]; returns the output's last dimension. The probe text
     * ends in a private-use character, which no vocabulary has, so a tokenizer that cannot encode unknown text
     * (a WordPiece vocabulary without its unknown token: found by {@code BundleFuzzTest}) is refused here, by
     * name, rather than failing on a request.
     */
    private static int probe(ModelBundle bundle, Manifest manifest, OnnxSession session, TextTokenizer tokenizer) {
        Tokens sample;
        try {
            sample = tokenizer.encode("lambert \uE000");
        } catch (RuntimeException e) {
            throw new BundleException("the tokenizer " + bundle.tokenizerPath() + " cannot encode a probe text: "
                    + e.getMessage(), e);
        }
        long[] ids = sample.ids().clone();
        // The highest id either side claims: a tokenizer.json with more ids than the manifest says (possible when
        // the hash check is off) must fit the model too, or it fails on requests (found by BundleFuzzTest).
        int vocab = Math.max(manifest.vocabSize(), tokenizer.vocabSize());
        if (vocab > 0 && ids.length >= 3) {
            ids[1] = vocab - 1;
        }
        Tokens probe = new Tokens(ids, sample.typeIds(), sample.special(), sample.starts(), sample.ends(), false);
        Output out;
        try {
            out = session.run(manifest.inputs(), manifest.output(), TokenBatch.of(List.of(probe), 0));
        } catch (OrtException e) {
            throw new BundleException("the tokenizer " + bundle.tokenizerPath() + " does not fit the model "
                    + bundle.modelPath() + ": a probe with token id " + (vocab - 1) + " (the tokenizer has " + vocab
                    + " ids) failed: " + e.getMessage(), e);
        }
        int size = (int) out.shape()[out.shape().length - 1];
        if (manifest.task() != Task.EMBED && size != manifest.labels().size()) {
            throw new BundleException(bundle.modelPath() + " answers " + size + " scores per "
                    + (manifest.task() == Task.TAG ? "token" : "text") + " but " + Manifest.FILE_NAME + " lists "
                    + manifest.labels().size() + " labels " + manifest.labels());
        }
        if (manifest.outputSize() > 0 && size != manifest.outputSize()) {
            throw new BundleException(bundle.modelPath() + ": output \"" + manifest.output() + "\" has size " + size
                    + " but " + Manifest.FILE_NAME + " says output_size " + manifest.outputSize());
        }
        return size;
    }

    /** The bundle's manifest, completed with the model's input and output names and sizes. */
    public Manifest manifest() {
        return manifest;
    }

    /** Where the load time went. */
    public LoadTimings loadTimings() {
        return loadTimings;
    }

    /** The bundle this model was loaded from. */
    public ModelBundle bundle() {
        return bundle;
    }

    /** The tokenizer, for callers that need token counts. */
    public TextTokenizer tokenizer() {
        return tokenizer;
    }

    /**
     * Answers for each text, in the caller's order. Texts must be valid Unicode (no unpaired
     * surrogates); the request contract checks that before calling this. Texts are grouped into
     * micro-batches by length, except for quantised models (see {@link Manifest#batchInvariant()}).
     *
     * @throws TextTooLongException if truncation is off and a text is too long
     */
    public Predictions predict(List<String> texts, Parameters parameters) {
        return predict(texts, parameters, Budget.unlimited());
    }

    /**
     * Answers texts within a {@link Budget}: the tokens of all texts are counted after tokenization and before any
     * inference, and no micro-batch starts once less than the budget's margin is left before its deadline.
     *
     * @throws TooManyTokensException over the token budget (nothing was run)
     * @throws DeadlineExceededException when the deadline came too close to start the next micro-batch
     */
    public Predictions predict(List<String> texts, Parameters parameters, Budget budget) {
        // The read lock keeps close() from freeing the native tokenizer and session under a running call.
        lifecycle.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("the model is closed");
            }
            return run(texts, parameters, budget);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    private Predictions run(List<String> texts, Parameters parameters, Budget budget) {
        long start = System.nanoTime();
        if (!budget.mayStart()) {
            throw new DeadlineExceededException(0, 0, budget.remaining(), budget.marginMillis());
        }
        Tokens[] tokens = tokenizer.encode(texts);
        long tokenized = System.nanoTime();
        int[] lengths = new int[tokens.length];
        int totalTokens = 0;
        int truncated = 0;
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i].truncated()) {
                if (!parameters.truncation()) {
                    throw new TextTooLongException(i, manifest.maxLength());
                }
                truncated++;
            }
            lengths[i] = tokens[i].length();
            totalTokens += lengths[i];
        }
        if (totalTokens > budget.maxTokens()) {
            throw new TooManyTokensException(totalTokens, budget.maxTokens());
        }
        Prediction[] out = new Prediction[texts.size()];
        // Quantised models answer one text at a time, so that an answer never depends on its batch-mates.
        int maxRows = manifest.batchInvariant() ? options.maxBatchRows() : 1;
        List<int[]> batches = MicroBatches.plan(lengths, options.tokenBudget(), maxRows);
        AtomicInteger next = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();
        Runnable worker = () -> {
            for (int b = next.getAndIncrement(); b < batches.size(); b = next.getAndIncrement()) {
                if (!budget.mayStart()) {
                    next.set(batches.size()); // no other worker starts one either
                    throw new DeadlineExceededException(finished.get(), batches.size(), budget.remaining(),
                            budget.marginMillis());
                }
                runBatch(batches.get(b), texts, tokens, parameters, out);
                finished.incrementAndGet();
            }
        };
        int parallel = options.effectiveParallelism(maxRows);
        int helpers = Math.min(parallel, batches.size()) - 1;
        List<Future<?>> running = new ArrayList<>(Math.max(helpers, 0));
        for (int i = 0; i < helpers; i++) {
            running.add(pool(parallel - 1).submit(worker));
        }
        // Every helper is awaited even when a batch fails or the deadline stops the call, so that no helper still
        // uses the session once this call has returned (and released the lock that keeps close() out).
        RuntimeException failure = null;
        try {
            worker.run();
        } catch (RuntimeException e) {
            next.set(batches.size());
            failure = e;
        }
        for (Future<?> f : running) {
            try {
                awaitBatch(f);
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            throw failure;
        }
        long done = System.nanoTime();
        return new Predictions(Arrays.asList(out), totalTokens, truncated, batches.size(), tokenized - start,
                done - tokenized);
    }

    private void runBatch(int[] batch, List<String> texts, Tokens[] tokens, Parameters parameters,
            Prediction[] out) {
        List<Tokens> rows = new ArrayList<>(batch.length);
        for (int index : batch) {
            rows.add(tokens[index]);
        }
        TokenBatch input = TokenBatch.of(rows, 0);
        Output output;
        try {
            output = session.run(manifest.inputs(), manifest.output(), input);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed on a batch of " + input.rows() + " texts x "
                    + input.width() + " tokens: " + e.getMessage(), e);
        }
        for (int row = 0; row < batch.length; row++) {
            int index = batch[row];
            out[index] = decoder.decode(output, row, texts.get(index), tokens[index], parameters);
        }
    }

    private static void awaitBatch(Future<?> future) {
        try {
            future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a micro-batch", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException) {
                throw (RuntimeException) e.getCause();
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** The helper threads for parallel micro-batches, created on first use, shut down by {@link #close()}. */
    private synchronized ExecutorService pool(int threads) {
        if (pool == null) {
            pool = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "lambert-batch");
                t.setDaemon(true);
                return t;
            });
        }
        return pool;
    }

    /**
     * Frees the tokenizer and the session and stops the helper threads, once the calls under way have
     * finished; calling it again does nothing.
     */
    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                synchronized (this) {
                    if (pool != null) {
                        pool.shutdownNow();
                    }
                }
                closeQuietly(tokenizer, session);
            }
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    private static void closeQuietly(TextTokenizer tokenizer, OnnxSession session) {
        if (tokenizer != null) {
            tokenizer.close();
        }
        if (session != null) {
            try {
                session.close();
            } catch (OrtException ignored) {
                // nothing more can be done with a session that fails to close
            }
        }
    }
}

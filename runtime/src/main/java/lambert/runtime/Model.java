package lambert.runtime;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import lambert.runtime.batch.BatchScheduler;
import lambert.runtime.batch.MicroBatches;
import lambert.runtime.bundle.BundleException;
import lambert.runtime.bundle.Manifest;
import lambert.runtime.bundle.ModelBundle;
import lambert.runtime.load.LoadedModel;
import lambert.runtime.load.ModelLoader;
import lambert.runtime.session.OnnxSession;
import lambert.runtime.session.Output;
import lambert.runtime.session.SessionException;
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
 * <p>Three jobs, each in its own place: loading and checking ({@link ModelLoader}), running micro-batches
 * ({@link BatchScheduler}), and guarding the native memory (a call under way finishes before close frees it; a
 * call after close is refused). Loading checks, before anything is answered: the files the manifest names exist; their
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
    private final BatchScheduler scheduler = new BatchScheduler();
    private final Lifecycle lifecycle = new Lifecycle("the model is closed");

    private final int threads;

    private Model(LoadedModel loaded, ModelOptions options, int threads) {
        this.bundle = loaded.bundle();
        this.manifest = loaded.manifest();
        this.tokenizer = loaded.tokenizer();
        this.session = loaded.session();
        this.loadTimings = new LoadTimings(loaded.sessionMs(), loaded.tokenizerMs(), loaded.hashMs(),
                loaded.probeMs(), loaded.totalMs());
        this.decoder = new OutputDecoder(manifest);
        this.options = options;
        this.threads = threads;
    }

    /** Opens the bundle or Hugging Face folder at {@code dir}. */
    public static Model open(Path dir, ModelOptions options) {
        return open(ModelBundle.open(dir), options);
    }

    /**
     * Loads an opened bundle; every check failure is a {@link BundleException} naming the file. Automatic threads
     * ({@link ModelOptions#effectiveThreads}) are resolved here, where the manifest says whether the model batches.
     */
    public static Model open(ModelBundle bundle, ModelOptions options) {
        int threads = options.effectiveThreads(maxRows(bundle.manifest(), options));
        return new Model(ModelLoader.load(bundle, options.engine().withThreads(threads), options.verifyHashes()),
                options, threads);
    }

    /** The most texts in one micro-batch: one for models whose answers depend on their batch-mates. */
    private static int maxRows(Manifest manifest, ModelOptions options) {
        // Quantised models answer one text at a time, so that an answer never depends on its batch-mates.
        return manifest.batchInvariant() ? options.maxBatchRows() : 1;
    }

    /** ONNX Runtime's intra-op threads in this model's session. */
    public int threads() {
        return threads;
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
        // The guard keeps close() from freeing the native tokenizer and session under a running call.
        lifecycle.enter();
        try {
            return run(texts, parameters, budget);
        } finally {
            lifecycle.exit();
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
        int maxRows = maxRows(manifest, options);
        List<int[]> batches = MicroBatches.plan(lengths, options.tokenBudget(), maxRows);
        if (batches.size() == 1) {
            // One micro-batch (a single text, say) runs on this thread: no helper to hand it to, and no lambda
            // linked on a function's first request (docs/cold-start.md).
            checkDeadline(budget, 0, 1);
            runBatch(batches.get(0), texts, tokens, parameters, out);
        } else {
            scheduler.run(batches.size(), options.effectiveParallelism(maxRows),
                    (finished, total) -> checkDeadline(budget, finished, total),
                    b -> runBatch(batches.get(b), texts, tokens, parameters, out));
        }
        long done = System.nanoTime();
        return new Predictions(Arrays.asList(out), totalTokens, truncated, batches.size(), tokenized - start,
                done - tokenized);
    }

    /** Refuses to start the next micro-batch once the budget's deadline is too close. */
    private static void checkDeadline(Budget budget, int finished, int total) {
        if (!budget.mayStart()) {
            throw new DeadlineExceededException(finished, total, budget.remaining(), budget.marginMillis());
        }
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
        } catch (SessionException e) {
            throw new IllegalStateException("ONNX Runtime failed on a batch of " + input.rows() + " texts x "
                    + input.width() + " tokens: " + e.getMessage(), e);
        }
        for (int row = 0; row < batch.length; row++) {
            int index = batch[row];
            out[index] = decoder.decode(output, row, texts.get(index), tokens[index], parameters);
        }
    }

    /**
     * Frees the tokenizer and the session and stops the helper threads, once the calls under way have
     * finished; calling it again does nothing.
     */
    @Override
    public void close() {
        lifecycle.close(() -> {
            scheduler.close();
            ModelLoader.closeQuietly(tokenizer, session);
        });
    }
}

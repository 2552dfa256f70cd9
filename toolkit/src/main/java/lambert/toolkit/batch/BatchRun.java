package lambert.toolkit.batch;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import lambert.base.json.Json;
import lambert.base.json.JsonException;
import lambert.toolkit.BadInputException;

/**
 * One batch run: the input packed into requests ({@link RequestPacker}), sent to a {@link BatchTarget} by a fixed
 * pool of {@code concurrency} threads, and the answers written in input order ({@link OutputFiles}). At most
 * {@code 2 x concurrency} chunks are sent or waiting to be written at any time, so memory stays bounded whatever the
 * input's size.
 *
 * <p>Failures, by kind ({@link Answer.Kind}): throttling, unavailability and timeouts are retried with exponential
 * backoff and full jitter ({@link Backoff}); when a request has used all its attempts the run stops, resumable. A
 * function error is retried {@code functionRetries} times; then, and at once when the function refuses a request
 * (400, 413), the request is split in halves that are sent on their own, down to single texts, so that one bad text
 * does not cost its neighbours; a single text that still fails is written to the rejects file with the reason. Every
 * input line ends either in the output or in the rejects file.
 *
 * <pre>{@code
 * try (BatchTarget target = HttpTarget.of(URI.create("http://127.0.0.1:8080/"), Duration.ofSeconds(60))) {
 *     BatchRun.Counts c = BatchRun.run(target, target.info(), InputSpec.lines(Path.of("texts.txt")),
 *             new BatchRun.Files(Path.of("out.jsonl"), null, null), BatchRun.Options.defaults(4),
 *             TokenCounter.estimate(), counts -> {}, null);
 * }
 * }</pre>
 */
public final class BatchRun {
    /**
     * How a run behaves.
     *
     * @param concurrency requests at once
     * @param textsPerRequest the most texts per request (0: the function's limit)
     * @param tokensPerRequest the most tokens per request (0: the function's limit)
     * @param functionRetries retries of a request the function failed on, before it is split
     * @param backoff the waits between attempts after throttling and the attempts before the run stops
     * @param resume continue an interrupted run from its progress file
     * @param force overwrite an existing output
     */
    public record Options(int concurrency, int textsPerRequest, long tokensPerRequest, int functionRetries,
            Backoff backoff, boolean resume, boolean force) {
        public Options {
            if (concurrency < 1 || concurrency > 10_000) {
                throw BadInputException.of("concurrency must be between 1 and 10000, found " + concurrency,
                        "concurrency");
            }
            if (functionRetries < 0) {
                throw new IllegalArgumentException("functionRetries must be 0 or more, found " + functionRetries);
            }
        }

        /** {@code concurrency} at once, the function's limits, 2 function retries, default backoff. */
        public static Options defaults(int concurrency) {
            return new Options(concurrency, 0, 0, 2, Backoff.defaults(), false, false);
        }
    }

    /**
     * Where a run writes: the output JSONL, the rejects JSONL (null: {@code OUT} without its extension plus
     * {@code .rejects.jsonl}) and the float32 matrix (null for none).
     */
    public record Files(java.nio.file.Path out, java.nio.file.Path rejects, java.nio.file.Path npy) {
        OutputFiles.Paths paths() {
            return new OutputFiles.Paths(out, rejectsFile(), npy);
        }

        /** The rejects file: as given, else {@code OUT} without its extension plus {@code .rejects.jsonl}. */
        public java.nio.file.Path rejectsFile() {
            if (rejects != null) {
                return rejects;
            }
            String name = out.getFileName().toString();
            int dot = name.lastIndexOf('.');
            return out.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".rejects.jsonl");
        }
    }

    /**
     * How far a run got.
     *
     * @param lastLine the last input line finished (written to the output or the rejects), in order
     * @param done lines answered and written to the output, resumed runs' included
     * @param rejected lines written to the rejects file, resumed runs' included
     * @param requests requests sent by this run (retries and split halves included)
     * @param throttled answers retried with backoff (throttling, 5xx, timeouts)
     * @param functionErrors function errors and refusals
     * @param billedMs the billed durations Lambda reported, summed (0 where the target does not say)
     * @param requestMs the time requests took as this side saw it, summed (the billed duration's stand-in where the
     *     target does not report one)
     * @param inFlight chunks sent and not yet written
     */
    public record Counts(long lastLine, long done, long rejected, long requests, long throttled, long functionErrors,
            long billedMs, long requestMs, int inFlight) {
        /** Lines finished: done or rejected. */
        public long finished() {
            return done + rejected;
        }
    }

    /** Told after each chunk is written, in order (on a pool thread; keep it short). */
    @FunctionalInterface
    public interface Listener {
        void written(Counts counts);
    }

    /** Asked before each request is sent: null to go on, or why the run stops here (a cost limit). */
    @FunctionalInterface
    public interface Gate {
        String stopBefore(Counts counts, Chunk next);
    }

    private final BatchTarget target;
    private final FunctionInfo info;
    private final Options options;
    private final Listener listener;
    private final OutputFiles files;
    private final Map<Long, Written> waiting = new TreeMap<>();
    private final Semaphore window;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong throttled = new AtomicLong();
    private final AtomicLong functionErrors = new AtomicLong();
    private final AtomicLong billedMs = new AtomicLong();
    private final AtomicLong requestNanos = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private long nextToWrite;
    private volatile Throwable failure;

    /** A chunk made ready for the files. */
    private record Written(Chunk chunk, byte[] out, byte[] rejects, ByteBuffer rows, int done, int rejected) {}

    private BatchRun(BatchTarget target, FunctionInfo info, Options options, Listener listener, OutputFiles files) {
        this.target = target;
        this.info = info;
        this.options = options;
        this.listener = listener;
        this.files = files;
        this.window = new Semaphore(2 * options.concurrency());
        this.nextToWrite = files.position().nextChunk();
    }

    /**
     * Runs {@code input} through {@code target} into {@code out}.
     *
     * @param info the function's task and limits ({@link BatchTarget#info()})
     * @param gate asked before each request, or null
     * @return the counts: every input line done or rejected
     * @throws BatchStoppedException if the run stopped before the end (resumable)
     * @throws BadInputException if the input or the settings are unusable
     */
    public static Counts run(BatchTarget target, FunctionInfo info, InputSpec input, Files out, Options options,
            TokenCounter counter, Listener listener, Gate gate) throws IOException {
        if (out.npy() != null && !info.embeds()) {
            throw BadInputException.of("npy holds embeddings, and the function's task is " + info.task(), "npy");
        }
        String settings = settings(input, info, options, out.npy() != null);
        OutputFiles.Paths paths = out.paths();
        try (InputReader reader = InputReader.open(input);
                OutputFiles files = options.resume() ? OutputFiles.resume(paths, settings, info.outputSize())
                        : OutputFiles.start(paths, settings, info.outputSize(), options.force())) {
            RequestPacker packer = new RequestPacker(reader, info, counter, options.textsPerRequest(),
                    options.tokensPerRequest());
            OutputFiles.Position at = files.position();
            if (at.nextChunk() > 0) {
                packer.resumeAt(at.nextChunk(), at.lastLine());
            }
            BatchRun run = new BatchRun(target, info, options, listener, files);
            run.drive(packer, gate);
            files.finish();
            return run.counts();
        }
    }

    /**
     * What a run of {@code input} would send, without sending anything.
     *
     * @param lines input lines
     * @param texts texts to send
     * @param refused lines refused before any request
     * @param requests requests (at least; retries and splits come on top)
     * @param tokens tokens in all (exact with the bundle's tokenizer, else an upper bound)
     * @param bytes request bodies in all
     * @param first the first request's chunk, or null
     */
    public record Plan(long lines, long texts, long refused, long requests, long tokens, long bytes, Chunk first) {}

    /** Packs {@code input} as a run would and counts what it would send. */
    public static Plan plan(InputSpec input, FunctionInfo info, Options options, TokenCounter counter)
            throws IOException {
        long lines = 0;
        long texts = 0;
        long requests = 0;
        long tokens = 0;
        long bytes = 0;
        Chunk first = null;
        try (InputReader reader = InputReader.open(input)) {
            RequestPacker packer = new RequestPacker(reader, info, counter, options.textsPerRequest(),
                    options.tokensPerRequest());
            for (Chunk c = packer.next(); c != null; c = packer.next()) {
                lines += c.records().size();
                int n = c.texts().size();
                texts += n;
                if (n > 0) {
                    requests++;
                    first = first == null ? c : first;
                }
                tokens += c.tokens();
                bytes += c.bodyBytes();
            }
        }
        return new Plan(lines, texts, lines - texts, requests, tokens, bytes, first);
    }

    /** The settings that decide the output, as the progress file's first line. */
    static String settings(InputSpec input, FunctionInfo info, Options options, boolean npy) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (JsonGenerator g = Json.generator(b)) {
            g.writeStartObject();
            g.writeStringField("input", input.file().toAbsolutePath().normalize().toString());
            g.writeStringField("format", input.format().name().toLowerCase(java.util.Locale.ROOT));
            g.writeStringField("field", input.field());
            g.writeStringField("id_field", input.idField());
            g.writeStringField("model", info.model());
            g.writeStringField("task", info.task());
            g.writeNumberField("max_texts", info.maxTexts());
            g.writeNumberField("max_input_bytes", info.maxInputBytes());
            g.writeNumberField("max_tokens", info.maxTokens());
            g.writeNumberField("max_length", info.maxLength());
            g.writeNumberField("texts_per_request", options.textsPerRequest());
            g.writeNumberField("tokens_per_request", options.tokensPerRequest());
            g.writeBooleanField("npy", npy);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return b.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    private void drive(RequestPacker packer, Gate gate) throws IOException {
        ExecutorService pool = Executors.newFixedThreadPool(options.concurrency(), r -> {
            Thread t = new Thread(r, "lambert-batch");
            t.setDaemon(true);
            return t;
        });
        String stopped = null;
        try {
            for (Chunk chunk = packer.next(); chunk != null; chunk = packer.next()) {
                window.acquire();
                if (failure != null) {
                    break;
                }
                if (gate != null && !chunk.texts().isEmpty()) {
                    stopped = gate.stopBefore(counts(), chunk);
                    if (stopped != null) {
                        break;
                    }
                }
                Chunk c = chunk;
                inFlight.incrementAndGet();
                pool.execute(() -> {
                    try {
                        completed(prepare(c));
                    } catch (Throwable t) {
                        fail(t);
                    }
                });
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(e);
        } finally {
            pool.shutdown();
            try {
                while (!pool.awaitTermination(1, TimeUnit.SECONDS)) {
                    // requests under way finish (their backoff sees the failure and ends)
                }
            } catch (InterruptedException e) {
                pool.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        Throwable f = failure;
        if (f instanceof IOException io) {
            throw io;
        }
        if (f instanceof BadInputException bad) {
            throw bad;
        }
        if (f != null || stopped != null) {
            Counts c = counts();
            String why = stopped != null ? stopped : f instanceof StopException s ? s.getMessage()
                    : f instanceof InterruptedException ? "interrupted" : String.valueOf(f);
            throw new BatchStoppedException(why + "; finished " + c.finished() + " lines in order (through line "
                    + c.lastLine() + ": " + c.done() + " done, " + c.rejected() + " rejected); resume continues after "
                    + "line " + c.lastLine(), c, stopped != null, f);
        }
    }

    private void fail(Throwable t) {
        synchronized (this) {
            if (failure == null) {
                failure = t;
            }
        }
        window.release(2 * options.concurrency());
    }

    /** The counts now. */
    synchronized Counts counts() {
        OutputFiles.Position p = files.position();
        return new Counts(p.lastLine(), p.done(), p.rejected(), requests.get(), throttled.get(),
                functionErrors.get(), billedMs.get(), requestNanos.get() / 1_000_000, inFlight.get());
    }

    private synchronized void completed(Written w) throws IOException {
        waiting.put(w.chunk().index(), w);
        while (failure == null && waiting.containsKey(nextToWrite)) {
            Written next = waiting.remove(nextToWrite);
            files.append(next.chunk().index(), next.chunk().lastLine(), next.out(), next.rejects(), next.rows(),
                    next.done(), next.rejected());
            nextToWrite++;
            inFlight.decrementAndGet();
            window.release();
            if (listener != null) {
                listener.written(counts());
            }
        }
    }

    /** Sends a chunk's texts and makes its lines ready for the files. */
    private Written prepare(Chunk chunk) throws IOException {
        List<InputRecord> texts = chunk.texts();
        Map<Long, Object> outcome = new TreeMap<>();
        if (!texts.isEmpty()) {
            solve(texts, options.functionRetries(), outcome);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream rejects = new ByteArrayOutputStream();
        ByteBuffer rows = info.embeds() ? ByteBuffer.allocate(texts.size() * info.outputSize() * Float.BYTES)
                .order(ByteOrder.LITTLE_ENDIAN) : null;
        int done = 0;
        int rejected = 0;
        for (InputRecord r : chunk.records()) {
            Object o = r.refused() ? r.problem() : outcome.get(r.line());
            if (o instanceof Results.Result result) {
                try (JsonGenerator g = Json.generator(out)) {
                    Results.write(g, r, result);
                }
                out.write('\n');
                if (rows != null && result.vector() != null) {
                    rows.asFloatBuffer().put(result.vector());
                    rows.position(rows.position() + result.vector().length * Float.BYTES);
                }
                done++;
            } else {
                try (JsonGenerator g = Json.generator(rejects)) {
                    Results.writeRejected(g, r, (String) o);
                }
                rejects.write('\n');
                rejected++;
            }
        }
        if (rows != null) {
            rows.flip();
        }
        return new Written(chunk, out.toByteArray(), rejects.toByteArray(), rows, done, rejected);
    }

    /** Thrown by a worker to stop the run (throttled past the attempts, a fatal answer). */
    private static final class StopException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StopException(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Gets a result or a reason for each of {@code texts} into {@code outcome} (by line): sends them, retries as the
     * answer's kind says, splits on failure.
     */
    private void solve(List<InputRecord> texts, int retries, Map<Long, Object> outcome) {
        byte[] body = Chunk.body(texts, info.embeds());
        int throttles = 0;
        int failures = 0;
        String reason;
        while (true) {
            if (failure != null) {
                throw new StopException("stopped");
            }
            Answer a;
            long start = System.nanoTime();
            try {
                a = target.send(body);
            } catch (IOException e) {
                a = Answer.of(Answer.Kind.RETRY, null, e.getMessage() == null ? e.getClass().getSimpleName()
                        : e.getMessage());
            }
            requestNanos.addAndGet(System.nanoTime() - start);
            requests.incrementAndGet();
            if (a.billedMs() > 0) {
                billedMs.addAndGet(a.billedMs());
            }
            if (a.kind() == Answer.Kind.OK) {
                try {
                    List<Results.Result> results = Results.parse(a.body(), texts.size(), info.outputSize());
                    for (int i = 0; i < texts.size(); i++) {
                        outcome.put(texts.get(i).line(), results.get(i));
                    }
                    return;
                } catch (IllegalArgumentException e) {
                    a = Answer.of(Answer.Kind.FUNCTION_ERROR, a.body(), e.getMessage());
                }
            }
            if (a.kind() == Answer.Kind.FATAL) {
                throw new StopException(target.describe() + " refused: " + a.reason());
            }
            if (a.kind() == Answer.Kind.RETRY) {
                throttled.incrementAndGet();
                throttles++;
                if (throttles >= options.backoff().attempts()) {
                    throw new StopException("gave up on a request after " + throttles + " attempts (" + a.reason()
                            + ")");
                }
                sleep(options.backoff().delayMillis(throttles));
                continue;
            }
            functionErrors.incrementAndGet();
            reason = (a.kind() == Answer.Kind.REFUSED ? "the function refused it: " : "the function failed: ")
                    + message(a);
            if (a.kind() == Answer.Kind.FUNCTION_ERROR && failures < retries) {
                failures++;
                continue;
            }
            break;
        }
        if (texts.size() == 1) {
            outcome.put(texts.get(0).line(), reason + (failures > 0 ? " (" + (failures + 1) + " attempts)" : ""));
            return;
        }
        int half = texts.size() / 2;
        List<InputRecord> left = texts.subList(0, half);
        List<InputRecord> right = texts.subList(half, texts.size());
        solve(left, left.size() == 1 ? options.functionRetries() : 0, outcome);
        solve(right, right.size() == 1 ? options.functionRetries() : 0, outcome);
    }

    /** The function's own message (errorType: errorMessage) when its body carries one, else the answer's reason. */
    private static String message(Answer a) {
        try {
            if (a.body().length > 0 && Json.parse(a.body()) instanceof Map<?, ?> m
                    && m.get("errorMessage") instanceof String text) {
                return (m.get("errorType") instanceof String type ? type + ": " : "") + text;
            }
        } catch (JsonException e) {
            // the reason below
        }
        return a.reason();
    }

    private void sleep(long millis) {
        long end = System.nanoTime() + millis * 1_000_000;
        while (failure == null && System.nanoTime() < end) {
            try {
                Thread.sleep(Math.max(1, Math.min(100, (end - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StopException("interrupted");
            }
        }
    }
}

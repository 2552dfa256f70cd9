package lambert.toolkit.batch;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import lambert.runtime.contract.Reply;
import lambert.toolkit.emulator.Emulation;
import lambert.toolkit.emulator.Emulator;
import lambert.toolkit.emulator.FunctionUrl;
import lambert.toolkit.emulator.InitFailedException;

/**
 * A function package run locally in {@code n} emulated Lambda environments (each its own JVM through AWS's runtime
 * interface client, CPU limited as the memory setting in {@code function.json} says), reached as a function URL
 * ({@link FunctionUrl}): each environment answers one request at a time, as on Lambda, so the run's concurrency is
 * the number of environments. The billed durations come from the environments' REPORT lines.
 */
public final class EmulatorTarget implements BatchTarget {
    /** One environment and the billed duration of its last invocation. */
    private static final class Environment {
        FunctionUrl url;
        volatile long lastBilledMs = -1;

        void line(String line) {
            if (line.startsWith("REPORT ")) {
                lastBilledMs = Answer.billedMs(line);
            }
        }
    }

    private final Path zip;
    private final List<Environment> all;
    private final BlockingQueue<Environment> free;

    private EmulatorTarget(Path zip, List<Environment> all) {
        this.zip = zip;
        this.all = all;
        this.free = new ArrayBlockingQueue<>(all.size(), false, all);
    }

    /**
     * Starts {@code environments} environments of {@code zip} (their cold starts, one after the other).
     *
     * @throws IOException if an environment cannot start (its INIT failed: the message says why)
     */
    public static EmulatorTarget start(Path zip, int environments) throws IOException {
        if (environments < 1 || environments > 64) {
            throw lambert.toolkit.BadInputException.of("environments must be between 1 and 64, found "
                    + environments, "environments");
        }
        List<Environment> all = new ArrayList<>();
        try {
            for (int i = 0; i < environments; i++) {
                Environment e = new Environment();
                e.url = new FunctionUrl(Emulator.forPackage(zip, Emulation.host(), e::line));
                all.add(e);
                e.url.start();
            }
        } catch (InitFailedException e) {
            all.forEach(x -> x.url.close());
            throw new IOException(zip + ": the function failed to initialise (" + e.errorType() + "): "
                    + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            all.forEach(x -> x.url.close());
            throw e;
        }
        return new EmulatorTarget(zip, all);
    }

    @Override
    public FunctionInfo info() throws IOException {
        Reply r = call("GET", new byte[0]).reply;
        if (r.status() != 200) {
            throw new IOException(zip + " answered GET with HTTP " + r.status() + ", expected 200 with the model "
                    + "information: " + new String(r.body(), java.nio.charset.StandardCharsets.UTF_8));
        }
        return FunctionInfo.parse(r.body(), zip.toString());
    }

    private record Call(Reply reply, long billedMs) {}

    private Call call(String method, byte[] body) throws IOException {
        Environment e;
        try {
            e = free.take();
        } catch (InterruptedException x) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", x);
        }
        try {
            e.lastBilledMs = -1;
            Reply r = e.url.answer(method, body, UUID.randomUUID().toString());
            return new Call(r, e.lastBilledMs);
        } finally {
            free.add(e);
        }
    }

    @Override
    public Answer send(byte[] body) throws IOException {
        Call c = call("POST", body);
        Reply r = c.reply();
        String type = r.errorType() == null ? "" : r.errorType();
        switch (type) {
            case "FunctionError":
            case "Timeout":
                return Answer.of(Answer.Kind.FUNCTION_ERROR, r.body(), type);
            case "InitError":
            case "InvalidResponse":
                return Answer.of(Answer.Kind.FATAL, r.body(), type);
            case "FunctionUnavailable":
                return Answer.of(Answer.Kind.RETRY, r.body(), type);
            default:
                Answer a = Answer.ofHttp(r.status(), r.body(), zip.toString());
                return a.kind() == Answer.Kind.OK ? Answer.ok(r.body(), c.billedMs()) : a;
        }
    }

    @Override
    public int defaultConcurrency() {
        return all.size();
    }

    @Override
    public String describe() {
        return zip + " (" + all.size() + " emulated environment" + (all.size() == 1 ? "" : "s") + ")";
    }

    @Override
    public void close() {
        all.forEach(e -> e.url.close());
    }
}

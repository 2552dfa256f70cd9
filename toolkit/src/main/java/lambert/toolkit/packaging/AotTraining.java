package lambert.toolkit.packaging;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import lambert.base.io.Trees;
import lambert.runtime.bundle.Checksums;
import lambert.toolkit.emulator.Emulation;
import lambert.toolkit.emulator.Emulator;
import lambert.toolkit.emulator.InitFailedException;
import lambert.toolkit.emulator.InitializationType;
import lambert.toolkit.emulator.Report;
import lambert.toolkit.models.ModelResolver;

/**
 * The custom runtime's ahead-of-time cache (JEP 483, 514, 515), made at package time by a training run: the package
 * without its cache runs in the emulator exactly as Lambda starts it (its {@code bootstrap}, the image's {@code java},
 * the class path under {@code /var/task}, bound there in a private mount namespace when lambert runs as root); it
 * answers {@link #EVENTS} through lambert's Runtime API loop, and the cache is assembled from what it loaded
 * ({@link #train}).
 *
 * <p>Caches are not byte-reproducible (two trainings of the same package differ in about 600 kB), so a cache is kept
 * under {@code <lambert home>/aot/} by the sha256 of the package it was trained on (which is deterministic, and holds
 * the training events, {@link #EVENTS_ENTRY}) and the {@link #RECIPE}: packaging the same inputs again reuses it and
 * gives the same zip.
 */
final class AotTraining {
    /** The training events: every request shape, a few lengths, an HTTP event and bad input. */
    static final List<String> EVENTS = List.of(
            "{\"text\": \"Hey, how are you?\"}",
            "{\"text\": \"" + "a longer sentence about the weather and the news of the day ".repeat(20) + "\"}",
            "{\"texts\": [\"one\", \"two words\", \"three words here\"]}",
            "{\"inputs\": \"the Hugging Face form\", \"parameters\": {}}",
            "{\"inputs\": [\"a\", \"b\"]}",
            "{\"version\": \"2.0\", \"routeKey\": \"POST /\", \"rawPath\": \"/\", \"headers\": {\"content-type\": "
                    + "\"application/json\"}, \"requestContext\": {\"http\": {\"method\": \"POST\", \"path\": \"/\"}, "
                    + "\"timeEpoch\": 1700000000000}, \"body\": \"{\\\"text\\\": \\\"over HTTP\\\"}\", "
                    + "\"isBase64Encoded\": false}",
            "not json",
            "{\"text\": \"\"}",
            "{\"text\": \"Hey, how are you?\"}");
    /** The package's copy of {@link #EVENTS}, one a line. */
    static final String EVENTS_ENTRY = "aot/training-events.txt";
    /**
     * The training run's options. The cache keeps classes, loaded and linked (JEP 483), but no method profiles
     * ({@code -XX:-AOTRecordTraining}, JEP 515): the function compiles with C1 only, which profiles do not serve, and
     * a cache holding them makes the JVM replay them at start, compiling in INIT what the training run found hot
     * (on one CPU: 228 methods and 85 ms of compilation in INIT against 169 and 36 ms, cold start 12 ms longer).
     */
    static final String RECORD_OPTIONS = "-XX:AOTMode=record -XX:+UnlockDiagnosticVMOptions -XX:-AOTRecordTraining";
    /**
     * What the name of a kept cache adds to its package's sha256: the recipe ({@link #RECORD_OPTIONS}), so that a
     * cache trained another way before is not reused.
     */
    static final String RECIPE = "classes-only";
    /** How long the JVM may take to write the cache after SIGTERM (it starts a second JVM to assemble it). */
    static final long WRITE_GRACE_MS = 300_000;

    private AotTraining() {}

    /** {@link #EVENTS}, one a line, for {@link #EVENTS_ENTRY}. */
    static byte[] eventsText() {
        return (String.join("\n", EVENTS) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** The cache for {@code untrainedZip}: the one kept for it, else a new training run's, kept for next time. */
    static Path cached(Path untrainedZip) throws IOException {
        // the package holds the training events too (EVENTS_ENTRY), so its sha256 covers everything the cache comes from
        String key = Checksums.sha256(untrainedZip);
        Path store = ModelResolver.defaultHome().resolve("aot");
        Path kept = store.resolve(key + "-" + RECIPE + ".aot");
        if (Files.isRegularFile(kept)) {
            return kept;
        }
        Path trained = train(untrainedZip);
        try {
            Files.createDirectories(store);
            Path temp = Files.createTempFile(store, "." + key, ".partial");
            Files.copy(trained, temp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(temp, kept, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Trees.delete(trained.getParent());
        }
        return kept;
    }

    /**
     * Where the training runs write the configuration and the cache: {@code /var/tmp}, which the function sees as this
     * machine's, since the emulator binds the environment's own temp folder at {@code /tmp} (as Lambda gives each
     * environment its own).
     */
    static final Path SHARED_TEMP = Path.of("/var/tmp");

    /**
     * Trains a new cache on {@code untrainedZip}; returns it in a temp folder of its own under {@link #SHARED_TEMP}.
     * Two steps, each the package's own {@code bootstrap} in the emulator with {@code JAVA_TOOL_OPTIONS}: the training
     * run records what the function loads ({@code -XX:AOTMode=record}; the JVM writes the configuration when SIGTERM
     * ends it), then a second start assembles the cache from it ({@code -XX:AOTMode=create}, which exits once the cache
     * is written). The one-step {@code -XX:AOTCacheOutput} wrote only the configuration when the emulator ended the JVM
     * (its assembling child JVM never started), so the steps are run apart.
     */
    static Path train(Path untrainedZip) throws IOException {
        if (!Files.isDirectory(SHARED_TEMP) || !Files.isWritable(SHARED_TEMP)) {
            throw new IOException(SHARED_TEMP + " is not a writable folder: the training run of the ahead-of-time "
                    + "cache writes its files there (the function's own /tmp in the emulator is not this machine's)");
        }
        Path out = Files.createTempDirectory(SHARED_TEMP, "lambert-aot-");
        // the function runs as nobody when lambert is root: the folder must be writable to it
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path config = out.resolve("function.aotconf");
        Path cache = out.resolve("function.aot");
        List<String> log = new ArrayList<>();
        try {
            try (Emulator record = emulator(untrainedZip, RECORD_OPTIONS + " -XX:AOTConfiguration=" + config,
                    InitializationType.ON_DEMAND, log)) {
                for (String event : EVENTS) {
                    Report r = record.invoke(event.getBytes(StandardCharsets.UTF_8));
                    if (!"success".equals(r.status())) {
                        throw new IOException("the training run of the ahead-of-time cache failed on "
                                + abbreviate(event) + ": " + r.status() + "; its log: " + tail(log));
                    }
                }
                int status = record.shutdown(WRITE_GRACE_MS);
                if (!Files.isRegularFile(config) || Files.size(config) == 0) {
                    throw new IOException("the training run of the ahead-of-time cache wrote no " + config + " (exit "
                            + status + "); its log: " + tail(log));
                }
            }
            // provisioned: INIT may take up to 130 s, enough to assemble the cache on a busy machine
            try (Emulator create = emulator(untrainedZip, "-XX:AOTMode=create -XX:AOTConfiguration=" + config
                    + " -XX:AOTCache=" + cache, InitializationType.PROVISIONED_CONCURRENCY, log)) {
                create.start();
                throw new IOException("the JVM that assembles the ahead-of-time cache did not exit; its log: "
                        + tail(log));
            } catch (InitFailedException exited) {
                // expected: -XX:AOTMode=create writes the cache and exits without running the function
            }
            if (!Files.isRegularFile(cache) || Files.size(cache) == 0) {
                throw new IOException("assembling the ahead-of-time cache wrote no " + cache + "; its log: "
                        + tail(log));
            }
        } catch (InitFailedException e) {
            Trees.delete(out);
            throw new IOException("the training run of the ahead-of-time cache failed in INIT (" + e.errorType()
                    + "): " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            Trees.delete(out);
            throw e;
        }
        return cache;
    }

    private static Emulator emulator(Path zip, String options, InitializationType type, List<String> log) {
        return new Emulator(zip, FunctionConfig.HANDLER, Map.of("JAVA_TOOL_OPTIONS", options),
                Packager.SUGGESTED_MEMORY_MB, 60, line -> {
                    synchronized (log) {
                        log.add(line);
                    }
                }, List.of(), type, Emulation.host());
    }

    private static String abbreviate(String event) {
        return event.length() <= 60 ? event : event.substring(0, 57) + "...";
    }

    /** The log's lines about the cache ({@code [aot]}, {@code AOT}) and its last few, joined on one line. */
    private static String tail(List<String> log) {
        synchronized (log) {
            List<String> shown = new ArrayList<>();
            for (int i = 0; i < log.size(); i++) {
                String line = log.get(i);
                if (line.contains("aot") || line.contains("AOT") || i >= log.size() - 4) {
                    shown.add(line);
                }
            }
            return String.join(" | ", shown);
        }
    }
}

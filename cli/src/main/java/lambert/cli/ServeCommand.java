package lambert.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import lambert.lambda.Handler;
import lambert.lambda.Settings;
import lambert.toolkit.CheckFailedException;
import lambert.toolkit.emulator.Emulation;
import lambert.toolkit.emulator.Emulator;
import lambert.toolkit.emulator.FunctionUrl;
import lambert.toolkit.emulator.InitFailedException;
import lambert.toolkit.models.ModelResolver;
import lambert.toolkit.serve.HttpLimits;
import lambert.toolkit.serve.LocalServer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lambert serve}: the function's handler behind a local HTTP endpoint: POST the request JSON,
 * GET the model information. For curl, for tests of a client, for a container image. Every answer is JSON, protocol
 * errors included; bodies over {@code LAMBERT_MAX_INPUT_BYTES} get 413 as soon as they pass it, slow clients 408 at
 * their deadline (see docs/hardening.md).
 *
 * <pre>{@code
 * lambert serve --model minilm-int8 --port 8080
 * curl -s localhost:8080 -d '{"text": "Hey, how are you?"}'
 * lambert serve --package function-arm64.zip --cpu graviton3
 * }</pre>
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serves the function's handler over HTTP: POST the request JSON, GET the model information.",
            "Settings come from the same LAMBERT_* environment variables as on Lambda.",
            "A zip of another architecture (arm64 here), or one given --cpu, runs in the emulator under qemu-user and is "
                    + "served as a function URL would serve it, one request at a time."})
final class ServeCommand implements Callable<Integer> {
    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = {"-m", "--model"}, paramLabel = "B", description = "A bundle, Hugging Face folder or built-in "
                + "model.")
        String model;

        @Option(names = {"-p", "--package"}, paramLabel = "ZIP", description = "A function zip (its model/ is served).")
        Path zip;
    }

    @Option(names = "--port", paramLabel = "P", defaultValue = "8080", description = "Port (default: ${DEFAULT-VALUE}; "
            + "0 picks a free one).")
    int port;

    @Option(names = "--host", paramLabel = "H", defaultValue = "127.0.0.1",
            description = "Address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 in a container).")
    String host;

    @Option(names = "--cpu", paramLabel = "CPU", description = "Where a --package zip runs: " + CpuOption.HELP)
    String cpu;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "8",
            description = "Requests answered at once (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--max-connections", paramLabel = "N", defaultValue = "128",
            description = "Connections held at once; more wait to be accepted (default: ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(names = "--header-timeout", paramLabel = "S", defaultValue = "10",
            description = "Seconds a request head may take; slower gets 408 and is closed (default: ${DEFAULT-VALUE}).")
    int headerTimeout;

    @Option(names = "--body-timeout", paramLabel = "S", defaultValue = "30",
            description = "Seconds a request body may take; slower gets 408 and is closed (default: ${DEFAULT-VALUE}).")
    int bodyTimeout;

    @Option(names = "--idle-timeout", paramLabel = "S", defaultValue = "30",
            description = "Seconds a kept-alive connection may wait for its next request (default: ${DEFAULT-VALUE}).")
    int idleTimeout;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        positive("--threads", threads);
        positive("--max-connections", maxConnections);
        positive("--header-timeout", headerTimeout);
        positive("--body-timeout", bodyTimeout);
        positive("--idle-timeout", idleTimeout);
        if (source.zip != null && !Files.isRegularFile(source.zip)) {
            throw new java.nio.file.NoSuchFileException(source.zip.toString());
        }
        if (source.zip == null && cpu != null) {
            throw new UsageException("--cpu is for --package (a function zip); a --model is served in this process");
        }
        if (source.zip != null) {
            Emulation emulation = CpuOption.emulation(source.zip, cpu);
            if (emulation.emulated()) {
                return serveEmulated(emulation);
            }
        }
        Path modelDir;
        Path unpacked = null;
        if (source.zip != null) {
            unpacked = Files.createTempDirectory("lambert-serve-");
            lambert.toolkit.emulator.Unzip.into(source.zip, unpacked);
            modelDir = unpacked.resolve("model");
        } else {
            modelDir = new ModelResolver(ModelResolver.defaultHome()).resolve(source.model);
        }
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("LAMBERT_MODEL_DIR", modelDir.toString());
        Settings settings = Settings.from(env);
        Handler handler;
        try {
            handler = new Handler(settings, null);
        } catch (RuntimeException e) {
            deleteUnpacked(unpacked);
            throw e;
        }
        HttpLimits limits = limits(settings);
        LocalServer server;
        try {
            server = LocalServer.start(handler, limits, host, port, threads);
        } catch (java.io.IOException e) {
            handler.model().close();
            deleteUnpacked(unpacked);
            throw new java.io.IOException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Path cleanup = unpacked;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            handler.model().close();
            deleteUnpacked(cleanup);
            stopped.countDown();
        }));
        Terminal t = Terminal.of(spec);
        t.line("lambert serve: " + handler.model().manifest().name() + " on http://" + host + ":" + server.port()
                + "/  (POST JSON, GET model info; Ctrl-C stops)");
        stopped.await();
        return ExitCodes.OK;
    }

    /** The HTTP layer's limits: the request body limit of {@code settings}, this command's timeouts. */
    private HttpLimits limits(Settings settings) {
        return HttpLimits.defaults(settings.limits().maxInputBytes())
                .withTimeouts(Duration.ofSeconds(headerTimeout), Duration.ofSeconds(bodyTimeout),
                        Duration.ofSeconds(idleTimeout))
                .withMaxConnections(maxConnections);
    }

    /** The package in the emulator, behind HTTP as a function URL: for a zip this machine's CPU cannot run. */
    private int serveEmulated(Emulation emulation) throws Exception {
        Terminal t = Terminal.of(spec);
        CpuOption.announce(t, emulation, "");
        HttpLimits limits = limits(Settings.from(System.getenv()));
        FunctionUrl url = new FunctionUrl(Emulator.forPackage(source.zip, emulation, line -> { }));
        LocalServer server;
        try {
            t.progress("starting " + source.zip + " under emulation");
            url.start();
            t.clearProgress();
            server = LocalServer.start(url::answer, limits, host, port, threads);
        } catch (InitFailedException e) {
            url.close();
            throw new CheckFailedException("the function failed to initialise (" + e.errorType() + "): "
                    + e.getMessage());
        } catch (java.io.IOException e) {
            url.close();
            throw new java.io.IOException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            url.close();
            stopped.countDown();
        }));
        t.line("lambert serve: " + source.zip + " (emulated) on http://" + host + ":" + server.port()
                + "/  (POST JSON, GET model info; one request at a time; Ctrl-C stops)");
        stopped.await();
        return ExitCodes.OK;
    }

    private static void deleteUnpacked(Path unpacked) {
        if (unpacked != null) {
            lambert.base.io.Trees.delete(unpacked);
        }
    }

    private static void positive(String option, int value) {
        if (value < 1) {
            throw new UsageException(option + " must be at least 1, found " + value);
        }
    }
}

package lambert.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import lambert.cli.emulator.Emulation;
import lambert.cli.emulator.Emulator;
import lambert.cli.emulator.FunctionUrl;
import lambert.cli.emulator.InitFailedException;
import lambert.cli.models.ModelResolver;
import lambert.lambda.Handler;
import lambert.lambda.Settings;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lambert serve}: the function's handler behind a local HTTP endpoint: POST the request JSON,
 * GET the model information. For curl, for tests of a client, for a container image.
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
            description = "Requests handled at once (default: ${DEFAULT-VALUE}).")
    int threads;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
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
            lambert.cli.emulator.Unzip.into(source.zip, unpacked);
            modelDir = unpacked.resolve("model");
        } else {
            modelDir = new ModelResolver(ModelResolver.defaultHome()).resolve(source.model);
        }
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("LAMBERT_MODEL_DIR", modelDir.toString());
        Handler handler = new Handler(Settings.from(env), null);
        LocalServer server = LocalServer.start(handler, host, port, threads);
        CountDownLatch stopped = new CountDownLatch(1);
        Path cleanup = unpacked;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            handler.model().close();
            if (cleanup != null) {
                lambert.cli.emulator.Unzip.deleteTree(cleanup);
            }
            stopped.countDown();
        }));
        Terminal t = Terminal.of(spec);
        t.line("lambert serve: " + handler.model().manifest().name() + " on http://" + host + ":" + server.port()
                + "/  (POST JSON, GET model info; Ctrl-C stops)");
        stopped.await();
        return ExitCodes.OK;
    }

    /** The package in the emulator, behind HTTP as a function URL: for a zip this machine's CPU cannot run. */
    private int serveEmulated(Emulation emulation) throws Exception {
        Terminal t = Terminal.of(spec);
        CpuOption.announce(t, emulation, "");
        Emulator emulator = CpuOption.emulator(source.zip, emulation, line -> { });
        FunctionUrl url = new FunctionUrl(emulator);
        try {
            t.progress("starting " + source.zip + " under emulation");
            emulator.start();
            t.clearProgress();
        } catch (InitFailedException e) {
            url.close();
            throw new CheckFailedException("the function failed to initialise (" + e.errorType() + "): "
                    + e.getMessage());
        }
        LocalServer server = LocalServer.start(url::answer, host, port, threads);
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
}

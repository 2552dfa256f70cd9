package lambert.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
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
 * }</pre>
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serves the function's handler over HTTP: POST the request JSON, GET the model information.",
            "Settings come from the same LAMBERT_* environment variables as on Lambda."})
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

    @Option(names = "--threads", paramLabel = "N", defaultValue = "8",
            description = "Requests handled at once (default: ${DEFAULT-VALUE}).")
    int threads;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Path modelDir;
        Path unpacked = null;
        if (source.zip != null) {
            if (!Files.isRegularFile(source.zip)) {
                throw new java.nio.file.NoSuchFileException(source.zip.toString());
            }
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
}

package lambert.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import lambert.base.json.Json;
import lambert.lambda.Handler;
import lambert.lambda.Settings;
import lambert.runtime.task.Embedding;
import lambert.runtime.task.Parameters;
import lambert.runtime.testing.TestModels;
import lambert.runtime.bundle.ModelBundle;
import lambert.toolkit.packaging.CpuArch;
import lambert.toolkit.packaging.Packager;
import lambert.toolkit.serve.HttpLimits;
import lambert.toolkit.serve.LocalServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code lambert batch --url} against {@code lambert serve}'s server with the real all-MiniLM-L6-v2 int8 model in this
 * JVM: the vectors equal the model's own for the same texts, in input order; a run killed with SIGKILL in its own JVM
 * resumes to a file byte-identical to an uninterrupted run's; {@code --max-cost} and {@code --dry-run}. No assertion on
 * time.
 */
class BatchCommandTest {
    private static Handler handler;
    private static LocalServer server;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        handler = new Handler(Settings.from(Map.of("LAMBERT_MODEL_DIR", TestModels.minilmInt8().toString())), null);
        server = LocalServer.start(handler, HttpLimits.defaults(1 << 20).withTimeouts(Duration.ofSeconds(30),
                Duration.ofSeconds(30), Duration.ofSeconds(120)), "127.0.0.1", 0, 4);
    }

    @AfterAll
    static void stop() {
        server.close();
        handler.model().close();
    }

    private static String url() {
        return "http://127.0.0.1:" + server.port() + "/";
    }

    private static List<String> texts(int n) {
        String[] words = {"river", "engine", "quiet", "market", "green", "violin", "storm", "ledger", "orbit", "bread"};
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add("Sentence " + i + " about the " + words[i % 10] + " and the " + words[(i / 10) % 10] + ".");
        }
        return out;
    }

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = Lambert.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void batch_serveWithTheRealModel_givesTheModelsVectorsInInputOrder() throws Exception {
        List<String> texts = texts(5000);
        Path in = dir.resolve("texts.txt");
        Files.write(in, texts);
        Path jsonl = dir.resolve("out.jsonl");
        Path npy = dir.resolve("out.npy");
        assertThat(run("batch", "--url", url(), "--in", in.toString(), "--out", jsonl.toString(), "--npy",
                npy.toString(), "--concurrency", "2", "--texts-per-request", "64")).as(err.toString()).isZero();
        assertThat(out.toString()).contains("5000 accounted for: 5000 done, 0 rejected");
        List<String> lines = Files.readAllLines(jsonl);
        assertThat(lines).hasSize(5000);
        byte[] matrix = Files.readAllBytes(npy);
        ByteBuffer data = ByteBuffer.wrap(matrix, 128, matrix.length - 128).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(new String(matrix, 10, 118, StandardCharsets.US_ASCII)).contains("'shape': (5000, 384)");
        ByteBuffer expectedNpy = data;
        double worst = worstDifference(texts, lines, 64, v -> assertThat(expectedNpy.getFloat()).isEqualTo(v));
        // the same texts in the same requests of 64: the same micro-batches, so the same floats
        assertThat(worst).isZero();
    }

    @Test
    void batch_package_givesTheModelsVectorsFromTwoEmulatedEnvironments() throws Exception {
        // The whole --package path: the zip packaged from the same model, two environments through AWS's runtime
        // interface client in the emulator, the driver putting their answers back in input order.
        Path zip = dir.resolve("function.zip");
        Packager.build(ModelBundle.open(TestModels.minilmInt8()), CpuArch.X86_64, zip);
        List<String> texts = texts(300);
        Path in = dir.resolve("texts.txt");
        Files.write(in, texts);
        Path jsonl = dir.resolve("out.jsonl");
        assertThat(run("batch", "--package", zip.toString(), "--environments", "2", "--in", in.toString(), "--out",
                jsonl.toString(), "--texts-per-request", "32", "--timeout", "600")).as(err.toString()).isZero();
        assertThat(out.toString()).contains("300 accounted for: 300 done, 0 rejected");
        List<String> lines = Files.readAllLines(jsonl);
        assertThat(lines).hasSize(300);
        double worst = worstDifference(texts, lines, 32, v -> { });
        // the same model, the same requests of 32, the same CPU: the function answers what the model answers here
        assertThat(worst).isLessThanOrEqualTo(1e-6);
    }

    /**
     * The largest difference between the JSONL answers and the model's own vectors for the same texts in the same
     * requests of {@code perRequest}; checks each line's number and size, and hands every answered float, in order,
     * to {@code eachFloat}.
     */
    private static double worstDifference(List<String> texts, List<String> lines, int perRequest,
            java.util.function.Consumer<Float> eachFloat) throws Exception {
        double worst = 0;
        for (int from = 0; from < texts.size(); from += perRequest) {
            List<String> batch = texts.subList(from, Math.min(texts.size(), from + perRequest));
            var predictions = handler.model().predict(batch, Parameters.defaults()).predictions();
            for (int i = 0; i < batch.size(); i++) {
                float[] expected = ((Embedding) predictions.get(i)).vector();
                Map<?, ?> line = (Map<?, ?>) Json.parse(lines.get(from + i).getBytes(StandardCharsets.UTF_8));
                assertThat(line.get("line")).isEqualTo((long) (from + i + 1));
                List<?> got = (List<?>) line.get("embedding");
                assertThat(got).hasSize(384);
                for (int j = 0; j < 384; j++) {
                    float v = ((Number) got.get(j)).floatValue();
                    eachFloat.accept(v);
                    worst = Math.max(worst, Math.abs(v - expected[j]));
                }
            }
        }
        return worst;
    }

    @Test
    void batch_killedWithSigkill_resumesToTheSameBytesAsAnUninterruptedRun() throws Exception {
        List<String> texts = new ArrayList<>(texts(1500));
        texts.set(700, "");
        Path in = dir.resolve("texts.txt");
        Files.write(in, texts);
        Path whole = dir.resolve("whole.jsonl");
        assertThat(run("batch", "--url", url(), "--in", in.toString(), "--out", whole.toString(), "--concurrency", "2",
                "--texts-per-request", "4")).as(err.toString()).isEqualTo(1); // the empty line is rejected

        Path outFile = dir.resolve("out.jsonl");
        Path progress = dir.resolve("out.jsonl.progress");
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), Lambert.class.getName(), "batch", "--url", url(), "--in",
                in.toString(), "--out", outFile.toString(), "--concurrency", "2", "--texts-per-request", "4");
        Process child = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("child.txt").toFile()).start();
        long recorded = 0;
        for (int i = 0; i < 12_000 && child.isAlive(); i++) {
            recorded = Files.exists(progress) ? Files.readAllLines(progress).size() - 1 : 0;
            if (recorded >= 40) {
                break;
            }
            Thread.sleep(10);
        }
        assertThat(child.isAlive()).as("the child was still running when killed: " + recorded
                + " chunks recorded").isTrue();
        child.destroyForcibly(); // SIGKILL: no shutdown hook runs
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).isEqualTo(137);
        assertThat(outFile).doesNotExist();
        long chunks = Files.readAllLines(progress).size() - 1;
        assertThat(chunks).isBetween(40L, 374L);

        assertThat(run("batch", "--url", url(), "--in", in.toString(), "--out", outFile.toString(), "--concurrency",
                "2", "--texts-per-request", "4", "--resume")).as(err.toString()).isEqualTo(1);
        assertThat(Files.readAllBytes(outFile)).isEqualTo(Files.readAllBytes(whole));
        assertThat(Files.readAllBytes(dir.resolve("out.rejects.jsonl")))
                .isEqualTo(Files.readAllBytes(dir.resolve("whole.rejects.jsonl")));
        assertThat(progress).doesNotExist();
        assertThat(out.toString()).contains("1500 accounted for: 1499 done, 1 rejected");
    }

    @Test
    void batch_maxCost_stopsBeforePassingItAndSaysHowFarItGot() throws Exception {
        Path in = dir.resolve("texts.txt");
        Files.write(in, texts(400));
        Path outFile = dir.resolve("out.jsonl");
        assertThat(run("batch", "--url", url(), "--in", in.toString(), "--out", outFile.toString(), "--concurrency",
                "1", "--texts-per-request", "4", "--max-cost", "0.0000025")).as(err.toString()).isEqualTo(1);
        assertThat(out.toString()).contains("stopped before passing the cost limit of $0.0000")
                .contains("--resume continues after line");
        assertThat(outFile).doesNotExist();
        assertThat(dir.resolve("out.jsonl.progress")).exists();
    }

    @Test
    void batch_dryRun_printsThePlanAndWritesNothing() throws Exception {
        Path in = dir.resolve("texts.txt");
        Files.write(in, texts(100));
        Path outFile = dir.resolve("out.jsonl");
        assertThat(run("batch", "--url", url(), "--in", in.toString(), "--out", outFile.toString(), "--model",
                TestModels.minilmInt8().toString(), "--texts-per-request", "10", "--dry-run")).as(err.toString())
                .isZero();
        assertThat(out.toString()).contains("100 lines: 100 texts in 10 requests").contains("tokens counted exactly")
                .contains("expect    about");
        assertThat(outFile).doesNotExist();
        assertThat(dir.resolve("out.jsonl.progress")).doesNotExist();
    }

    @Test
    void batch_badInput_isOneLineNamingTheFileLineAndOption() throws Exception {
        Path in = dir.resolve("texts.jsonl");
        Files.writeString(in, "{\"body\": \"x\"}\n");
        assertThat(run("batch", "--url", url(), "--in", in.toString(), "--out", dir.resolve("o.jsonl").toString()))
                .isEqualTo(2);
        assertThat(err.toString().strip()).isEqualTo("lambert: " + in + " line 1 (from byte 0) has no string \"text\" "
                + "(--field), found none: its fields are [body]");
    }
}

package lambert.toolkit.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import lambert.base.io.Trees;
import lambert.base.json.Json;
import lambert.runtime.Model;
import lambert.runtime.ModelOptions;
import lambert.runtime.testing.TestModels;
import lambert.runtime.tokenize.NativeTokenizer;
import lambert.runtime.tokenize.TextTokenizer;
import lambert.toolkit.packaging.FunctionConfig;
import lambert.toolkit.verify.Answers;
import lambert.toolkit.verify.PackageAnswers;
import lambert.toolkit.verify.Thresholds;
import lambert.toolkit.verify.Verifier;
import lambert.toolkit.verify.VerifyReport;
import lambert.toolkit.verify.VerifyTexts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What the packaged real model must do in the emulator whichever Lambda runtime runs it: answer direct, batch and
 * HTTP events as Lambda would, answer bad input instead of crashing, report a failed INIT as Lambda does, and give the
 * answers of the bundle it was built from. {@link EmulatorTest} runs these on the managed runtime (java21, AWS's
 * runtime interface client), {@link CustomRuntimeContractTest} on {@code provided.al2023} (lambert's JDK image, cache
 * and Runtime API loop), so the custom runtime passes every test of the function's behaviour the managed one passes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class FunctionContract {
    /** Lines the shared environment printed: Lambda's, and the function's own log. */
    final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    private Path scratch;
    private Emulator emulator;

    /** The package under test; built or found by the subclass, in its own {@code @BeforeAll}. */
    abstract Path zip();

    /** The environment {@code function.json} gives the function on this runtime (its JVM options on java21). */
    abstract Map<String, String> environment();

    @BeforeAll
    void scratch() throws IOException {
        scratch = Files.createTempDirectory("lambert-function-contract");
    }

    @AfterAll
    void stopContract() throws IOException {
        if (emulator != null) {
            emulator.close();
        }
        Trees.delete(scratch);
    }

    /** The environment the contract's events go to, started (a cold start) on first use, with a 4 KB input limit. */
    synchronized Emulator emulator() throws IOException, InitFailedException {
        if (emulator == null) {
            Map<String, String> env = new HashMap<>(environment());
            env.put("LAMBERT_MAX_INPUT_BYTES", "4096");
            emulator = new Emulator(zip(), FunctionConfig.HANDLER, env, 1769, 30, lines::add, RuntimeJars.locate());
            emulator.start();
        }
        return emulator;
    }

    /** Another environment of the same package, as a test of its own needs one. */
    private Emulator fresh() {
        return new Emulator(zip(), FunctionConfig.HANDLER, environment(), 1769, 30, l -> { }, RuntimeJars.locate());
    }

    @Test
    void emulate_directTextAnswersWithLambdaLines() throws Exception {
        Report r = emulator().invoke("{\"text\": \"Hey, how are you?\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(r.status()).isEqualTo("success");
        Map<?, ?> body = parse(r.response());
        assertThat((List<?>) body.get("embedding")).hasSize(384);
        assertThat(r.maxMemoryUsedMb()).isPositive();
        assertThat(lines).anyMatch(l -> l.startsWith("START RequestId: " + r.requestId()));
        assertThat(lines).anyMatch(l -> l.startsWith("REPORT RequestId: " + r.requestId() + "\tDuration: "));
        // the function's own log line comes through the log pump, which a busy machine may run late
        EmulatorTest.awaitLine(lines, l -> l.contains("\"requestId\":\"" + r.requestId() + "\""));
    }

    @Test
    void emulate_batchAnswersInOrder() throws Exception {
        Map<?, ?> body = parse(emulator().invoke("{\"texts\": [\"one\", \"two\", \"three\"]}"
                .getBytes(StandardCharsets.UTF_8)).response());
        assertThat((List<?>) body.get("results")).hasSize(3);
    }

    @Test
    void emulate_httpEventsGetHttpResponses() throws Exception {
        for (String event : List.of("apigw-rest.json", "apigw-http.json", "function-url.json", "alb.json",
                "vpc-lattice-v1.json", "vpc-lattice-v2.json")) {
            Report r = emulator().invoke(event(event).getBytes(StandardCharsets.UTF_8));
            Map<?, ?> response = parse(r.response());
            assertThat(response.get("statusCode")).as(event).isEqualTo(200L);
            assertThat((String) response.get("body")).as(event).contains("\"task\":\"embed\"");
        }
    }

    @Test
    void emulate_badInputIsAnsweredNotCrashed() throws Exception {
        Emulator e = emulator();
        assertThat(parse(e.invoke("not json".getBytes(StandardCharsets.UTF_8)).response()).get("errorType"))
                .isEqualTo("InvalidRequest");
        assertThat(parse(e.invoke("{\"text\": \"\"}".getBytes(StandardCharsets.UTF_8)).response())
                .get("field")).isEqualTo("text");
        assertThat(parse(e.invoke("{\"text\": \"bad \\ud800\"}".getBytes(StandardCharsets.UTF_8))
                .response()).get("errorType")).isEqualTo("InvalidRequest");
        Map<?, ?> tooLarge = parse(e.invoke(event("apigw-rest.json").replace("Hey, how are you?",
                "x".repeat(5000)).getBytes(StandardCharsets.UTF_8)).response());
        assertThat(tooLarge.get("statusCode")).isEqualTo(413L);
        Map<?, ?> wrongMethod = parse(e.invoke(event("apigw-rest.json").replace("\"httpMethod\": \"POST\"",
                "\"httpMethod\": \"DELETE\"").getBytes(StandardCharsets.UTF_8)).response());
        assertThat(wrongMethod.get("statusCode")).isEqualTo(405L);
        // still serving after all of that
        assertThat(e.invoke("{\"text\": \"ok\"}".getBytes(StandardCharsets.UTF_8)).status()).isEqualTo("success");
    }

    @Test
    void emulate_handlerThatFailsInInitIsReportedLikeLambda() throws Exception {
        Path broken = PackageContents.edited(zip(), scratch.resolve("broken.zip"), Map.of("model/tokenizer.json",
                old -> "{}".getBytes(StandardCharsets.UTF_8)));
        List<String> out = Collections.synchronizedList(new ArrayList<>());
        try (Emulator failing = new Emulator(broken, FunctionConfig.HANDLER, environment(), 1769, 30, out::add,
                RuntimeJars.locate())) {
            assertThatThrownBy(failing::start).isInstanceOf(InitFailedException.class)
                    .hasMessageContaining("tokenizer.json does not match its hash");
        }
        assertThat(out).anyMatch(l -> l.startsWith("INIT_REPORT Init Duration: ") && l.contains("Status: error"));
    }

    @Test
    void verify_packageAgainstTheBundleItWasBuiltFrom_answersAlike() throws Exception {
        try (Model model = Model.open(TestModels.minilmInt8(), ModelOptions.defaults());
                Answers bundle = Answers.of(model);
                Answers zip = new PackageAnswers(zip(), fresh())) {
            List<String> texts = VerifyTexts.spread(8);
            VerifyReport r = Verifier.compare(bundle, zip, texts, 3);
            assertThat(r.texts()).isEqualTo(8);
            // the same model, library and CPU: only the process differs
            assertThat(r.minCosine()).isGreaterThan(0.99999);
            assertThat(Thresholds.platform(true).failures(r)).isEmpty();
            assertThat(zip.describe()).contains("x86_64 on this machine's CPU");
        }
    }

    /**
     * The package tokenizes in Java (it has no libtokenizers.so); the bundle, opened here with the Hugging Face library
     * ({@code LAMBERT_TOKENIZER=native}), is the reference: the same model on the same tokens gives the same vectors.
     */
    @Test
    void emulate_packageWithoutTheTokenizerLibraryAnswersAsTheLibraryTokenizedBundle() throws Exception {
        Model model;
        System.setProperty(TextTokenizer.SWITCH, "native");
        try {
            model = Model.open(TestModels.minilmInt8(), ModelOptions.defaults());
        } finally {
            System.clearProperty(TextTokenizer.SWITCH);
        }
        try (model; Answers bundle = Answers.of(model); Answers zip = new PackageAnswers(zip(), fresh())) {
            assertThat(model.tokenizer()).isInstanceOf(NativeTokenizer.class);
            VerifyReport r = Verifier.compare(bundle, zip, VerifyTexts.spread(24), 8);
            assertThat(r.texts()).isEqualTo(24);
            assertThat(r.minCosine()).isGreaterThan(0.99999);
            assertThat(Thresholds.platform(true).failures(r)).isEmpty();
        }
    }

    static Map<?, ?> parse(byte[] json) throws Exception {
        return (Map<?, ?>) Json.parse(json);
    }

    static String event(String name) throws IOException {
        try (InputStream in = FunctionContract.class.getResourceAsStream("/events/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}

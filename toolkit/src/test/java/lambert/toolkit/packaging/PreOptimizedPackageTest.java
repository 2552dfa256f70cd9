package lambert.toolkit.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.io.InputStream;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipFile;
import lambert.base.json.Json;
import lambert.runtime.bundle.Checksums;
import lambert.runtime.testing.TestModels;
import lambert.runtime.tokenize.TextTokenizer;
import lambert.runtime.tokenize.Tokens;
import lambert.toolkit.verify.VerifyTexts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A package ships its model saved optimised by ONNX Runtime ({@link PreOptimizedModel}): the zip's manifest says
 * {@code extended}, and the zip's file loaded with no optimisation answers exactly as the bundle's original file run
 * by ONNX Runtime directly (its own Java API, default session options: full optimisation) on the real all-MiniLM-L6-v2
 * int8, every value of {@code last_hidden_state}, on texts other than the ones the package-time check used. The
 * opt-out ships the original bytes and says {@code none}. (Built twice, the package is byte-identical:
 * {@code EmulatorTest.package_isByteIdenticalWhenBuiltTwice}.)
 */
class PreOptimizedPackageTest {
    @TempDir
    Path dir;

    @Test
    void build_shipsTheModelPreOptimisedAnsweringExactlyAsTheOriginal() throws Exception {
        Path bundle = TestModels.minilmInt8();
        PackageReport report = Packager.build(lambert.runtime.bundle.ModelBundle.open(bundle), CpuArch.X86_64,
                dir.resolve("function.zip"));
        assertThat(report.modelOptimization()).startsWith("extended (saved optimised by ONNX Runtime at package time");
        Path shipped = dir.resolve("shipped.ort");
        Map<?, ?> manifest = extract(report.zip(), shipped);
        assertThat(manifest.get("optimization")).isEqualTo("extended");
        assertThat(((Map<?, ?>) manifest.get("sha256")).get("model.ort")).isEqualTo(Checksums.sha256(shipped))
                .isNotEqualTo(Checksums.sha256(bundle.resolve("model.onnx")));

        // Texts the package-time check did not use (it takes PreOptimizedModel.CHECK_TEXTS spread over the set).
        List<String> texts = VerifyTexts.builtIn().subList(1, 41);
        List<Tokens> tokens = new ArrayList<>();
        try (TextTokenizer tokenizer = TextTokenizer.load(bundle.resolve("tokenizer.json"), 256)) {
            for (String text : texts) {
                tokens.add(tokenizer.encode(text));
            }
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        int compared = 0;
        try (OrtSession.SessionOptions full = new OrtSession.SessionOptions();
                OrtSession.SessionOptions none = new OrtSession.SessionOptions()) {
            none.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            full.setIntraOpNumThreads(1);
            none.setIntraOpNumThreads(1);
            try (OrtSession original = env.createSession(bundle.resolve("model.onnx").toString(), full);
                    OrtSession optimised = env.createSession(shipped.toString(), none)) {
                for (int i = 0; i < tokens.size(); i++) {
                    float[][][] expected = run(env, original, tokens.get(i));
                    float[][][] actual = run(env, optimised, tokens.get(i));
                    assertThat(actual).as("text %d: %s", i, texts.get(i)).isDeepEqualTo(expected);
                    compared += expected[0].length * expected[0][0].length;
                }
            }
        }
        assertThat(compared).isGreaterThan(40 * 384);
    }

    @Test
    void build_withoutPreOptimisationShipsTheBundlesOwnFile() throws Exception {
        Path bundle = TestModels.minilmInt8();
        PackageReport report = Packager.build(lambert.runtime.bundle.ModelBundle.open(bundle), CpuArch.X86_64,
                "java21", false, dir.resolve("raw/function.zip"));
        assertThat(report.modelOptimization()).startsWith("none (pre-optimisation turned off");
        Path shipped = dir.resolve("raw.onnx");
        Map<?, ?> manifest = extract(report.zip(), shipped);
        assertThat(manifest.get("optimization")).isEqualTo("none");
        assertThat(Checksums.sha256(shipped)).isEqualTo(Checksums.sha256(bundle.resolve("model.onnx")));
    }

    @Test
    void make_damagedKeptFileIsMadeAgainAndStillAnswersExactly() throws Exception {
        lambert.runtime.bundle.ModelBundle bundle = lambert.runtime.bundle.ModelBundle.open(TestModels.minilmInt8());
        lambert.runtime.bundle.Manifest complete = completeManifest(bundle);
        Path store = dir.resolve("store");
        PreOptimizedModel.Result first = PreOptimizedModel.make(bundle, complete,
                Files.createDirectories(dir.resolve("work1")), store);
        assertThat(first.shipped()).isTrue();
        assertThat(first.file().getParent()).isEqualTo(store);
        byte[] good = Files.readAllBytes(first.file());
        byte[] damaged = java.util.Arrays.copyOf(good, good.length / 3); // cut short: ONNX Runtime refuses it
        Files.write(first.file(), damaged);

        PreOptimizedModel.Result again = PreOptimizedModel.make(bundle, complete,
                Files.createDirectories(dir.resolve("work2")), store);
        assertThat(again.shipped()).isTrue();
        assertThat(again.maxAbsDiff()).isZero();
        assertThat(Files.size(again.file())).isGreaterThan(damaged.length);
    }

    @Test
    void make_storeThatCannotBeWrittenStillShipsTheCheckedFile() throws Exception {
        lambert.runtime.bundle.ModelBundle bundle = lambert.runtime.bundle.ModelBundle.open(TestModels.minilmInt8());
        Path notAFolder = Files.writeString(dir.resolve("store-file"), "a file where the store should be");
        Path work = Files.createDirectories(dir.resolve("work"));
        PreOptimizedModel.Result result = PreOptimizedModel.make(bundle, completeManifest(bundle), work,
                notAFolder.resolve("ort"));
        assertThat(result.shipped()).isTrue();
        assertThat(result.file().getParent()).isEqualTo(work);
        assertThat(result.maxAbsDiff()).isZero();
    }

    private static lambert.runtime.bundle.Manifest completeManifest(lambert.runtime.bundle.ModelBundle bundle) {
        try (lambert.runtime.Model model = lambert.runtime.Model.open(bundle,
                lambert.runtime.ModelOptions.defaults())) {
            return model.manifest();
        }
    }

    @Test
    void make_whenOnnxRuntimeCannotWriteTheOptimisedFileTheRawOneShipsWithTheReason() throws Exception {
        lambert.runtime.bundle.ModelBundle bundle = lambert.runtime.bundle.ModelBundle.open(TestModels.minilmInt8());
        lambert.runtime.bundle.Manifest complete = completeManifest(bundle);
        Path notAFolder = Files.writeString(dir.resolve("file.txt"), "a file where a folder is needed");
        PreOptimizedModel.Result result = PreOptimizedModel.make(bundle, complete, notAFolder.resolve("work"),
                notAFolder.resolve("store"));
        assertThat(result.shipped()).isFalse();
        assertThat(result.file()).isNull();
        assertThat(result.failure()).contains("file.txt");
    }

    /**
     * Writes the zip's model file to {@code model} and returns its parsed {@code model/lambert.json}: {@code model.ort}
     * when {@code model} is named {@code *.ort} (what pre-optimisation ships), else {@code model.onnx}.
     */
    private static Map<?, ?> extract(Path zip, Path model) throws Exception {
        String entry = model.getFileName().toString().endsWith(".ort") ? "model/model.ort" : "model/model.onnx";
        try (ZipFile z = new ZipFile(zip.toFile())) {
            try (InputStream in = z.getInputStream(z.getEntry(entry))) {
                Files.copy(in, model);
            }
            try (InputStream in = z.getInputStream(z.getEntry("model/lambert.json"))) {
                return (Map<?, ?>) Json.parse(in.readAllBytes());
            }
        }
    }

    private static float[][][] run(OrtEnvironment env, OrtSession session, Tokens tokens) throws Exception {
        long[] shape = {1, tokens.length()};
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            inputs.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(tokens.ids()), shape));
            long[] mask = new long[tokens.length()];
            java.util.Arrays.fill(mask, 1);
            inputs.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
            inputs.put("token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(tokens.typeIds()), shape));
            try (OrtSession.Result result = session.run(inputs)) {
                return (float[][][]) result.get("last_hidden_state").orElseThrow().getValue();
            }
        } finally {
            for (OnnxTensor t : inputs.values()) {
                t.close();
            }
        }
    }
}

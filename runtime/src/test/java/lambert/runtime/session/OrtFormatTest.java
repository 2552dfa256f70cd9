package lambert.runtime.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import lambert.runtime.api.Embeddings;
import lambert.runtime.bundle.BundleWriter;
import lambert.runtime.bundle.Manifest;
import lambert.runtime.bundle.ModelBundle;
import lambert.runtime.testing.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bundles whose model is in ONNX Runtime's own format ({@code model.ort}, saved optimised at the extended level by
 * ONNX Runtime itself) answer as the ONNX export they were made from, run by ONNX Runtime from the ONNX file, and
 * as sentence-transformers publishes; a damaged file is refused with ONNX Runtime's reason.
 */
class OrtFormatTest {
    /** Texts of all-MiniLM-L6-v2's published pairs, plus a long one and a batch-mate of mixed length. */
    private static final List<String> TEXTS = List.of("The new movie is awesome", "The new movie is so great",
            "The dog plays in the garden", "A man is playing guitar", "A woman watches TV",
            "The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium.",
            "Memory-mapped weights let a session start without copying the model: the bytes the file holds are the "
                    + "bytes the kernels read, once the operating system has paged them in.");

    static List<Arguments> exports() {
        return List.of(Arguments.of("fp32", TestModels.minilm()), Arguments.of("int8", TestModels.minilmInt8()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("exports")
    void open_ortFormatBundleAnswersAsTheOnnxExport(String name, Path export, @TempDir Path dir) throws Exception {
        Path bundle = ortBundle(export, dir);
        assertThat(ModelBundle.open(bundle).manifest().modelFile()).isEqualTo("model.ort");
        try (Embeddings onnx = Embeddings.open(export); Embeddings ort = Embeddings.open(bundle)) {
            List<float[]> expected = onnx.embed(TEXTS);
            List<float[]> actual = ort.embed(TEXTS);
            List<float[]> alone = new ArrayList<>();
            for (String text : TEXTS) {
                alone.add(ort.embed(text));
            }
            for (int i = 0; i < TEXTS.size(); i++) {
                assertThat(actual.get(i)).as(TEXTS.get(i)).hasSize(384).containsExactly(expected.get(i),
                        within(1e-5f));
                assertThat(alone.get(i)).as(TEXTS.get(i)).hasSize(384).containsExactly(
                        onnx.embed(TEXTS.get(i)), within(1e-5f));
            }
        }
    }

    @ParameterizedTest(name = "{0} / {1}")
    @MethodSource("lambert.runtime.testing.TestModels#minilmPublishedSimilarities")
    void embed_ortFormatMiniLmMatchesPublishedSimilarities(String a, String b, double published, @TempDir Path dir)
            throws Exception {
        try (Embeddings ort = Embeddings.open(ortBundle(TestModels.minilm(), dir))) {
            assertThat(Embeddings.similarity(ort.embed(a), ort.embed(b))).isCloseTo(published, within(0.002));
        }
    }

    @Test
    void open_truncatedOrtFileIsASessionExceptionNamingOnnxRuntimesReason(@TempDir Path dir) throws Exception {
        Path whole = dir.resolve("whole.ort");
        save(TestModels.minilm().resolve("model.onnx"), whole);
        Path cut = dir.resolve("model.ort");
        byte[] bytes = Files.readAllBytes(whole);
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length / 3));
        assertThatThrownBy(() -> OnnxSession.open(cut, new EngineOptions(1, false, Optimization.AUTO), true))
                .isInstanceOf(SessionException.class).hasMessageContaining("ORT");
    }

    @Test
    void isOrtFormat_goesByTheFileName() {
        assertThat(OnnxSession.isOrtFormat(Path.of("b", "model.ort"))).isTrue();
        assertThat(OnnxSession.isOrtFormat(Path.of("b", "model.onnx"))).isFalse();
        assertThat(OnnxSession.isOrtFormat(Path.of("model.ort.onnx"))).isFalse();
    }

    /** A bundle like {@code export}'s, its model saved by ONNX Runtime in its own format at the extended level. */
    private static Path ortBundle(Path export, Path dir) throws Exception {
        Path ort = dir.resolve("saved.ort");
        save(export.resolve("model.onnx"), ort);
        Manifest manifest = ModelBundle.open(export).manifest().withOptimization("extended", "model.ort");
        Path bundle = dir.resolve("bundle");
        BundleWriter.write(bundle, manifest, Map.of("model.ort", BundleWriter.file(ort), "tokenizer.json",
                BundleWriter.file(export.resolve("tokenizer.json"))), false);
        return bundle;
    }

    /** What lambert's optimiser does, written here with ONNX Runtime's own API (runtime has no optimiser). */
    private static void save(Path onnx, Path ort) throws Exception {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.EXTENDED_OPT);
            options.setOptimizedModelFilePath(ort.toString());
            options.addConfigEntry("session.save_model_format", "ORT");
            OrtEnvironment.getEnvironment().createSession(onnx.toString(), options).close();
        }
    }
}

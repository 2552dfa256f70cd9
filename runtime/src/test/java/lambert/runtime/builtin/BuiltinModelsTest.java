package lambert.runtime.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import lambert.runtime.api.Embeddings;
import lambert.runtime.bundle.BundleException;
import lambert.runtime.bundle.ModelBundle;
import lambert.runtime.bundle.Pooling;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The built-in bge-small-en and e5-small, materialised from their Maven artifacts, against an independent
 * reference: the same ONNX export run directly in ONNX Runtime with Hugging Face's tokenizer (DJL), pooled here by
 * hand the way each model's authors pool (CLS for bge, the masked mean for e5), and normalised. No author publishes
 * similarity figures for these two that could be found offline; the model cards' own retrieval examples are
 * checked for their ranking.
 */
class BuiltinModelsTest {
    private static final List<String> TEXTS = List.of("The new movie is awesome",
            "query: how much protein should a female eat",
            "Represent this sentence for searching relevant passages: summit define",
            "Les modèles multilingues ne sont pas tous égaux. 東京は日本の首都です。",
            "word ".repeat(600));

    /** One cache for the class: each model is materialised once (133 MB each), as a service's cache would be. */
    @TempDir
    static Path home;

    @ParameterizedTest
    @ValueSource(strings = {"bge-small-en", "e5-small"})
    void materialise_answersLikeTheExportPooledAsItsAuthorsPool(String name) throws Exception {
        BuiltinModel builtin = BuiltinModel.named(name);
        Path folder = new BuiltinModels(home).materialise(builtin);
        assertThat(ModelBundle.open(folder).manifest().pooling()).isEqualTo(builtin.pooling());
        List<float[]> expected = reference(builtin, TEXTS);
        try (Embeddings model = Embeddings.open(folder)) {
            assertThat(model.dimension()).isEqualTo(384);
            assertThat(model.maxLength()).isEqualTo(512);
            List<float[]> actual = model.embed(TEXTS);
            for (int i = 0; i < TEXTS.size(); i++) {
                assertThat(Embeddings.similarity(actual.get(i), expected.get(i))).as("text %d", i)
                        .isCloseTo(1.0, within(1e-5));
                for (int d = 0; d < 384; d++) {
                    assertThat(actual.get(i)[d]).as("text %d dim %d", i, d).isCloseTo(expected.get(i)[d], within(2e-4f));
                }
            }
        }
    }

    /** e5-small-v2's model card example: each query is closest to its own passage, with the prefixes it expects. */
    @Test
    void e5Small_modelCardQueriesFindTheirPassages() {
        BuiltinModel e5 = BuiltinModel.E5_SMALL;
        assertThat(e5.queryPrefix()).isEqualTo("query: ");
        assertThat(e5.passagePrefix()).isEqualTo("passage: ");
        try (Embeddings model = Embeddings.open(new BuiltinModels(home).materialise(e5))) {
            float[] protein = model.embed(e5.queryPrefix() + "how much protein should a female eat");
            float[] summit = model.embed(e5.queryPrefix() + "summit define");
            float[] proteinPassage = model.embed(e5.passagePrefix() + "As a general guideline, the CDC's average "
                    + "requirement of protein for women ages 19 to 70 is 46 grams per day. But, as you can see from "
                    + "this chart, you'll need to increase that if you're expecting or training for a marathon. Check "
                    + "out the chart below to see how much protein you should be eating each day.");
            float[] summitPassage = model.embed(e5.passagePrefix() + "Definition of summit for English Language "
                    + "Learners. : 1  the highest point of a mountain : the top of a mountain. : 2  the highest level. "
                    + ": 3  a meeting or series of meetings between the leaders of two or more governments.");
            assertThat(Embeddings.similarity(protein, proteinPassage))
                    .isGreaterThan(Embeddings.similarity(protein, summitPassage));
            assertThat(Embeddings.similarity(summit, summitPassage))
                    .isGreaterThan(Embeddings.similarity(summit, proteinPassage));
        }
    }

    /** bge's query instruction, as its model card gives it, with a passage that answers it and one that does not. */
    @Test
    void bgeSmall_instructedQueryFindsItsPassage() {
        BuiltinModel bge = BuiltinModel.BGE_SMALL_EN;
        assertThat(bge.queryPrefix()).isEqualTo("Represent this sentence for searching relevant passages: ");
        assertThat(bge.pooling()).isEqualTo(Pooling.CLS);
        try (Embeddings model = Embeddings.open(new BuiltinModels(home).materialise(bge))) {
            float[] query = model.embed(bge.queryPrefix() + "how much protein should a female eat");
            float[] answer = model.embed("Women ages 19 to 70 need about 46 grams of protein per day.");
            float[] other = model.embed("The summit is the highest point of a mountain.");
            assertThat(Embeddings.similarity(query, answer)).isGreaterThan(Embeddings.similarity(query, other));
        }
    }

    @Test
    void materialise_secondCallReusesTheBundle(@TempDir Path own) throws Exception {
        BuiltinModels cache = new BuiltinModels(own);
        Path first = cache.materialise(BuiltinModel.MINILM);
        long written = Files.getLastModifiedTime(first.resolve("model.onnx")).toMillis();
        assertThat(cache.isMaterialised(BuiltinModel.MINILM)).isTrue();
        assertThat(cache.materialise(BuiltinModel.MINILM)).isEqualTo(first);
        assertThat(Files.getLastModifiedTime(first.resolve("model.onnx")).toMillis()).isEqualTo(written);
    }

    @Test
    void materialise_missingArtifactNamesTheDependency() {
        BuiltinModel absent = new BuiltinModel("absent", "absent-model", "absent (com.example:absent-model)",
                "no-such-model.onnx", "no-such-tokenizer.json", "none", Pooling.MEAN, 128, "", "");
        assertThatThrownBy(() -> new BuiltinModels(home).materialise(absent))
                .isInstanceOf(BundleException.class)
                .hasMessageContaining("needs no-such-model.onnx on the classpath")
                .hasMessageContaining("com.example:absent-model");
        assertThat(home.resolve("models").resolve("absent")).doesNotExist();
    }

    @Test
    void materialise_modelMadeByARecipeIsFoundNotMadeAndNamesItsSource() {
        // minilm-int8 is quantised by the toolkit; the runtime carries no quantiser, so it says where to make it
        assertThat(BuiltinModel.MINILM_INT8.recipe().source()).isEqualTo(BuiltinModel.MINILM);
        assertThatThrownBy(() -> new BuiltinModels(home).materialise(BuiltinModel.MINILM_INT8))
                .isInstanceOf(BundleException.class)
                .hasMessageContaining("is made from minilm by lambert's quantiser")
                .hasMessageContaining(home.resolve("models").resolve("minilm-int8-blockwise32-l4-r1").toString());
        assertThat(home.resolve("models").resolve("minilm-int8-blockwise32-l4-r1")).doesNotExist();
    }

    @Test
    void folder_madeModelIsNamedByItsRecipe() {
        BuiltinModels cache = new BuiltinModels(home);
        assertThat(cache.folder(BuiltinModel.MINILM_INT8).getFileName().toString())
                .isEqualTo("minilm-int8-" + BuiltinModel.MINILM_INT8.recipe().id());
        assertThat(cache.folder(BuiltinModel.MINILM_INT8_EXPORT).getFileName().toString())
                .isEqualTo("minilm-int8-export");
    }

    /** The export run directly: DJL's tokenizer, ONNX Runtime's session, pooling and normalising by hand. */
    private static List<float[]> reference(BuiltinModel builtin, List<String> texts) throws Exception {
        Path tokenizerFile = Files.createTempFile("reference-tokenizer", ".json");
        try (InputStream in = BuiltinModelsTest.class.getClassLoader().getResourceAsStream(
                builtin.tokenizerResource())) {
            Files.copy(in, tokenizerFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        byte[] onnx;
        try (InputStream in = BuiltinModelsTest.class.getClassLoader().getResourceAsStream(builtin.modelResource())) {
            onnx = in.readAllBytes();
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(tokenizerFile, Map.of(
                "truncation", "true", "padding", "false", "maxLength", String.valueOf(builtin.maxLength())));
                OrtSession session = env.createSession(onnx, new OrtSession.SessionOptions())) {
            List<float[]> out = new java.util.ArrayList<>();
            for (String text : texts) {
                Encoding encoding = tokenizer.encode(text);
                long[][] ids = {encoding.getIds()};
                long[][] mask = {encoding.getAttentionMask()};
                long[][] types = {encoding.getTypeIds()};
                try (OnnxTensor i = OnnxTensor.createTensor(env, ids);
                        OnnxTensor m = OnnxTensor.createTensor(env, mask);
                        OnnxTensor t = OnnxTensor.createTensor(env, types);
                        OrtSession.Result result = session.run(Map.of("input_ids", i, "attention_mask", m,
                                "token_type_ids", t))) {
                    float[][] hidden = ((float[][][]) result.get("last_hidden_state").get().getValue())[0];
                    out.add(normalise(builtin.pooling() == Pooling.CLS ? hidden[0] : mean(hidden)));
                }
            }
            return out;
        } finally {
            Files.deleteIfExists(tokenizerFile);
        }
    }

    private static float[] mean(float[][] hidden) {
        double[] sum = new double[hidden[0].length];
        for (float[] token : hidden) {
            for (int d = 0; d < sum.length; d++) {
                sum[d] += token[d];
            }
        }
        float[] out = new float[sum.length];
        for (int d = 0; d < sum.length; d++) {
            out[d] = (float) (sum[d] / hidden.length);
        }
        return out;
    }

    private static float[] normalise(float[] v) {
        double norm = 0;
        for (float x : v) {
            norm += (double) x * x;
        }
        float[] out = new float[v.length];
        for (int d = 0; d < v.length; d++) {
            out[d] = (float) (v[d] / Math.sqrt(norm));
        }
        return out;
    }
}

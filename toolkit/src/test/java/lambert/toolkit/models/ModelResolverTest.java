package lambert.toolkit.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import lambert.onnx.io.ModelFiles;
import lambert.onnx.proto.Onnx;
import lambert.runtime.Model;
import lambert.runtime.ModelOptions;
import lambert.runtime.builtin.BuiltinModel;
import lambert.runtime.bundle.BundleException;
import lambert.runtime.bundle.ModelBundle;
import lambert.runtime.task.Embedding;
import lambert.runtime.task.Parameters;
import lambert.runtime.task.Prediction;
import lambert.runtime.testing.TestModels;
import lambert.runtime.testing.TinyModels;
import lambert.toolkit.verify.VerifyTexts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built-in names as the cache makes them: {@code minilm-int8} is lambert's blockwise quantisation of the
 * pinned fp32 artifact, made once into a folder named by its recipe; {@code minilm-int8-export} is the shipped
 * int8 file as it is; a source that is not the pinned file is refused.
 */
class ModelResolverTest {
    @TempDir
    Path home;

    /** Before: minilm-int8 was the shipped export (ONNX Runtime's DynamicQuantizeLinear/MatMulInteger, per tensor). */
    @Test
    void resolve_minilmInt8_isLambertsBlockwiseQuantisationOfThePinnedFp32() throws Exception {
        Path folder = new ModelResolver(home).resolve("minilm-int8");

        assertThat(folder).isEqualTo(home.resolve("models").resolve("minilm-int8-blockwise32-l4-r1"));
        ModelBundle bundle = ModelBundle.open(folder);
        assertThat(bundle.hashMismatches()).isEmpty();
        assertThat(bundle.manifest().name()).isEqualTo("all-MiniLM-L6-v2-int8");
        assertThat(bundle.manifest().batchInvariant()).isTrue();
        // the recipe and the pinned source's sha256, computed here from the artifact's resource
        assertThat(bundle.manifest().quantization()).contains("blockwise32-l4-r1", sha256("all-minilm-l6-v2.onnx"));
        Onnx.Model model = ModelFiles.read(bundle.modelPath());
        assertThat(model.getGraph().getNodeList()).filteredOn(n -> n.getOpType().equals("MatMulNBits")).hasSize(36);
        // what stays MatMul multiplies two activations (attention's scores and context), no weight
        Set<String> weights = model.getGraph().getInitializerList().stream().map(Onnx.Tensor::getName)
                .collect(Collectors.toSet());
        assertThat(model.getGraph().getNodeList()).filteredOn(n -> n.getOpType().equals("MatMul")).hasSize(12)
                .allSatisfy(n -> assertThat(n.getInputList()).doesNotContainAnyElementsOf(weights));
        assertThat(model.getGraph().getNodeList()).noneMatch(n -> n.getOpType().equals("MatMulInteger")
                || n.getOpType().equals("DynamicQuantizeLinear"));
        // the 24 MB, in the mebibytes lambert prints (Megabytes): 23.7 MB, as against 90 MB in fp32
        assertThat(Files.size(bundle.modelPath())).isLessThanOrEqualTo(24L * 1024 * 1024);
        // the fp32 original (the independent reference) gives the same direction on real texts
        List<String> texts = VerifyTexts.builtIn().subList(0, 20);
        try (Model fp32 = Model.open(TestModels.minilm(), ModelOptions.defaults());
                Model int8 = Model.open(folder, ModelOptions.defaults())) {
            List<Prediction> a = fp32.predict(texts, Parameters.defaults()).predictions();
            List<Prediction> b = int8.predict(texts, Parameters.defaults()).predictions();
            for (int i = 0; i < texts.size(); i++) {
                assertThat(Embedding.cosine(((Embedding) a.get(i)).vector(), ((Embedding) b.get(i)).vector()))
                        .as(texts.get(i)).isGreaterThan(0.997);
            }
        }
        // made once: a second resolver reuses the folder as it is
        long written = Files.getLastModifiedTime(bundle.modelPath()).toMillis();
        assertThat(new ModelResolver(home).resolve("minilm-int8")).isEqualTo(folder);
        assertThat(Files.getLastModifiedTime(bundle.modelPath()).toMillis()).isEqualTo(written);
    }

    @Test
    void resolve_minilmInt8Export_isTheShippedFileAsItIs() throws Exception {
        ModelBundle bundle = ModelBundle.open(new ModelResolver(home).resolve("minilm-int8-export"));

        assertThat(bundle.manifest().sha256().get("model.onnx")).isEqualTo(sha256("all-minilm-l6-v2-q.onnx"));
        assertThat(bundle.manifest().batchInvariant()).isFalse();
        assertThat(BuiltinModel.named("minilm-int8-export").original()).isEqualTo(BuiltinModel.MINILM);
    }

    @Test
    void resolve_minilmInt8FromAnotherFp32_isRefusedNamingBothHashes() throws Exception {
        // a valid bundle where the fp32 minilm should be, but another model
        TinyModels.classifier(home.resolve("models").resolve("minilm"), 30522, List.of("a", "b"), false, 7);
        String found = sha256(home.resolve("models/minilm/model.onnx"));

        assertThatThrownBy(() -> new ModelResolver(home).resolve("minilm-int8"))
                .isInstanceOf(BundleException.class)
                .hasMessageContaining("expected sha256 " + sha256("all-minilm-l6-v2.onnx"))
                .hasMessageContaining("found " + found)
                .hasMessageContaining("delete " + home.resolve("models").resolve("minilm"));
        try (var files = Files.list(home.resolve("models"))) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(name -> name.startsWith("minilm-int8"));
        }
    }

    private static String sha256(String resource) throws Exception {
        try (InputStream in = ModelResolverTest.class.getClassLoader().getResourceAsStream(resource)) {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(in.readAllBytes()));
        }
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}

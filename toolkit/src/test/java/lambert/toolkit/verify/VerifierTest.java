package lambert.toolkit.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import lambert.onnx.proto.Onnx;
import lambert.runtime.Model;
import lambert.runtime.ModelOptions;
import lambert.runtime.testing.TestModels;
import lambert.runtime.testing.TinyModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** verify against real and deliberately damaged models. */
class VerifierTest {
    private static final List<String> TEXTS = VerifyTexts.builtIn().subList(0, 120);

    @TempDir
    Path dir;

    @Test
    void builtIn_hasOverAThousandVariedTexts() {
        List<String> texts = VerifyTexts.builtIn();
        assertThat(texts).hasSizeGreaterThanOrEqualTo(1000);
        assertThat(texts).anyMatch(t -> t.codePoints().anyMatch(c -> c > 0x1F000));
        assertThat(texts).anyMatch(t -> t.chars().anyMatch(c -> c >= 0x4E00 && c <= 0x9FFF));
        assertThat(texts).anyMatch(t -> t.split(" ").length > 400);
        assertThat(texts).anyMatch(t -> !t.contains(" "));
    }

    @Test
    void compare_modelReadAndWrittenByTheOnnxModuleAnswersIdentically() throws Exception {
        Path copy = copyOfMiniLm("copy", model -> model);
        try (Model reference = Model.open(TestModels.minilm(), ModelOptions.defaults());
                Model candidate = Model.open(copy, ModelOptions.defaults())) {
            VerifyReport r = Verifier.compare(reference, candidate, TEXTS, 3);
            assertThat(r.maxAbsDiff()).isZero();
            assertThat(r.minCosine()).isGreaterThan(0.999999);
            assertThat(Thresholds.converted().failures(r)).isEmpty();
        }
    }

    @Test
    void compare_classifierWithShiftedBiasLosesLabelAgreement() throws Exception {
        List<String> labels = List.of("a", "b", "c");
        TinyModels original = TinyModels.classifier(dir.resolve("original"), 30522, labels, false, 9);
        TinyModels same = TinyModels.classifier(dir.resolve("same"), 30522, labels, false, 9);
        TinyModels other = TinyModels.classifier(dir.resolve("other"), 30522, labels, false, 10);
        try (Model a = Model.open(original.bundle(), ModelOptions.defaults());
                Model b = Model.open(same.bundle(), ModelOptions.defaults());
                Model c = Model.open(other.bundle(), ModelOptions.defaults())) {
            VerifyReport identical = Verifier.compare(a, b, TEXTS, 3);
            assertThat(identical.labelAgreement()).isEqualTo(1.0);
            assertThat(Thresholds.converted().failures(identical)).isEmpty();
            VerifyReport different = Verifier.compare(a, c, TEXTS, 3);
            assertThat(different.labelAgreement()).isLessThan(0.98);
            assertThat(Thresholds.quantised().failures(different)).singleElement().asString()
                    .contains("label agreement");
        }
    }

    private Path copyOfMiniLm(String name, UnaryOperator<Onnx.Model> edit) throws Exception {
        return DamagedModels.copyOfMiniLm(dir.resolve(name), edit);
    }
}

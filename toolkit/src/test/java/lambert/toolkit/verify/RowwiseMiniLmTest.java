package lambert.toolkit.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import lambert.onnx.io.ModelFiles;
import lambert.onnx.proto.Onnx;
import lambert.onnx.quantize.QuantizeOptions;
import lambert.runtime.Model;
import lambert.runtime.ModelOptions;
import lambert.runtime.bundle.ModelBundle;
import lambert.runtime.testing.TestModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * lambert's per-row int8 ({@code --method rowwise}: {@code MatMulIntegerToFloat} on activations quantised with one
 * scale per token) of the real fp32 all-MiniLM-L6-v2: one quantisation per distinct input, batch-invariant, and
 * as accurate as measured (short of issue 13's 0.999 / 0.997, see docs/models-and-bundles.md).
 */
class RowwiseMiniLmTest {
    @TempDir
    static Path dir;

    private static ModelBundle rowwise;

    @BeforeAll
    static void quantise() throws Exception {
        rowwise = BlockwiseMiniLmTest.quantisedMiniLm(dir.resolve("bundle"),
                new QuantizeOptions(true, true, QuantizeOptions.Method.ROWWISE), "minilm-rowwise");
    }

    @Test
    void quantize_rowwiseQuantisesEachInputOnceForItsMatMuls() throws Exception {
        Onnx.Model model = ModelFiles.read(rowwise.modelPath());
        List<String> ops = model.getGraph().getNodeList().stream().map(Onnx.Node::getOpType).toList();
        // 6 layers x (query, key, value, attention output, intermediate, output)
        assertThat(ops.stream().filter("MatMulIntegerToFloat"::equals)).hasSize(36);
        // 6 layers x 4 distinct inputs: query, key and value share theirs
        assertThat(ops.stream().filter("ReduceMax"::equals)).hasSize(24);
        assertThat(rowwise.manifest().batchInvariant()).isTrue();
    }

    @Test
    void batchDrift_rowwiseTextAloneEqualsTheSameTextInABatchOf32() throws Exception {
        try (Answers int8 = Answers.owning(Model.open(rowwise, ModelOptions.defaults().withBatching(32 * 512, 32, 1)))) {
            Verifier.BatchDrift drift = Verifier.batchDrift(int8, VerifyTexts.spread(32));
            assertThat(drift.batched()).isTrue();
            assertThat(drift.texts()).isEqualTo(32);
            assertThat(drift.maxAbsDiff()).as("worst on %s", drift.worstText()).isLessThanOrEqualTo(1e-5);
        }
    }

    /** Measured 0.99746 / 0.99355 on the 600 prose sentences; the bounds leave margin and still beat per-tensor. */
    @Test
    void quantize_rowwiseMiniLmStaysCloseToFp32OnProse() {
        try (Model fp32 = Model.open(TestModels.minilm(), ModelOptions.defaults());
                Model int8 = Model.open(rowwise, ModelOptions.defaults())) {
            VerifyReport report = Verifier.compare(fp32, int8, ProseTexts.commonsJavadoc(), 3);
            assertThat(report.meanCosine()).as("mean cosine, worst %s", report.worst()).isGreaterThanOrEqualTo(0.996);
            assertThat(report.minCosine()).as("min cosine, worst %s", report.worst()).isGreaterThanOrEqualTo(0.99);
        }
    }
}

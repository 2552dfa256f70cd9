package lambert.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import lambert.runtime.session.EngineOptions;
import lambert.runtime.session.Optimization;
import lambert.runtime.task.Embedding;
import lambert.runtime.task.Parameters;
import lambert.runtime.testing.TestModels;
import org.junit.jupiter.api.Test;

/**
 * How automatic threads and parallelism share the processors: texts that run side by side never ask ONNX Runtime
 * for more threads than there are processors (EngineSweep, 2 cores: the shipped int8 model answered 256 texts at 439
 * texts/s one text per processor on two threads each, and at 733 on one thread each).
 */
class ModelOptionsTest {
    @Test
    void effectiveThreads_modelThatAnswersOneTextPerCallGetsOneThreadPerCall() {
        ModelOptions options = ModelOptions.defaults().withProcessors(4);

        assertThat(options.effectiveParallelism(1)).isEqualTo(4);
        assertThat(options.effectiveThreads(1)).isEqualTo(1);
    }

    @Test
    void effectiveThreads_batchingModelRunsBatchesOneAfterAnotherOnEveryProcessor() {
        ModelOptions options = ModelOptions.defaults().withProcessors(4);

        assertThat(options.effectiveParallelism(8)).isEqualTo(1);
        assertThat(options.effectiveThreads(8)).isEqualTo(4);
    }

    @Test
    void effectiveThreads_explicitParallelismSharesTheProcessorsAndExplicitThreadsWin() {
        ModelOptions twoAtOnce = ModelOptions.defaults().withProcessors(4).withBatching(8192, 8, 2);
        ModelOptions threeThreads = twoAtOnce.withEngine(new EngineOptions(3, true, Optimization.AUTO));
        ModelOptions fiveAtOnce = ModelOptions.defaults().withProcessors(4).withBatching(8192, 8, 5);

        assertThat(twoAtOnce.effectiveThreads(8)).isEqualTo(2);
        assertThat(threeThreads.effectiveThreads(8)).isEqualTo(3);
        assertThat(fiveAtOnce.effectiveThreads(8)).isEqualTo(1);
    }

    @Test
    void effectiveProcessors_zeroIsTheJvmsCount() {
        assertThat(ModelOptions.defaults().processors()).isZero();
        assertThat(ModelOptions.defaults().effectiveProcessors())
                .isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(ModelOptions.defaults().withProcessors(3).effectiveProcessors()).isEqualTo(3);
    }

    @Test
    void constructor_negativeProcessorsIsRefusedByName() {
        assertThatThrownBy(() -> ModelOptions.defaults().withProcessors(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("processors")
                .hasMessageContaining("-1");
    }

    @Test
    void open_realModelsResolveThreadsFromTheirManifestAndAnswerAlikeEitherWay() {
        ModelOptions twoProcessors = ModelOptions.defaults().withProcessors(2);
        List<String> texts = List.of("Hey, how are you?", "The weather is lovely today.", "hi");
        // the shipped int8 export quantises activations per tensor: one text per call, so one thread per call
        try (Model perTensor = Model.open(TestModels.minilmInt8(), twoProcessors);
                Model sameOnTwoThreads = Model.open(TestModels.minilmInt8(),
                        twoProcessors.withEngine(new EngineOptions(2, true, Optimization.AUTO)));
                Model fp32 = Model.open(TestModels.minilm(), twoProcessors)) {
            assertThat(perTensor.manifest().batchInvariant()).isFalse();
            assertThat(perTensor.threads()).isEqualTo(1);
            assertThat(sameOnTwoThreads.threads()).isEqualTo(2);
            assertThat(fp32.manifest().batchInvariant()).isTrue();
            assertThat(fp32.threads()).isEqualTo(2);
            List<?> one = perTensor.predict(texts, Parameters.defaults()).predictions();
            List<?> two = sameOnTwoThreads.predict(texts, Parameters.defaults()).predictions();
            for (int i = 0; i < texts.size(); i++) {
                float[] a = ((Embedding) one.get(i)).vector();
                float[] b = ((Embedding) two.get(i)).vector();
                for (int j = 0; j < a.length; j++) {
                    assertThat(a[j]).as("text %d, value %d", i, j).isCloseTo(b[j], within(1e-5f));
                }
            }
        }
    }
}

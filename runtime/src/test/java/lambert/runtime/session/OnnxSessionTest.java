package lambert.runtime.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import lambert.runtime.testing.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The session's own API, with no ONNX Runtime type in it: the real all-MiniLM-L6-v2 export's inputs and output
 * (BERT's input_ids, attention_mask and token_type_ids, int64 [batch, sequence]; last_hidden_state
 * [batch, sequence, 384]), and ONNX Runtime's refusals as {@link SessionException}.
 */
class OnnxSessionTest {
    private static final EngineOptions ENGINE = new EngineOptions(1, false, Optimization.AUTO);

    @Test
    void inputsAndOutputs_describeTheModelInItsOrder() throws Exception {
        try (OnnxSession session = OnnxSession.open(TestModels.minilm().resolve("model.onnx"), ENGINE, false)) {
            Map<String, TensorSpec> inputs = session.inputs();
            assertThat(List.copyOf(inputs.keySet())).containsExactly("input_ids", "attention_mask",
                    "token_type_ids");
            for (TensorSpec input : inputs.values()) {
                assertThat(input.isInt64(2)).as(input.description()).isTrue();
                assertThat(input.isInt64(3)).isFalse();
            }
            TensorSpec output = session.outputs().get("last_hidden_state");
            assertThat(output.int64()).isFalse();
            assertThat(output.rank()).isEqualTo(3);
            assertThat(output.shape()[2]).isEqualTo(384);
        }
    }

    @Test
    void open_fileThatIsNotOnnxIsASessionException(@TempDir Path dir) throws IOException {
        Path model = Files.writeString(dir.resolve("model.onnx"), "not a model");
        assertThatThrownBy(() -> OnnxSession.open(model, ENGINE, false)).isInstanceOf(SessionException.class)
                .hasMessageContaining("ORT_");
    }

    @Test
    void run_unknownOutputIsASessionException() throws Exception {
        try (OnnxSession session = OnnxSession.open(TestModels.minilm().resolve("model.onnx"), ENGINE, false)) {
            TokenBatch batch = TokenBatch.of(List.of(new lambert.runtime.tokenize.Tokens(new long[] {101, 102},
                    new long[] {0, 0}, new boolean[] {true, true}, new int[] {0, 0}, new int[] {0, 0}, false)), 0);
            assertThatThrownBy(() -> session.run(List.of("input_ids", "attention_mask", "token_type_ids"), "nope",
                    batch)).isInstanceOf(SessionException.class).hasMessageContaining("nope");
        }
    }

    @Test
    void close_isIdempotent() throws Exception {
        OnnxSession session = OnnxSession.open(TestModels.minilm().resolve("model.onnx"), ENGINE, false);
        session.close();
        session.close();
    }
}

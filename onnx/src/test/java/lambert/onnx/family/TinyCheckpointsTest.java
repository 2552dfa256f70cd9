package lambert.onnx.family;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Optional;
import lambert.onnx.checkpoint.Checkpoint;
import lambert.onnx.checkpoint.Tensor;
import lambert.onnx.checkpoint.CheckpointReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tiny checkpoints: reproducible, and written as folders the checkpoint reader reads back. */
class TinyCheckpointsTest {
    @TempDir
    Path dir;

    @Test
    void of_sameSeedGivesTheSameWeights() {
        Tensor a = TinyCheckpoints.of("bert", Head.ENCODER, 3).weights().get("encoder.layer.1.output.dense.weight");
        Tensor b = TinyCheckpoints.of("bert", Head.ENCODER, 3).weights().get("encoder.layer.1.output.dense.weight");
        Tensor c = TinyCheckpoints.of("bert", Head.ENCODER, 4).weights().get("encoder.layer.1.output.dense.weight");
        assertThat(a.data()).isEqualTo(b.data()).isNotEqualTo(c.data());
    }

    @Test
    void of_unknownModelTypeIsRefused() {
        assertThatThrownBy(() -> TinyCheckpoints.of("gpt2", Head.ENCODER, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no tiny checkpoint for model_type gpt2, expected one of bert, roberta, distilbert, mobilebert");
    }

    @Test
    void write_readsBackThroughTheCheckpointReaderAndConvertsTheSame() throws Exception {
        for (String type : ModelFamilies.supportedModelTypes()) {
            if (type.equals("xlm-roberta")) {
                continue;
            }
            for (Head head : Head.values()) {
                Checkpoint original = TinyCheckpoints.of(type, head, 5);
                Path folder = dir.resolve(type + "-" + head);
                TinyCheckpoints.write(original, folder);

                Checkpoint read = CheckpointReader.read(folder);

                assertThat(read.config().fields()).isEqualTo(original.config().fields());
                assertThat(read.weights().keySet()).isEqualTo(original.weights().keySet());
                assertThat(ModelFamilies.headFor(read, Optional.empty())).isEqualTo(head);
                assertThat(ModelFamilies.forConfig(read.config()).graph(read, head, 17))
                        .isEqualTo(ModelFamilies.forConfig(original.config()).graph(original, head, 17));
            }
        }
    }
}

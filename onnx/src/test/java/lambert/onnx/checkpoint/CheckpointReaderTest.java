package lambert.onnx.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointReaderTest {
    @TempDir
    Path dir;

    @Test
    void read_safetensorsFolder_givesConfigAndWeights() throws Exception {
        Fixtures.config(dir);
        SafetensorsWriter.write(dir.resolve("model.safetensors"), Fixtures.weights());

        Checkpoint checkpoint = CheckpointReader.read(dir);

        assertThat(checkpoint.config().modelType()).isEqualTo("bert");
        assertThat(checkpoint.config().requireInt("hidden_size")).isEqualTo(4);
        assertThat(checkpoint.require("encoder.layer.0.attention.self.query.weight", 4, 4).data())
                .containsExactly(Fixtures.weights().get(2).data());
        assertThat(checkpoint.weights()).hasSize(Fixtures.weights().size());
    }

    @Test
    void read_binFolder_givesTheSameWeights() throws Exception {
        Fixtures.config(dir);
        TorchBinWriter.write(dir.resolve("pytorch_model.bin"), Fixtures.weights());

        Checkpoint checkpoint = CheckpointReader.read(dir);

        for (Tensor t : Fixtures.weights()) {
            assertThat(checkpoint.require(t.name(), t.shape()).data()).containsExactly(t.data());
        }
    }

    @Test
    void read_safetensorsAndBin_prefersSafetensors() throws Exception {
        Fixtures.config(dir);
        SafetensorsWriter.write(dir.resolve("model.safetensors"), List.of(Fixtures.tensor("from.safetensors", 1, 2)));
        TorchBinWriter.write(dir.resolve("pytorch_model.bin"), List.of(Fixtures.tensor("from.bin", 1, 2)));

        assertThat(CheckpointReader.read(dir).weights()).containsOnlyKeys("from.safetensors");
    }

    @Test
    void read_shardedSafetensors_mergesTheShards() throws Exception {
        Fixtures.config(dir);
        List<Tensor> all = Fixtures.weights();
        SafetensorsWriter.write(dir.resolve("model-00001-of-00002.safetensors"), all.subList(0, 3), DType.BF16);
        SafetensorsWriter.write(dir.resolve("model-00002-of-00002.safetensors"), all.subList(3, all.size()));
        Files.writeString(dir.resolve("model.safetensors.index.json"), index(all, 3, "model-0000%d-of-00002.safetensors"));

        Checkpoint checkpoint = CheckpointReader.read(dir);

        assertThat(checkpoint.weights().keySet()).containsExactlyElementsOf(all.stream().map(Tensor::name).toList());
        for (Tensor t : all) {
            assertThat(checkpoint.weights().get(t.name()).data()).containsExactly(t.data());
        }
    }

    @Test
    void read_shardedBin_mergesTheShards() throws Exception {
        Fixtures.config(dir);
        List<Tensor> all = Fixtures.weights();
        TorchBinWriter.write(dir.resolve("pytorch_model-00001-of-00002.bin"), all.subList(0, 2));
        TorchBinWriter.write(dir.resolve("pytorch_model-00002-of-00002.bin"), all.subList(2, all.size()), DType.F16);
        Files.writeString(dir.resolve("pytorch_model.bin.index.json"), index(all, 2, "pytorch_model-0000%d-of-00002.bin"));

        Checkpoint checkpoint = CheckpointReader.read(dir);

        for (Tensor t : all) {
            assertThat(checkpoint.weights().get(t.name()).data()).containsExactly(t.data());
        }
    }

    @Test
    void read_indexNamingAMissingShard_isRefused() throws Exception {
        Fixtures.config(dir);
        List<Tensor> all = Fixtures.weights();
        SafetensorsWriter.write(dir.resolve("model-00001-of-00002.safetensors"), all.subList(0, 3));
        Files.writeString(dir.resolve("model.safetensors.index.json"), index(all, 3, "model-0000%d-of-00002.safetensors"));

        assertThatThrownBy(() -> CheckpointReader.read(dir))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("model.safetensors.index.json").hasMessageContaining("model-00002-of-00002.safetensors")
                .hasMessageContaining("not in");
    }

    @Test
    void read_tensorInTwoShards_isRefused() throws Exception {
        Fixtures.config(dir);
        List<Tensor> all = Fixtures.weights();
        SafetensorsWriter.write(dir.resolve("model-00001-of-00002.safetensors"), all.subList(0, 3));
        SafetensorsWriter.write(dir.resolve("model-00002-of-00002.safetensors"), all.subList(2, all.size()));
        Files.writeString(dir.resolve("model.safetensors.index.json"), index(all, 3, "model-0000%d-of-00002.safetensors"));

        assertThatThrownBy(() -> CheckpointReader.read(dir))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("tensor " + all.get(2).name() + " is in two shards");
    }

    @Test
    void read_indexPointingAtTheWrongShard_isRefused() throws Exception {
        Fixtures.config(dir);
        List<Tensor> all = Fixtures.weights();
        SafetensorsWriter.write(dir.resolve("model-00001-of-00002.safetensors"), all.subList(0, 3));
        SafetensorsWriter.write(dir.resolve("model-00002-of-00002.safetensors"), all.subList(3, all.size()));
        Files.writeString(dir.resolve("model.safetensors.index.json"), index(all, 2, "model-0000%d-of-00002.safetensors"));

        assertThatThrownBy(() -> CheckpointReader.read(dir))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("puts tensor " + all.get(2).name() + " in model-00002-of-00002.safetensors");
    }

    @Test
    void read_indexEscapingTheFolder_isRefused() throws Exception {
        Fixtures.config(dir);
        Files.writeString(dir.resolve("model.safetensors.index.json"), "{\"weight_map\": {\"w\": \"../other/model.safetensors\"}}");

        assertThatThrownBy(() -> CheckpointReader.read(dir))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("expected a file name in the same folder");
    }

    @Test
    void read_noConfig_namesTheFolderAndWhatWasLookedFor() throws Exception {
        SafetensorsWriter.write(dir.resolve("model.safetensors"), Fixtures.weights());

        assertThatThrownBy(() -> CheckpointReader.read(dir))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(dir.toString()).hasMessageContaining("config.json")
                .hasMessageContaining("model.safetensors, model.safetensors.index.json, pytorch_model.bin, pytorch_model.bin.index.json");
    }

    @Test
    void read_noWeights_namesTheFolderAndWhatWasLookedFor() throws Exception {
        Fixtures.config(dir);

        assertThatThrownBy(() -> CheckpointReader.read(dir))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(dir + " holds no weights")
                .hasMessageContaining("model.safetensors, model.safetensors.index.json, pytorch_model.bin, pytorch_model.bin.index.json");
    }

    @Test
    void read_notAFolder_isRefused() {
        assertThatThrownBy(() -> CheckpointReader.read(dir.resolve("nowhere")))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("nowhere is not a folder");
    }

    /** An index putting tensors [0, split) in shard 1 and the rest in shard 2. */
    private static String index(List<Tensor> all, int split, String shardPattern) {
        StringBuilder json = new StringBuilder("{\"metadata\": {\"total_size\": 0}, \"weight_map\": {");
        for (int i = 0; i < all.size(); i++) {
            json.append(i == 0 ? "" : ", ").append('"').append(all.get(i).name()).append("\": \"")
                    .append(String.format(shardPattern, i < split ? 1 : 2)).append('"');
        }
        return json.append("}}").toString();
    }
}

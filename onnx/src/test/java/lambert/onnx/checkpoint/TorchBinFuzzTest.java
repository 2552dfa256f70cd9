package lambert.onnx.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link TorchBinReader} on mutated PyTorch checkpoints, coverage-guided: either the {@code data.pkl} pickle
 * inside an otherwise valid archive is mutated (where the allowlist of globals and the unpickler's stack must
 * hold), or the archive's bytes are; it is read with every tensor or with the tensors an architecture expects.
 * Every input gives tensors (with expectations, only expected ones of exactly the expected shape) or a
 * {@link CheckpointException}: never another
 * exception, never a class outside the allowlist loaded or called, never an out-of-memory error from a size the
 * archive claims.
 *
 * <p>{@code ./mvnw verify} fuzzes it for a few seconds; longer: {@code ./mvnw -pl onnx test
 * -Dtest=TorchBinFuzzTest -Dfuzz.duration=10m}.
 */
class TorchBinFuzzTest {
    private static Path dir;
    private static byte[] pickle;
    private static byte[] archive;
    private static final Map<String, byte[]> storages = new LinkedHashMap<>();

    @BeforeAll
    static void seed() throws IOException {
        dir = Files.createTempDirectory("lambert-bin-fuzz");
        List<Tensor> weights = Fixtures.weights();
        pickle = TorchBinWriter.stateDictPickle(weights, DType.F32);
        for (int k = 0; k < weights.size(); k++) {
            storages.put("data/" + k, Fixtures.littleEndianFloats(weights.get(k).data()));
        }
        Path valid = dir.resolve("valid.bin");
        TorchBinWriter.write(valid, weights, DType.F32);
        archive = Files.readAllBytes(valid);
    }

    @AfterAll
    static void clean() throws IOException {
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    @FuzzTest(maxDuration = "4s")
    void read_mutatedCheckpointGivesTensorsOrCheckpointException(FuzzedDataProvider data) throws IOException {
        Path file = dir.resolve("pytorch_model.bin");
        if (data.consumeBoolean()) {
            TorchBinWriter.writeArchive(file, "archive", TorchBinTest.entries(SafetensorsFuzzTest.mutate(pickle, data),
                    storages));
        } else {
            Files.write(file, SafetensorsFuzzTest.mutate(archive, data));
        }
        ExpectedWeights expected = data.consumeBoolean() ? Fixtures.expected() : ExpectedWeights.everything();
        try {
            Map<String, Tensor> tensors = TorchBinReader.read(file, expected);
            for (Tensor t : tensors.values()) {
                assertThat(expected.reads(t.name()) && expected.check(t.name(), t.shape()) == null).as(t.toString())
                        .isTrue();
            }
        } catch (CheckpointException refused) {
            assertThat(refused.getMessage()).isNotBlank();
        }
    }
}

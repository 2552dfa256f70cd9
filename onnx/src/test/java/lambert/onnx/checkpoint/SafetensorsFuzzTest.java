package lambert.onnx.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link SafetensorsReader} on mutated files, coverage-guided: a valid file (BF16 weights of a tiny BERT) with
 * bytes overwritten, inserted, deleted and cut, and little-endian numbers (the header length, offsets) replaced
 * by extremes, read with every tensor or with the tensors an architecture expects (their names and shapes). Every
 * input gives tensors, each with as many values as its shape says and, with expectations, only expected tensors of
 * exactly the expected shape, or a
 * {@link CheckpointException}; never another exception, and never an out-of-memory error from a header that claims
 * more than the file holds. {@link GarbageInputTest} runs fixed seeds of the same idea.
 *
 * <p>{@code ./mvnw verify} fuzzes it for a few seconds; longer: {@code ./mvnw -pl onnx test
 * -Dtest=SafetensorsFuzzTest -Dfuzz.duration=10m}.
 */
class SafetensorsFuzzTest {
    private static final long[] EXTREMES = {0, 1, -1, 8, 255, 65535, Integer.MAX_VALUE, Integer.MIN_VALUE, 1L << 32,
        1L << 60, Long.MAX_VALUE, Long.MIN_VALUE};
    private static byte[] seed;

    @BeforeAll
    static void seed() throws IOException {
        Path file = Files.createTempFile("lambert-fuzz", ".safetensors");
        SafetensorsWriter.write(file, Fixtures.weights(), DType.BF16);
        seed = Files.readAllBytes(file);
        Files.delete(file);
    }

    @FuzzTest(maxDuration = "4s")
    void read_mutatedFileGivesTensorsOrCheckpointException(FuzzedDataProvider data) {
        ExpectedWeights expected = data.consumeBoolean() ? Fixtures.expected() : ExpectedWeights.everything();
        byte[] bytes = mutate(seed, data);
        try {
            Map<String, Tensor> tensors = SafetensorsReader.read(bytes, "fuzz.safetensors", expected);
            for (Tensor t : tensors.values()) {
                assertThat((long) t.data().length).isEqualTo(Arrays.stream(t.shape()).reduce(1, Math::multiplyExact));
                assertThat(expected.reads(t.name()) && expected.check(t.name(), t.shape()) == null).as(t.toString())
                        .isTrue();
            }
        } catch (CheckpointException refused) {
            assertThat(refused.getMessage()).isNotBlank();
        }
    }

    static byte[] mutate(byte[] valid, FuzzedDataProvider data) {
        if (data.consumeBoolean()) {
            return data.consumeRemainingAsBytes();
        }
        byte[] b = valid.clone();
        int rounds = data.consumeInt(1, 6);
        for (int r = 0; r < rounds && b.length > 0 && data.remainingBytes() > 0; r++) {
            int at = data.consumeInt(0, b.length - 1);
            switch (data.consumeInt(0, 4)) {
                case 0 -> b[at] = data.consumeByte();
                case 1 -> {
                    long v = data.consumeBoolean() ? EXTREMES[data.consumeInt(0, EXTREMES.length - 1)] : data.consumeLong();
                    int width = data.consumeBoolean() ? 4 : 8;
                    for (int k = 0; k < width && at + k < b.length; k++) {
                        b[at + k] = (byte) (v >>> (8 * k));
                    }
                }
                case 2 -> b = Arrays.copyOf(b, at);
                case 3 -> {
                    byte[] insert = data.consumeBytes(16);
                    byte[] grown = new byte[b.length + insert.length];
                    System.arraycopy(b, 0, grown, 0, at);
                    System.arraycopy(insert, 0, grown, at, insert.length);
                    System.arraycopy(b, at, grown, at + insert.length, b.length - at);
                    b = grown;
                }
                default -> {
                    int remove = Math.min(data.consumeInt(1, 16), b.length - at);
                    byte[] shrunk = new byte[b.length - remove];
                    System.arraycopy(b, 0, shrunk, 0, at);
                    System.arraycopy(b, at + remove, shrunk, at, b.length - at - remove);
                    b = shrunk;
                }
            }
        }
        return b;
    }
}

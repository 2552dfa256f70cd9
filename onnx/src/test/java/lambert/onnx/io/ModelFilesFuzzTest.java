package lambert.onnx.io;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import lambert.onnx.graph.GraphBuilder;
import lambert.onnx.proto.Onnx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link ModelFiles#read} on mutated model files: a small valid model (a Gather over an embedding table and a
 * MatMul) with bytes overwritten, inserted, deleted, truncated, and length prefixes replaced by huge varints.
 * Every input is read or refused with an {@link IOException} naming the file; never another exception and never
 * an out-of-memory error from a length that claims more bytes than the file has.
 *
 * <p>{@code ./mvnw verify} fuzzes it for a few seconds; longer: {@code ./mvnw -pl onnx test
 * -Dtest=ModelFilesFuzzTest -Dfuzz.duration=10m}.
 */
class ModelFilesFuzzTest {
    private static Path dir;
    private static byte[] seed;

    @BeforeAll
    static void seed() throws IOException {
        dir = Files.createTempDirectory("lambert-onnx-fuzz");
        GraphBuilder g = GraphBuilder.create("fuzz-seed", 17);
        g.input("input_ids", Onnx.Tensor.DataType.INT64, "batch", "sequence");
        g.initializer("table", new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 4, 2);
        g.initializer("w", new float[] {1, 0, 0, 1}, 2, 2);
        g.node("Gather", List.of("table", "input_ids"), "embedded");
        g.node("MatMul", List.of("embedded", "w"), "logits");
        g.output("logits", Onnx.Tensor.DataType.FLOAT, "batch", "sequence", 2);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        g.build().writeTo(out);
        seed = out.toByteArray();
    }

    @AfterAll
    static void clean() throws IOException {
        try (var files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        Files.delete(dir);
    }

    @FuzzTest(maxDuration = "4s")
    void read_mutatedModelIsReadOrRefusedWithIoException(FuzzedDataProvider data) throws IOException {
        byte[] bytes = Mutations.apply(seed, data);
        Path file = dir.resolve("model.onnx");
        Files.write(file, bytes);
        try {
            Onnx.Model model = ModelFiles.read(file);
            assertThat(model.hasGraph()).isTrue();
        } catch (IOException e) {
            assertThat(e.getMessage()).contains(file.toString());
        }
    }

    /** Byte-level mutations of a valid file, driven by the fuzzer's data. */
    static final class Mutations {
        private Mutations() {}

        static byte[] apply(byte[] seed, FuzzedDataProvider data) {
            if (data.consumeBoolean()) {
                return data.consumeRemainingAsBytes();
            }
            byte[] bytes = seed.clone();
            int count = data.consumeInt(1, 8);
            for (int i = 0; i < count && data.remainingBytes() > 0; i++) {
                int at = bytes.length == 0 ? 0 : data.consumeInt(0, bytes.length - 1);
                switch (data.consumeInt(0, 4)) {
                    case 0 -> {
                        if (bytes.length > 0) {
                            bytes[at] = data.consumeByte();
                        }
                    }
                    case 1 -> bytes = Arrays.copyOf(bytes, at);
                    case 2 -> bytes = splice(bytes, at, 0, data.consumeBytes(16));
                    case 3 -> bytes = splice(bytes, at, Math.min(data.consumeInt(1, 16), bytes.length - at), new byte[0]);
                    default -> bytes = splice(bytes, at, Math.min(1, bytes.length - at),
                            // a length prefix claiming up to 2^35 bytes
                            new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f});
                }
            }
            return bytes;
        }

        private static byte[] splice(byte[] bytes, int at, int remove, byte[] insert) {
            byte[] out = new byte[bytes.length - remove + insert.length];
            System.arraycopy(bytes, 0, out, 0, at);
            System.arraycopy(insert, 0, out, at, insert.length);
            System.arraycopy(bytes, at + remove, out, at + insert.length, bytes.length - at - remove);
            return out;
        }
    }
}

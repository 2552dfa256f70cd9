package lambert.onnx.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SafetensorsTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F16", "BF16", "F64"})
    void read_writtenFile_givesTheSameValues(DType dtype) throws Exception {
        Path file = dir.resolve("model.safetensors");
        List<Tensor> written = Fixtures.weights();
        SafetensorsWriter.write(file, written, dtype);

        Map<String, Tensor> read = SafetensorsReader.read(file);

        assertThat(read.keySet()).containsExactlyElementsOf(written.stream().map(Tensor::name).toList());
        for (Tensor t : written) {
            assertThat(read.get(t.name()).shape()).isEqualTo(t.shape());
            assertThat(read.get(t.name()).data()).containsExactly(t.data());
        }
    }

    @Test
    void write_f32_isAlignedAndCarriesPtMetadata() throws Exception {
        Path file = dir.resolve("model.safetensors");
        SafetensorsWriter.write(file, Fixtures.weights());

        byte[] bytes = Files.readAllBytes(file);
        long headerLength = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        String header = new String(bytes, 8, (int) headerLength, java.nio.charset.StandardCharsets.UTF_8);
        assertThat(headerLength % 8).isZero();
        assertThat(header).startsWith("{\"__metadata__\":{\"format\":\"pt\"}");
        assertThat(dir).isDirectoryNotContaining("glob:**.partial");
    }

    @Test
    void readBytes_sameAsFile() throws Exception {
        Path file = dir.resolve("model.safetensors");
        SafetensorsWriter.write(file, Fixtures.weights(), DType.F16);

        Map<String, Tensor> fromBytes = SafetensorsReader.read(Files.readAllBytes(file), "model.safetensors");

        Map<String, Tensor> fromFile = SafetensorsReader.read(file);
        assertThat(fromBytes.keySet()).isEqualTo(fromFile.keySet());
        fromFile.forEach((name, t) -> assertThat(fromBytes.get(name).data()).containsExactly(t.data()));
    }

    @Test
    void read_integerBuffer_isSkipped() throws Exception {
        byte[] data = concat(Fixtures.littleEndianLongs(0, 1, 2), Fixtures.littleEndianFloats(1.5f, -2f));
        byte[] file = Fixtures.safetensors("{\"embeddings.position_ids\":{\"dtype\":\"I64\",\"shape\":[1,3],\"data_offsets\":[0,24]},"
                + "\"w.weight\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[24,32]}}", data);

        Map<String, Tensor> read = SafetensorsReader.read(file, "model.safetensors");

        assertThat(read).containsOnlyKeys("w.weight");
        assertThat(read.get("w.weight").data()).containsExactly(1.5f, -2f);
    }

    @Test
    void read_integerWeight_isRefusedAsQuantised() {
        byte[] file = Fixtures.safetensors("{\"w.weight\":{\"dtype\":\"I8\",\"shape\":[2],\"data_offsets\":[0,2]}}", new byte[2]);

        assertThatThrownBy(() -> SafetensorsReader.read(file, "model.safetensors"))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("w.weight").hasMessageContaining("I8").hasMessageContaining("quantised");
    }

    @Test
    void read_unknownDtype_namesTensorAndDtype() {
        byte[] file = Fixtures.safetensors("{\"w.weight\":{\"dtype\":\"F8_E4M3\",\"shape\":[2],\"data_offsets\":[0,2]}}", new byte[2]);

        assertThatThrownBy(() -> SafetensorsReader.read(file, "model.safetensors"))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("model.safetensors").hasMessageContaining("w.weight").hasMessageContaining("F8_E4M3");
    }

    @Test
    void read_truncatedFile_isRefused() throws Exception {
        Path file = dir.resolve("model.safetensors");
        SafetensorsWriter.write(file, Fixtures.weights());
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 3));

        assertThatThrownBy(() -> SafetensorsReader.read(file))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("beyond the file");
    }

    @Test
    void read_truncatedHeader_isRefused() throws Exception {
        Path file = dir.resolve("model.safetensors");
        SafetensorsWriter.write(file, Fixtures.weights());
        Files.write(file, Arrays.copyOf(Files.readAllBytes(file), 40));

        assertThatThrownBy(() -> SafetensorsReader.read(file))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("truncated header");
    }

    @Test
    void read_shorterThanTheLength_isRefused() {
        assertThatThrownBy(() -> SafetensorsReader.read(new byte[5], "x.safetensors"))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("truncated").hasMessageContaining("8-byte");
    }

    @Test
    void read_headerLengthOf2To60_isRefusedWithoutAllocating() {
        byte[] file = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 60).array();

        assertThatThrownBy(() -> SafetensorsReader.read(file, "huge.safetensors"))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("huge.safetensors").hasMessageContaining(Long.toString(1L << 60));
    }

    @Test
    void read_negativeHeaderLength_isRefused() {
        byte[] file = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-8).array();

        assertThatThrownBy(() -> SafetensorsReader.read(file, "x.safetensors"))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("header length");
    }

    @Test
    void read_offsetsBeyondTheFile_areRefused() {
        byte[] file = Fixtures.safetensors("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[1000,1008]}}",
                Fixtures.littleEndianFloats(1, 2));

        assertThatThrownBy(() -> SafetensorsReader.read(file, "x.safetensors"))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("tensor w").hasMessageContaining("beyond the file");
    }

    @Test
    void read_invertedOffsets_areRefused() {
        byte[] file = Fixtures.safetensors("{\"w\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,0]}}",
                Fixtures.littleEndianFloats(1, 2));

        assertThatThrownBy(() -> SafetensorsReader.read(file, "x.safetensors"))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("end before they begin");
    }

    @Test
    void read_shapeDisagreeingWithOffsets_isRefused() {
        byte[] file = Fixtures.safetensors("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}",
                Fixtures.littleEndianFloats(1, 2));

        assertThatThrownBy(() -> SafetensorsReader.read(file, "x.safetensors"))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("tensor w").hasMessageContaining("needs 12 bytes").hasMessageContaining("span 8");
    }

    @Test
    void read_negativeDimension_isRefused() {
        byte[] file = Fixtures.safetensors("{\"w\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}",
                Fixtures.littleEndianFloats(1, 2));

        assertThatThrownBy(() -> SafetensorsReader.read(file, "x.safetensors"))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("shape").hasMessageContaining("-2");
    }

    @Test
    void read_overflowingShape_isRefused() {
        byte[] file = Fixtures.safetensors("{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296,16],\"data_offsets\":[0,8]}}",
                Fixtures.littleEndianFloats(1, 2));

        assertThatThrownBy(() -> SafetensorsReader.read(file, "x.safetensors"))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("too large");
    }

    @Test
    void read_headerNotJson_isRefused() {
        byte[] file = Fixtures.safetensors("not json at all", new byte[0]);

        assertThatThrownBy(() -> SafetensorsReader.read(file, "x.safetensors"))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("x.safetensors header").hasMessageContaining("JSON");
    }

    @Test
    void write_sameNameTwice_isRefused() {
        List<Tensor> twice = List.of(Fixtures.tensor("w", 1, 2), Fixtures.tensor("w", 2, 2));

        assertThatThrownBy(() -> SafetensorsWriter.write(dir.resolve("x.safetensors"), twice))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("w");
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}

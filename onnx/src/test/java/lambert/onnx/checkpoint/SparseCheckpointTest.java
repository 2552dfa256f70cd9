package lambert.onnx.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lambert.onnx.family.Head;
import lambert.onnx.family.ModelFamilies;
import lambert.onnx.family.TinyCheckpoints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Checkpoints whose headers claim gigabytes, in sparse files ({@link RandomAccessFile#setLength} extends a file
 * without writing or storing its bytes), so every claim is backed by the file's size and only the check against
 * {@code config.json} can refuse it. Before, a [2147483000, 1] word-embedding table of a tiny BERT (8.6 GB) ended in
 * an {@code OutOfMemoryError}, and a [1073741824, 1] one (4 GB) was read in full before the shape check. Now each is
 * refused from its header, and the test thread allocates no more than a few megabytes doing so
 * ({@code ThreadMXBean.getCurrentThreadAllocatedBytes}, which counts every allocation, collected or not).
 */
class SparseCheckpointTest {
    /** What reading a tiny checkpoint's config, headers and small tensors may allocate: far below any claim. */
    private static final long ALLOCATION_BOUND = 64L << 20;
    private static final String TABLE = "embeddings.word_embeddings.weight";

    @TempDir
    Path dir;

    @ParameterizedTest(name = "[{0}, 1]")
    @ValueSource(longs = {2_147_483_000L, 1_073_741_824L})
    void read_safetensorsTableClaimingBillionsOfRowsIsRefusedFromItsHeader(long rows) throws Exception {
        Map<String, long[]> holes = Map.of(TABLE, new long[] {rows, 1});
        Path file = writeSafetensors(tinyBertWithout(TABLE), holes);
        assertThat(Files.size(file)).isGreaterThan(rows * 4);

        assertRefusedFromItsHeader(file, rows);
    }

    @Test
    void read_safetensorsTensorTheArchitectureDoesNotReadIsSkippedUnread() throws Exception {
        // A masked-LM head's decoder claiming 8.6 GB: not part of any graph, so neither read nor allocated.
        Map<String, long[]> holes = Map.of("cls.predictions.decoder.weight", new long[] {2_147_483_000L, 1});
        List<Tensor> tiny = tinyBertWithout("no such tensor");
        writeSafetensors(tiny, holes);

        long before = allocatedBytes();
        Checkpoint checkpoint = CheckpointReader.read(dir, ModelFamilies::expectedWeights);
        assertThat(allocatedBytes() - before).isLessThan(ALLOCATION_BOUND);
        assertThat(checkpoint.weights()).hasSize(tiny.size()).doesNotContainKey("cls.predictions.decoder.weight");
        assertThat(checkpoint.require(TABLE, 50, 32).data()).containsExactly(tiny.get(0).data());
    }

    @ParameterizedTest(name = "[{0}, 1]")
    @ValueSource(longs = {2_147_483_000L, 1_073_741_824L})
    void read_binStorageClaimingBillionsOfValuesIsRefusedFromThePickle(long rows) throws Exception {
        // A stored ZIP64 entry of rows * 4 bytes, all of it a hole: every size in the archive is consistent.
        Path file = dir.resolve("pytorch_model.bin");
        tinyBertWithout(TABLE);
        Files.delete(dir.resolve("model.safetensors"));
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put(TABLE, new long[] {rows, 1});
        writeSparseZip(file, Map.of("archive/data.pkl", TorchBinWriter.stateDictPickle(shapes, DType.F32),
                "archive/byteorder", "little".getBytes(StandardCharsets.US_ASCII)), "archive/data/0", rows * 4);
        assertThat(Files.size(file)).isGreaterThan(rows * 4);

        assertRefusedFromItsHeader(file, rows);
    }

    @Test
    void read_sparseZipIsReadableWhereItsClaimIsTrue() throws Exception {
        // The archive writer above makes archives TorchBinReader reads: a small hole of zeros is a real tensor.
        Path file = dir.resolve("small.bin");
        Map<String, long[]> shapes = Map.of("zeros", new long[] {3, 2});
        writeSparseZip(file, Map.of("archive/data.pkl", TorchBinWriter.stateDictPickle(shapes, DType.F32),
                "archive/byteorder", "little".getBytes(StandardCharsets.US_ASCII)), "archive/data/0", 24);
        assertThat(TorchBinReader.read(file).get("zeros").data()).containsExactly(0, 0, 0, 0, 0, 0);
    }

    /** Reading the folder with the architecture's plan refuses the table, having allocated next to nothing. */
    private void assertRefusedFromItsHeader(Path file, long rows) {
        long before = allocatedBytes();
        assertThatThrownBy(() -> CheckpointReader.read(dir, ModelFamilies::expectedWeights))
                .isInstanceOf(CheckpointException.class)
                .hasMessage(file + ": tensor " + TABLE + " has shape [" + rows + ", 1] but config.json implies [50, 32];"
                        + " refused before reading any weights");
        assertThat(allocatedBytes() - before).isLessThan(ALLOCATION_BOUND);
    }

    /** Writes a tiny BERT's folder (config.json, model.safetensors) and answers its tensors but {@code name}. */
    private List<Tensor> tinyBertWithout(String name) throws IOException {
        TinyCheckpoints.write(TinyCheckpoints.bert(Head.ENCODER, 3), dir);
        List<Tensor> tensors = new ArrayList<>(TinyCheckpoints.bert(Head.ENCODER, 3).weights().values());
        tensors.removeIf(t -> t.name().equals(name));
        return tensors;
    }

    /**
     * {@code model.safetensors} with {@code tensors} (F32, their data written) and then {@code holes} (F32 tensors of
     * those shapes whose data is the file's unwritten end).
     */
    private Path writeSafetensors(List<Tensor> tensors, Map<String, long[]> holes) throws IOException {
        StringBuilder header = new StringBuilder("{");
        long offset = 0;
        for (Tensor t : tensors) {
            header.append(entry(t.name(), t.shape(), offset, offset + 4L * t.data().length)).append(',');
            offset += 4L * t.data().length;
        }
        long written = offset;
        for (Map.Entry<String, long[]> hole : holes.entrySet()) {
            long bytes = 4 * Tensor.elementCount(hole.getValue());
            header.append(entry(hole.getKey(), hole.getValue(), offset, offset + bytes)).append(',');
            offset += bytes;
        }
        header.setCharAt(header.length() - 1, '}');
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer start = ByteBuffer.allocate(8 + json.length + (int) written).order(ByteOrder.LITTLE_ENDIAN);
        start.putLong(json.length).put(json);
        for (Tensor t : tensors) {
            for (float v : t.data()) {
                start.putFloat(v);
            }
        }
        Path file = dir.resolve("model.safetensors");
        Files.write(file, start.array());
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(8 + json.length + offset);
        }
        return file;
    }

    private static String entry(String name, long[] shape, long begin, long end) {
        return "\"" + name + "\": {\"dtype\": \"F32\", \"shape\": " + java.util.Arrays.toString(shape)
                + ", \"data_offsets\": [" + begin + ", " + end + "]}";
    }

    /**
     * A zip archive of stored entries, in ZIP64 form throughout: {@code small} with their bytes, then {@code hole},
     * an entry of {@code holeBytes} zero bytes left unwritten at the end of the file. Its CRC is not computed (the
     * JDK's {@code ZipFile} does not check it for stored entries).
     */
    static void writeSparseZip(Path file, Map<String, byte[]> small, String hole, long holeBytes) throws IOException {
        Map<String, byte[]> all = new LinkedHashMap<>(small);
        all.put(hole, null);
        ByteBuffer out = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        Map<String, Long> offsets = new LinkedHashMap<>();
        long position = 0;
        for (Map.Entry<String, byte[]> e : all.entrySet()) {
            byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
            long size = e.getValue() == null ? holeBytes : e.getValue().length;
            offsets.put(e.getKey(), position);
            out.putInt(0x04034b50).putShort((short) 45).putShort((short) 0).putShort((short) 0)
                    .putShort((short) 0).putShort((short) 0x21).putInt((int) crc(e.getValue()))
                    .putInt(-1).putInt(-1).putShort((short) name.length).putShort((short) 20).put(name)
                    .putShort((short) 1).putShort((short) 16).putLong(size).putLong(size);
            if (e.getValue() != null) {
                out.put(e.getValue());
            }
            position = out.position() + (e.getValue() == null ? holeBytes : 0);
        }
        // The hole comes last: the central directory follows it.
        long directory = position;
        ByteBuffer tail = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (Map.Entry<String, byte[]> e : all.entrySet()) {
            byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
            long size = e.getValue() == null ? holeBytes : e.getValue().length;
            tail.putInt(0x02014b50).putShort((short) 45).putShort((short) 45).putShort((short) 0).putShort((short) 0)
                    .putShort((short) 0).putShort((short) 0x21).putInt((int) crc(e.getValue())).putInt(-1).putInt(-1)
                    .putShort((short) name.length).putShort((short) 28).putShort((short) 0).putShort((short) 0)
                    .putShort((short) 0).putInt(0).putInt(-1).put(name)
                    .putShort((short) 1).putShort((short) 24).putLong(size).putLong(size).putLong(offsets.get(e.getKey()));
        }
        long directoryEnd = directory + tail.position();
        tail.putInt(0x06064b50).putLong(44).putShort((short) 45).putShort((short) 45).putInt(0).putInt(0)
                .putLong(all.size()).putLong(all.size()).putLong(directoryEnd - directory).putLong(directory);
        tail.putInt(0x07064b50).putInt(0).putLong(directoryEnd).putInt(1);
        tail.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) -1).putShort((short) -1)
                .putInt(-1).putInt(-1).putShort((short) 0);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.write(out.array(), 0, out.position());
            raf.seek(directory);
            raf.write(tail.array(), 0, tail.position());
        }
    }

    private static long crc(byte[] bytes) {
        if (bytes == null) {
            return 0;
        }
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(bytes);
        return crc.getValue();
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }
}

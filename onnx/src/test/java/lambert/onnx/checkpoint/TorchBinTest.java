package lambert.onnx.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class TorchBinTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F16", "BF16", "F64"})
    void read_writtenFile_givesTheSameValues(DType dtype) throws Exception {
        Path file = dir.resolve("pytorch_model.bin");
        List<Tensor> written = Fixtures.weights();
        TorchBinWriter.write(file, written, dtype);

        Map<String, Tensor> read = TorchBinReader.read(file);

        assertThat(read.keySet()).containsExactlyElementsOf(written.stream().map(Tensor::name).toList());
        for (Tensor t : written) {
            assertThat(read.get(t.name()).shape()).isEqualTo(t.shape());
            assertThat(read.get(t.name()).data()).containsExactly(t.data());
        }
    }

    @Test
    void read_moreThanOneSetitemsBatch_keepsOrderAndValues() throws Exception {
        List<Tensor> written = new ArrayList<>();
        for (int i = 0; i < 1203; i++) {
            written.add(Fixtures.tensor("layer." + i + ".weight", i, 2));
        }
        Path file = dir.resolve("pytorch_model.bin");
        TorchBinWriter.write(file, written);

        Map<String, Tensor> read = TorchBinReader.read(file);

        assertThat(read.keySet()).containsExactlyElementsOf(written.stream().map(Tensor::name).toList());
        assertThat(read.get("layer.1202.weight").data()).containsExactly(written.get(1202).data());
    }

    @Test
    void read_anyTopLevelFolderName_isAccepted() throws Exception {
        Path file = dir.resolve("pytorch_model.bin");
        Tensor t = Fixtures.tensor("w", 1, 3);
        TorchBinWriter.writeArchive(file, "pytorch_model", entries(TorchBinWriter.stateDictPickle(List.of(t), DType.F32),
                Map.of("data/0", Fixtures.littleEndianFloats(t.data()))));

        assertThat(TorchBinReader.read(file).get("w").data()).containsExactly(t.data());
    }

    @Test
    void read_tensorsSharingAStorageAtAnOffset_readTheirSlices() throws Exception {
        byte[] pickle = stateDict(p -> {
            p.string("a");
            tensorRef(p, "FloatStorage", "0", 6, 0, new long[] {2}, new long[] {1});
            p.string("b");
            tensorRef(p, "FloatStorage", "0", 6, 2, new long[] {2, 2}, new long[] {2, 1});
        });
        Path file = dir.resolve("pytorch_model.bin");
        TorchBinWriter.writeArchive(file, "archive", entries(pickle, Map.of("data/0", Fixtures.littleEndianFloats(1, 2, 3, 4, 5, 6))));

        Map<String, Tensor> read = TorchBinReader.read(file);

        assertThat(read.get("a").data()).containsExactly(1, 2);
        assertThat(read.get("b").data()).containsExactly(3, 4, 5, 6);
        assertThat(read.get("b").shape()).containsExactly(2, 2);
    }

    @Test
    void read_integerBuffer_isSkipped() throws Exception {
        byte[] pickle = stateDict(p -> {
            p.string("embeddings.position_ids");
            tensorRef(p, "LongStorage", "0", 3, 0, new long[] {1, 3}, new long[] {3, 1});
            p.string("w.weight");
            tensorRef(p, "FloatStorage", "1", 2, 0, new long[] {2}, new long[] {1});
        });
        Path file = dir.resolve("pytorch_model.bin");
        TorchBinWriter.writeArchive(file, "archive", entries(pickle,
                Map.of("data/0", Fixtures.littleEndianLongs(0, 1, 2), "data/1", Fixtures.littleEndianFloats(7, 8))));

        assertThat(TorchBinReader.read(file)).containsOnlyKeys("w.weight");
    }

    @Test
    void read_unsupportedStorage_namesTensorAndType() throws Exception {
        byte[] pickle = stateDict(p -> {
            p.string("w.weight");
            tensorRef(p, "ComplexFloatStorage", "0", 1, 0, new long[] {1}, new long[] {1});
        });
        Path file = dir.resolve("pytorch_model.bin");
        TorchBinWriter.writeArchive(file, "archive", entries(pickle, Map.of("data/0", new byte[8])));

        assertThatThrownBy(() -> TorchBinReader.read(file))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("w.weight").hasMessageContaining("torch.ComplexFloatStorage");
    }

    @Test
    void read_nonContiguousTensor_isRefused() throws Exception {
        byte[] pickle = stateDict(p -> {
            p.string("transposed");
            tensorRef(p, "FloatStorage", "0", 6, 0, new long[] {2, 3}, new long[] {1, 2});
        });
        Path file = dir.resolve("pytorch_model.bin");
        TorchBinWriter.writeArchive(file, "archive", entries(pickle, Map.of("data/0", Fixtures.littleEndianFloats(1, 2, 3, 4, 5, 6))));

        assertThatThrownBy(() -> TorchBinReader.read(file))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("transposed").hasMessageContaining("not contiguous");
    }

    @Test
    void read_storageEntrySmallerThanTheTensor_isRefused() throws Exception {
        byte[] pickle = stateDict(p -> {
            p.string("w");
            tensorRef(p, "FloatStorage", "0", 4, 0, new long[] {4}, new long[] {1});
        });
        Path file = dir.resolve("pytorch_model.bin");
        TorchBinWriter.writeArchive(file, "archive", entries(pickle, Map.of("data/0", Fixtures.littleEndianFloats(1, 2))));

        assertThatThrownBy(() -> TorchBinReader.read(file))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("tensor w needs 16 bytes of archive/data/0").hasMessageContaining("holds 8");
    }

    @Test
    void read_missingStorageEntry_isRefused() throws Exception {
        Path file = dir.resolve("pytorch_model.bin");
        TorchBinWriter.writeArchive(file, "archive",
                entries(TorchBinWriter.stateDictPickle(List.of(Fixtures.tensor("w", 1, 2)), DType.F32), Map.of()));

        assertThatThrownBy(() -> TorchBinReader.read(file))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("archive/data/0").hasMessageContaining("not in the archive");
    }

    @ParameterizedTest
    @CsvSource({"os, system", "builtins, eval", "__builtin__, getattr", "torch.nn, Module", "posix, system",
            "torch, load", "collections, defaultdict"})
    void read_forbiddenGlobal_isRefusedAndNeverRun(String module, String name) throws Exception {
        Path marker = dir.resolve("pwned");
        Path file = dir.resolve("pytorch_model.bin");
        TorchBinWriter.writeCallingGlobal(file, module, name, "touch " + marker);

        assertThatThrownBy(() -> TorchBinReader.read(file))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("global " + module + "." + name)
                .hasMessageContaining("refused");
        assertThat(marker).doesNotExist();
    }

    @Test
    void read_forbiddenStackGlobal_isRefused() throws Exception {
        byte[] pickle = new PickleWriter().proto(4).stackGlobal("os", "system").string("touch " + dir.resolve("pwned"))
                .op(PickleWriter.TUPLE1).op(PickleWriter.REDUCE).op(PickleWriter.STOP).toByteArray();
        Path file = dir.resolve("pytorch_model.bin");
        TorchBinWriter.writeArchive(file, "archive", entries(pickle, Map.of()));

        assertThatThrownBy(() -> TorchBinReader.read(file))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("global os.system");
        assertThat(dir.resolve("pwned")).doesNotExist();
    }

    @Test
    void read_forbiddenGlobalRegisteredInRazorvine_isStillRefused() throws Exception {
        // razorvine maps datetime.datetime and others in its own global registry: never consulted here.
        Path file = dir.resolve("pytorch_model.bin");
        TorchBinWriter.writeCallingGlobal(file, "datetime", "datetime", "x");

        assertThatThrownBy(() -> TorchBinReader.read(file))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("global datetime.datetime");
    }

    @Test
    void read_protocolZeroInst_isRefused() throws Exception {
        byte[] pickle = new PickleWriter().op(PickleWriter.MARK).op('i').toByteArray();
        byte[] withNames = concat(pickle, "os\nsystem\n.".getBytes(StandardCharsets.US_ASCII));
        Path file = dir.resolve("pytorch_model.bin");
        TorchBinWriter.writeArchive(file, "archive", entries(withNames, Map.of()));

        assertThatThrownBy(() -> TorchBinReader.read(file))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("opcode 0x69");
    }

    @Test
    void read_storageTypeCalled_isRefused() throws Exception {
        byte[] pickle = new PickleWriter().proto(2).global("torch", "FloatStorage").op(PickleWriter.EMPTY_TUPLE)
                .op(PickleWriter.REDUCE).op(PickleWriter.STOP).toByteArray();
        Path file = dir.resolve("pytorch_model.bin");
        TorchBinWriter.writeArchive(file, "archive", entries(pickle, Map.of()));

        assertThatThrownBy(() -> TorchBinReader.read(file))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("torch.FloatStorage is called");
    }

    @Test
    void read_hugeDeclaredStringLength_isRefusedWithoutAllocating() throws Exception {
        byte[] pickle = new PickleWriter().proto(2).op(PickleWriter.BINUNICODE).int32(Integer.MAX_VALUE).toByteArray();
        Path file = dir.resolve("pytorch_model.bin");
        TorchBinWriter.writeArchive(file, "archive", entries(pickle, Map.of()));

        assertThatThrownBy(() -> TorchBinReader.read(file))
                .isInstanceOf(CheckpointException.class).hasMessageContaining(Integer.MAX_VALUE + "-byte value");
    }

    @Test
    void read_pickleOverTheCap_isRefusedBeforeUnpickling() throws Exception {
        // One EMPTY_LIST per byte: uncapped, a few KB of deflated zip would fill the heap with lists.
        byte[] pickle = new byte[TorchBinReader.MAX_PICKLE_BYTES + 1];
        java.util.Arrays.fill(pickle, (byte) ']');
        Path file = dir.resolve("pytorch_model.bin");
        TorchBinWriter.writeArchive(file, "archive", entries(pickle, Map.of()));

        assertThatThrownBy(() -> TorchBinReader.read(file))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("data.pkl")
                .hasMessageContaining("expected at most " + TorchBinReader.MAX_PICKLE_BYTES);
    }

    @Test
    void read_notAStateDict_isRefused() throws Exception {
        byte[] pickle = stateDict(p -> p.string("epoch").integer(3));
        Path file = dir.resolve("pytorch_model.bin");
        TorchBinWriter.writeArchive(file, "archive", entries(pickle, Map.of()));

        assertThatThrownBy(() -> TorchBinReader.read(file))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("maps epoch to 3").hasMessageContaining("expected a tensor");
    }

    @ParameterizedTest
    @CsvSource({"archive/../../evil.txt", "/etc/evil", "archive/data/../../../evil"})
    void read_entryEscapingTheArchive_isRefused(String entryName) throws Exception {
        Path file = dir.resolve("pytorch_model.bin");
        TorchBinWriter.write(file, Fixtures.weights());
        Path slip = dir.resolve("slip.bin");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(slip));
                java.util.zip.ZipFile original = new java.util.zip.ZipFile(file.toFile())) {
            zip.putNextEntry(new ZipEntry(entryName));
            zip.write(1);
            zip.closeEntry();
            for (ZipEntry e : java.util.Collections.list(original.entries())) {
                zip.putNextEntry(new ZipEntry(e.getName()));
                zip.write(original.getInputStream(e).readAllBytes());
                zip.closeEntry();
            }
        }

        assertThatThrownBy(() -> TorchBinReader.read(slip))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(entryName).hasMessageContaining("escapes the archive");
    }

    @Test
    void read_compressedStorageEntry_isRefusedBeforeAllocating() throws Exception {
        Path file = dir.resolve("pytorch_model.bin");
        TorchBinWriter.write(file, Fixtures.weights());
        Path deflated = dir.resolve("deflated.bin");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(deflated));
                java.util.zip.ZipFile original = new java.util.zip.ZipFile(file.toFile())) {
            for (ZipEntry e : java.util.Collections.list(original.entries())) {
                zip.putNextEntry(new ZipEntry(e.getName())); // ZipOutputStream deflates by default
                zip.write(original.getInputStream(e).readAllBytes());
                zip.closeEntry();
            }
        }

        assertThatThrownBy(() -> TorchBinReader.read(deflated))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("/data/").hasMessageContaining("is compressed").hasMessageContaining("expected it stored");
    }

    @Test
    void read_bigEndianByteOrder_isRefused() throws Exception {
        Tensor t = Fixtures.tensor("w", 1, 2);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("data.pkl", TorchBinWriter.stateDictPickle(List.of(t), DType.F32));
        entries.put("byteorder", "big".getBytes(StandardCharsets.US_ASCII));
        entries.put("data/0", new byte[8]);
        Path file = dir.resolve("pytorch_model.bin");
        TorchBinWriter.writeArchive(file, "archive", entries);

        assertThatThrownBy(() -> TorchBinReader.read(file))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("big-endian");
    }

    @Test
    void read_legacyPickleFormat_saysToResave() throws Exception {
        Path file = dir.resolve("pytorch_model.bin");
        // What torch < 1.6 wrote first: the magic number 0x1950a86a20f9469cfc6c, pickled at protocol 2.
        Files.write(file, new byte[] {(byte) 0x80, 2, (byte) 0x8a, 10, 0x6c, (byte) 0xfc, (byte) 0x9c, 0x46,
                (byte) 0xf9, 0x20, 0x6a, (byte) 0xa8, 0x50, 0x19, '.'});

        assertThatThrownBy(() -> TorchBinReader.read(file))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("before 1.6").hasMessageContaining("torch 1.6 or newer").hasMessageContaining("safetensors");
    }

    @Test
    void read_notAZip_isRefused() throws Exception {
        Path file = dir.resolve("pytorch_model.bin");
        Files.writeString(file, "hello");

        assertThatThrownBy(() -> TorchBinReader.read(file))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("expected a zip archive");
    }

    @Test
    void read_noDataPkl_isRefused() throws Exception {
        Path file = dir.resolve("pytorch_model.bin");
        TorchBinWriter.writeArchive(file, "archive", Map.of("version", "3\n".getBytes(StandardCharsets.US_ASCII)));

        assertThatThrownBy(() -> TorchBinReader.read(file))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("no archive/data.pkl");
    }

    @Test
    void escapes_plainNames_areNotEscapes() {
        assertThat(TorchBinReader.escapes("archive/data/0")).isFalse();
        assertThat(TorchBinReader.escapes("archive/.data/version")).isFalse();
        assertThat(TorchBinReader.escapes("archive/..data")).isFalse();
        assertThat(TorchBinReader.escapes("C:/x")).isTrue();
        assertThat(TorchBinReader.escapes("a\\..\\b")).isTrue();
    }

    /** A state dict pickle whose items the caller writes (key, then value). */
    static byte[] stateDict(java.util.function.Consumer<PickleWriter> items) {
        PickleWriter p = new PickleWriter().proto(2).emptyOrderedDict().op(PickleWriter.MARK);
        items.accept(p);
        return p.op(PickleWriter.SETITEMS).op(PickleWriter.STOP).toByteArray();
    }

    static void tensorRef(PickleWriter p, String storage, String key, long numel, long offset, long[] shape, long[] stride) {
        p.global("torch._utils", "_rebuild_tensor_v2").op(PickleWriter.MARK);
        p.op(PickleWriter.MARK).string("storage").global("torch", storage).string(key).string("cpu").integer(numel)
                .op(PickleWriter.TUPLE).op(PickleWriter.BINPERSID);
        p.integer(offset).tuple(shape).tuple(stride).bool(false).emptyOrderedDict();
        p.op(PickleWriter.TUPLE).op(PickleWriter.REDUCE);
    }

    static Map<String, byte[]> entries(byte[] pickle, Map<String, byte[]> storages) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("data.pkl", pickle);
        entries.put("byteorder", "little".getBytes(StandardCharsets.US_ASCII));
        entries.putAll(storages);
        entries.put("version", "3\n".getBytes(StandardCharsets.US_ASCII));
        return entries;
    }

    static byte[] concat(byte[] a, byte[] b) {
        return SafetensorsTest.concat(a, b);
    }
}

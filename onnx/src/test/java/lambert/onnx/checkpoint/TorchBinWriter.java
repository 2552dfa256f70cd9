package lambert.onnx.checkpoint;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import lambert.base.io.PartialFiles;

/**
 * Writes a state dict in PyTorch's zip format, as {@code torch.save(model.state_dict(), f)} does:
 * {@code archive/data.pkl} (a protocol-2 pickle of an {@code OrderedDict} whose values are
 * {@code torch._utils._rebuild_tensor_v2} calls on persistent storage references),
 * {@code archive/byteorder}, {@code archive/data/<key>} (one storage per tensor, little-endian) and
 * {@code archive/version}. For test fixtures: real checkpoints come from PyTorch. The file is
 * written to a temp file in the same folder and moved into place.
 *
 * <pre>{@code
 * TorchBinWriter.write(Path.of("model/pytorch_model.bin"), checkpoint.weights().values());
 * }</pre>
 */
public final class TorchBinWriter {
    /** The top-level folder {@code torch.save} uses. */
    static final String ROOT = "archive";
    private static final int BATCH = 1000;

    private TorchBinWriter() {}

    /** Writes {@code tensors} as float32 storages ({@code torch.FloatStorage}). */
    public static void write(Path file, Collection<Tensor> tensors) throws IOException {
        write(file, tensors, DType.F32);
    }

    /** Writes {@code tensors} as storages of {@code dtype}: F32, F16 ({@code HalfStorage}), BF16 or F64. */
    public static void write(Path file, Collection<Tensor> tensors, DType dtype) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("data.pkl", stateDictPickle(tensors, dtype));
        entries.put("byteorder", "little".getBytes(StandardCharsets.US_ASCII));
        int key = 0;
        for (Tensor t : tensors) {
            ByteBuffer data = ByteBuffer.allocate(Math.multiplyExact(t.data().length, dtype.byteSize()))
                    .order(ByteOrder.LITTLE_ENDIAN);
            for (float v : t.data()) {
                dtype.encode(v, data);
            }
            entries.put("data/" + key++, data.array());
        }
        entries.put("version", "3\n".getBytes(StandardCharsets.US_ASCII));
        writeArchive(file, ROOT, entries);
    }

    /**
     * Writes a checkpoint whose {@code data.pkl} calls {@code module.name(argument)}, as a
     * malicious file would ({@code os.system("...")}): for tests that the reader refuses it.
     */
    public static void writeCallingGlobal(Path file, String module, String name, String argument) throws IOException {
        byte[] pickle = new PickleWriter().proto(2).global(module, name).string(argument)
                .op(PickleWriter.TUPLE1).op(PickleWriter.REDUCE).op(PickleWriter.STOP).toByteArray();
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("data.pkl", pickle);
        entries.put("byteorder", "little".getBytes(StandardCharsets.US_ASCII));
        entries.put("version", "3\n".getBytes(StandardCharsets.US_ASCII));
        writeArchive(file, ROOT, entries);
    }

    /** The pickle of {@code OrderedDict(name -> tensor)}, storage keys 0, 1, 2... in order. */
    static byte[] stateDictPickle(Collection<Tensor> tensors, DType dtype) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (Tensor t : tensors) {
            if (shapes.put(t.name(), t.shape()) != null) {
                throw new IllegalArgumentException("two tensors are called " + t.name());
            }
        }
        return stateDictPickle(shapes, dtype);
    }

    /**
     * The pickle of a state dict of tensors of {@code shapes}, each in a storage of its own (keys 0, 1, 2...)
     * holding exactly its values: what the tensors' data would be stored with, described without the data.
     */
    static byte[] stateDictPickle(Map<String, long[]> shapes, DType dtype) {
        String storage = storageType(dtype);
        PickleWriter p = new PickleWriter().proto(2).emptyOrderedDict();
        int key = 0;
        int inBatch = 0;
        for (Map.Entry<String, long[]> t : shapes.entrySet()) {
            if (inBatch == 0) {
                p.op(PickleWriter.MARK);
            }
            p.string(t.getKey());
            p.global("torch._utils", "_rebuild_tensor_v2");
            p.op(PickleWriter.MARK);
            p.op(PickleWriter.MARK).string("storage").global("torch", storage).string(Integer.toString(key++))
                    .string("cpu").integer(Tensor.elementCount(t.getValue())).op(PickleWriter.TUPLE)
                    .op(PickleWriter.BINPERSID);
            p.integer(0);
            long[] shape = t.getValue();
            p.tuple(shape);
            p.tuple(contiguousStrides(shape));
            p.bool(false);
            p.emptyOrderedDict();
            p.op(PickleWriter.TUPLE).op(PickleWriter.REDUCE);
            if (++inBatch == BATCH) {
                p.op(PickleWriter.SETITEMS);
                inBatch = 0;
            }
        }
        if (inBatch > 0) {
            p.op(PickleWriter.SETITEMS);
        }
        // state_dict()'s _metadata attribute, set through BUILD as pickle does for an OrderedDict.
        p.op(PickleWriter.EMPTY_DICT).string("_metadata").emptyOrderedDict().op(PickleWriter.SETITEM)
                .op(PickleWriter.BUILD);
        return p.op(PickleWriter.STOP).toByteArray();
    }

    static long[] contiguousStrides(long[] shape) {
        long[] stride = new long[shape.length];
        long s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            stride[i] = s;
            s *= shape[i];
        }
        return stride;
    }

    private static String storageType(DType dtype) {
        switch (dtype) {
            case F32:
                return "FloatStorage";
            case F16:
                return "HalfStorage";
            case BF16:
                return "BFloat16Storage";
            case F64:
                return "DoubleStorage";
            default:
                throw new IllegalArgumentException("cannot write float tensors as " + dtype
                        + "; expected F32, F16, BF16 or F64");
        }
    }

    /** Writes {@code entries} (names relative to {@code root}) uncompressed, as PyTorch does. */
    static void writeArchive(Path file, String root, Map<String, byte[]> entries) throws IOException {
        Path target = file.toAbsolutePath();
        Files.createDirectories(target.getParent());
        Path temp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".partial");
        try {
            try (OutputStream out = Files.newOutputStream(temp); ZipOutputStream zip = new ZipOutputStream(out)) {
                for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                    ZipEntry entry = new ZipEntry(root.isEmpty() ? e.getKey() : root + "/" + e.getKey());
                    entry.setMethod(ZipEntry.STORED);
                    entry.setSize(e.getValue().length);
                    entry.setCompressedSize(e.getValue().length);
                    CRC32 crc = new CRC32();
                    crc.update(e.getValue());
                    entry.setCrc(crc.getValue());
                    zip.putNextEntry(entry);
                    zip.write(e.getValue());
                    zip.closeEntry();
                }
            }
            PartialFiles.replace(temp, target);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}

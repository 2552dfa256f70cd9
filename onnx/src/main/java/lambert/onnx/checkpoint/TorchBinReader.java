package lambert.onnx.checkpoint;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import lambert.onnx.checkpoint.StateDictUnpickler.StorageType;
import lambert.onnx.checkpoint.StateDictUnpickler.TensorRef;

/**
 * Reads a {@code pytorch_model.bin} in PyTorch's zip format (torch 1.6 and later): one top-level
 * folder of any name holding {@code data.pkl} (the state dict, pickled), {@code data/<key>} (the
 * raw little-endian storages) and {@code byteorder}. {@code data.pkl} is unpickled with an
 * allowlist of globals ({@code collections.OrderedDict}, {@code torch._utils._rebuild_tensor_v2},
 * {@code torch._utils._rebuild_parameter}, the {@code torch.*Storage} types): a pickle naming any
 * other global is refused before anything in it is constructed or run. Tensors must be contiguous
 * views of their storage, and storages stored uncompressed (as {@code torch.save} writes them); F32, F16, BF16 and F64 become float32, integer buffers are skipped.
 * Every tensor the pickle describes is checked before any storage is read: its storage's bounds and entry size
 * against the archive, and, given the architecture's {@link ExpectedWeights}, its shape against what {@code
 * config.json} implies (tensors the architecture does not read are skipped unread).
 *
 * <pre>{@code
 * Map<String, Tensor> weights = TorchBinReader.read(Path.of("model/pytorch_model.bin"));
 * }</pre>
 */
public final class TorchBinReader {
    /**
     * The largest {@code data.pkl} accepted (BERT-large's is under 100 KB). Each pickle byte can push
     * one object (a 64 MB run of EMPTY_LIST, 58 KB deflated, took 1.8 GB of heap), so the cap bounds
     * what a hostile pickle can allocate: 8 MB, about 250 MB of heap at worst.
     */
    public static final int MAX_PICKLE_BYTES = 8 * 1024 * 1024;
    /** Deflate cannot expand data more than about 1032 times; a larger claim is a lie. */
    private static final long MAX_DEFLATE_RATIO = 1100;
    private static final int CHUNK_BYTES = 1 << 20;

    private TorchBinReader() {}

    /** Reads every tensor of the state dict in {@code file}, in the pickle's order. */
    public static Map<String, Tensor> read(Path file) throws CheckpointException, IOException {
        return readWeights(file, ExpectedWeights.everything()).tensors();
    }

    /**
     * Reads the tensors of {@code file} that {@code expected} declares, in the pickle's order, after checking every
     * tensor the pickle describes (dtype, shape against {@code expected}, storage bounds and entry sizes against the
     * archive) before any storage is read.
     */
    public static Map<String, Tensor> read(Path file, ExpectedWeights expected) throws CheckpointException, IOException {
        return readWeights(file, expected).tensors();
    }

    static Weights readWeights(Path file, ExpectedWeights expected) throws CheckpointException, IOException {
        String what = file.toString();
        checkZip(file, what);
        long fileSize = Files.size(file);
        try (ZipFile zip = new ZipFile(file.toFile())) {
            return read(zip, fileSize, what, expected);
        } catch (ZipException | EOFException e) {
            throw new CheckpointException(what + ": not a readable zip archive: " + e.getMessage(), e);
        }
    }

    /** Refuses what is not a zip archive, with a better message for legacy torch files. */
    private static void checkZip(Path file, String what) throws CheckpointException, IOException {
        ByteBuffer head = ByteBuffer.allocate(512);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            while (head.hasRemaining() && channel.read(head) > 0) {
                // read up to 512 bytes
            }
        }
        byte[] b = Arrays.copyOf(head.array(), head.position());
        if (b.length == 0) {
            throw new CheckpointException(what + ": the file is empty");
        }
        if (b.length >= 4 && b[0] == 'P' && b[1] == 'K' && (b[2] == 3 || b[2] == 5) && (b[3] == 4 || b[3] == 6)) {
            return;
        }
        String legacy = ": written by torch before 1.6 in the legacy format, which lambert does not read;"
                + " load and save it again with torch 1.6 or newer, or convert it to model.safetensors";
        if ((b[0] & 0xff) == 0x80) {
            throw new CheckpointException(what + legacy);
        }
        if (b.length >= 262 && new String(b, 257, 5, StandardCharsets.US_ASCII).equals("ustar")) {
            throw new CheckpointException(what + legacy);
        }
        throw new CheckpointException(what + ": not a PyTorch checkpoint: expected a zip archive (torch 1.6 or newer)"
                + " starting with PK, found bytes " + hex(b, 4));
    }

    private static Weights read(ZipFile zip, long fileSize, String what, ExpectedWeights expected)
            throws CheckpointException, IOException {
        String root = null;
        List<String> names = new ArrayList<>();
        Enumeration<? extends ZipEntry> entries = zip.entries();
        while (entries.hasMoreElements()) {
            String name = entries.nextElement().getName();
            if (escapes(name)) {
                throw new CheckpointException(what + ": the archive holds the entry " + StateDictUnpickler.printable(name)
                        + ", a path that escapes the archive; refused");
            }
            int slash = name.indexOf('/');
            if (slash <= 0) {
                throw new CheckpointException(what + ": the entry " + StateDictUnpickler.printable(name)
                        + " is not inside a top-level folder, as PyTorch writes every entry");
            }
            if (root == null) {
                root = name.substring(0, slash);
            }
            names.add(name);
        }
        if (root == null) {
            throw new CheckpointException(what + ": the zip archive is empty; expected <folder>/data.pkl and <folder>/data/");
        }
        ZipEntry pickleEntry = zip.getEntry(root + "/data.pkl");
        if (pickleEntry == null) {
            throw new CheckpointException(what + ": no " + root + "/data.pkl in the archive (found "
                    + names.subList(0, Math.min(5, names.size())) + (names.size() > 5 ? "..." : "")
                    + "); is this a PyTorch checkpoint?");
        }
        checkByteOrder(zip, root, fileSize, what);
        byte[] pickle = readSmall(zip, pickleEntry, MAX_PICKLE_BYTES, fileSize, what);
        Object top = new StateDictUnpickler(what + " (data.pkl)").loadChecked(pickle);
        if (!(top instanceof Map)) {
            throw new CheckpointException(what + ": data.pkl holds " + StateDictUnpickler.describe(top)
                    + "; expected a state dict (a dict of tensor names to tensors)");
        }
        // Every tensor's description first: one that cannot be what the architecture reads is refused before any
        // storage is read.
        List<Planned> planned = new ArrayList<>();
        Set<String> skipped = new LinkedHashSet<>();
        for (Map.Entry<?, ?> e : ((Map<?, ?>) top).entrySet()) {
            if (!(e.getKey() instanceof String)) {
                throw new CheckpointException(what + ": the state dict has the key " + e.getKey() + "; expected tensor names");
            }
            String name = (String) e.getKey();
            if (!(e.getValue() instanceof TensorRef)) {
                throw new CheckpointException(what + ": the state dict maps " + StateDictUnpickler.printable(name) + " to "
                        + StateDictUnpickler.describe(e.getValue()) + "; expected a tensor (lambert reads plain state dicts)");
            }
            TensorRef ref = (TensorRef) e.getValue();
            StorageType type = ref.storage().type();
            if (type.dtype() == null) {
                throw new CheckpointException(DType.unsupported(what, name, type.global()));
            }
            if (!expected.reads(name) || !type.dtype().converts(what, name, expected.declares(name))) {
                skipped.add(name);
                continue;
            }
            String mismatch = expected.check(name, ref.shape());
            if (mismatch != null) {
                throw new CheckpointException(what + ": " + mismatch + "; refused before reading any weights");
            }
            planned.add(plan(zip, root, fileSize, what, name, ref));
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Planned p : planned) {
            tensors.put(p.name(), load(zip, what, p));
        }
        return new Weights(tensors, skipped);
    }

    /** A tensor checked and ready to read: {@code count} values of {@code dtype} at {@code byteOffset} of {@code entry}. */
    private record Planned(String name, long[] shape, DType dtype, ZipEntry entry, long byteOffset, long count) {}

    /** Checks what the pickle says of tensor {@code name} against its storage entry, reading nothing of it. */
    private static Planned plan(ZipFile zip, String root, long fileSize, String what, String name, TensorRef ref)
            throws CheckpointException {
        DType dtype = ref.storage().type().dtype();
        long[] shape = ref.shape();
        long count = 1;
        long byteOffset;
        long bytes;
        try {
            for (long d : shape) {
                count = Math.multiplyExact(count, d);
            }
            byteOffset = Math.multiplyExact(ref.offset(), (long) dtype.byteSize());
            bytes = Math.multiplyExact(count, (long) dtype.byteSize());
            Math.addExact(byteOffset, bytes);
        } catch (ArithmeticException overflow) {
            throw new CheckpointException(what + ": tensor " + name + ": shape " + Arrays.toString(shape) + " at offset "
                    + ref.offset() + " is too large to be real");
        }
        if (count > SafetensorsReader.MAX_VALUES) {
            throw new CheckpointException(what + ": tensor " + name + " holds " + count
                    + " values, more than one Java array can (" + SafetensorsReader.MAX_VALUES + ")");
        }
        checkContiguous(what, name, shape, ref.stride());
        if (count > 0 && ref.offset() + count > ref.storage().numel()) {
            throw new CheckpointException(what + ": tensor " + name + " needs values " + ref.offset() + ".."
                    + (ref.offset() + count) + " of a storage of " + ref.storage().numel());
        }
        String entryName = root + "/data/" + ref.storage().key();
        ZipEntry entry = zip.getEntry(entryName);
        if (entry == null) {
            throw new CheckpointException(what + ": tensor " + name + " is stored in " + entryName
                    + ", which is not in the archive");
        }
        if (entry.getMethod() != ZipEntry.STORED) {
            // torch.save stores storages uncompressed (so they can be memory-mapped); a deflated one
            // could claim ~1000 times its bytes and have lambert allocate that before reading any.
            throw new CheckpointException(what + ": tensor " + name + ": " + entryName + " is compressed (zip method "
                    + entry.getMethod() + "); expected it stored uncompressed, as torch.save writes it:"
                    + " save the checkpoint again with torch.save, or as safetensors");
        }
        long needed = byteOffset + bytes;
        if (entry.getSize() >= 0 && entry.getSize() < needed) {
            throw new CheckpointException(what + ": tensor " + name + " needs " + needed + " bytes of " + entryName
                    + " (offset " + ref.offset() + " + " + count + " values of " + dtype.byteSize()
                    + " bytes), but the entry holds " + entry.getSize());
        }
        checkDeclaredSize(entry, fileSize, what);
        return new Planned(name, shape, dtype, entry, byteOffset, count);
    }

    private static Tensor load(ZipFile zip, String what, Planned p) throws CheckpointException, IOException {
        DType dtype = p.dtype();
        long count = p.count();
        long bytes = count * dtype.byteSize();
        String entryName = p.entry().getName();
        float[] data = new float[(int) count];
        try (InputStream in = zip.getInputStream(p.entry())) {
            in.skipNBytes(p.byteOffset());
            int perChunk = CHUNK_BYTES / dtype.byteSize();
            byte[] chunk = new byte[(int) Math.min(bytes, (long) perChunk * dtype.byteSize())];
            for (int done = 0; done < count; ) {
                int n = (int) Math.min(count - done, perChunk);
                int len = n * dtype.byteSize();
                if (in.readNBytes(chunk, 0, len) != len) {
                    throw new EOFException("end of entry");
                }
                dtype.decode(ByteBuffer.wrap(chunk, 0, len), data, done, n);
                done += n;
            }
        } catch (EOFException | ZipException e) {
            throw new CheckpointException(what + ": tensor " + p.name() + ": " + entryName + " is truncated or corrupt ("
                    + e.getMessage() + ")", e);
        }
        return new Tensor(p.name(), p.shape(), data);
    }

    /** Refuses views that are not the row-major contiguous layout (sizes of 1 may have any stride). */
    private static void checkContiguous(String what, String name, long[] shape, long[] stride) throws CheckpointException {
        long expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] == 0) {
                return;
            }
            if (shape[i] != 1 && stride[i] != expected) {
                throw new CheckpointException(what + ": tensor " + name + " is not contiguous (shape " + Arrays.toString(shape)
                        + ", stride " + Arrays.toString(stride) + "); save it with .contiguous() or as safetensors");
            }
            expected *= shape[i];
        }
    }

    private static void checkByteOrder(ZipFile zip, String root, long fileSize, String what) throws CheckpointException, IOException {
        ZipEntry entry = zip.getEntry(root + "/byteorder");
        if (entry == null) {
            return;
        }
        String order = new String(readSmall(zip, entry, 16, fileSize, what), StandardCharsets.US_ASCII).trim();
        if (order.equals("big")) {
            throw new CheckpointException(what + ": written on a big-endian machine (byteorder is \"big\");"
                    + " lambert reads little-endian checkpoints only");
        }
        if (!order.equals("little")) {
            throw new CheckpointException(what + ": byteorder should be \"little\" or \"big\", found \""
                    + StateDictUnpickler.printable(order) + "\"");
        }
    }

    private static byte[] readSmall(ZipFile zip, ZipEntry entry, int max, long fileSize, String what) throws CheckpointException, IOException {
        if (entry.getSize() > max) {
            throw new CheckpointException(what + ": " + entry.getName() + " has " + entry.getSize()
                    + " bytes; expected at most " + max);
        }
        checkDeclaredSize(entry, fileSize, what);
        try (InputStream in = zip.getInputStream(entry)) {
            byte[] bytes = in.readNBytes(max + 1);
            if (bytes.length > max) {
                throw new CheckpointException(what + ": " + entry.getName() + " is larger than " + max + " bytes");
            }
            return bytes;
        } catch (EOFException | ZipException e) {
            throw new CheckpointException(what + ": " + entry.getName() + " is truncated or corrupt (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Refuses an entry whose declared size the file cannot back: a stored entry larger than the
     * file, or a deflated one larger than deflate can expand its compressed bytes to.
     */
    private static void checkDeclaredSize(ZipEntry entry, long fileSize, String what) throws CheckpointException {
        long size = entry.getSize();
        long compressed = entry.getCompressedSize();
        boolean lies = size < 0 || (entry.getMethod() == ZipEntry.STORED)
                ? size > fileSize
                : compressed > fileSize || (compressed >= 0 && size > compressed * MAX_DEFLATE_RATIO + 1024);
        if (lies) {
            throw new CheckpointException(what + ": " + entry.getName() + " claims " + size + " bytes ("
                    + compressed + " compressed) in a file of " + fileSize + "; the archive is corrupt");
        }
    }

    /** Whether a zip entry name is absolute or climbs out of the archive. */
    static boolean escapes(String name) {
        if (name.isEmpty() || name.startsWith("/") || name.startsWith("\\") || name.indexOf('\0') >= 0
                || (name.length() > 1 && name.charAt(1) == ':')) {
            return true;
        }
        for (String segment : name.split("[/\\\\]")) {
            if (segment.equals("..")) {
                return true;
            }
        }
        return false;
    }

    private static String hex(byte[] b, int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(n, b.length); i++) {
            s.append(String.format("%02x", b[i] & 0xff));
        }
        return s.toString();
    }
}

package lambert.onnx.checkpoint;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a {@code .safetensors} file: an 8-byte little-endian header length, a JSON header naming
 * each tensor's {@code dtype}, {@code shape} and {@code data_offsets} (relative to the data that
 * follows the header), then the data. F32, F16, BF16 and F64 tensors become float32; integer
 * buffers ({@code position_ids}) are skipped. Every header is checked before any data is read: lengths and
 * offsets against the file, and, given the architecture's {@link ExpectedWeights}, each tensor's shape against
 * what {@code config.json} implies (tensors the architecture does not read are skipped unread). The file is read
 * with positioned reads, never whole.
 *
 * <pre>{@code
 * Map<String, Tensor> weights = SafetensorsReader.read(Path.of("model/model.safetensors"));
 * }</pre>
 */
public final class SafetensorsReader {
    /** The largest header accepted (the format's own reader uses the same cap). */
    public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;
    /** The most values one tensor may hold: the largest Java array. */
    static final long MAX_VALUES = Integer.MAX_VALUE - 8;
    private static final int CHUNK_BYTES = 1 << 20;

    private SafetensorsReader() {}

    /** Reads every tensor of {@code file}, in header order. */
    public static Map<String, Tensor> read(Path file) throws CheckpointException, IOException {
        return readWeights(file, ExpectedWeights.everything()).tensors();
    }

    /**
     * Reads the tensors of {@code file} that {@code expected} declares, in header order, after checking every
     * tensor's header (dtype, shape against {@code expected}, byte range against the file) before any data is read.
     */
    public static Map<String, Tensor> read(Path file, ExpectedWeights expected) throws CheckpointException, IOException {
        return readWeights(file, expected).tensors();
    }

    /** Reads safetensors bytes held in memory; {@code name} names them in errors. */
    public static Map<String, Tensor> read(byte[] bytes, String name) throws CheckpointException {
        return read(bytes, name, ExpectedWeights.everything());
    }

    /** Reads the tensors that {@code expected} declares from safetensors bytes held in memory. */
    public static Map<String, Tensor> read(byte[] bytes, String name, ExpectedWeights expected) throws CheckpointException {
        try {
            return read(ByteSource.of(bytes), name, expected).tensors();
        } catch (IOException e) {
            throw new CheckpointException(name + ": cannot be read: " + e.getMessage(), e);
        }
    }

    static Weights readWeights(Path file, ExpectedWeights expected) throws CheckpointException, IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(ByteSource.of(channel), file.toString(), expected);
        }
    }

    static Weights read(ByteSource source, String what, ExpectedWeights expected) throws CheckpointException, IOException {
        long size = source.size();
        if (size < 8) {
            throw new CheckpointException(what + ": truncated: " + size
                    + " bytes, but a safetensors file starts with an 8-byte header length");
        }
        ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        source.readFully(0, lengthBytes);
        long headerLength = lengthBytes.getLong(0);
        if (headerLength < 0 || headerLength > MAX_HEADER_BYTES) {
            throw new CheckpointException(what + ": the header length is " + Long.toUnsignedString(headerLength)
                    + " bytes; expected at most " + MAX_HEADER_BYTES + " (is this a safetensors file?)");
        }
        if (headerLength > size - 8) {
            throw new CheckpointException(what + ": truncated header: it claims " + headerLength
                    + " bytes but the file has " + (size - 8) + " after the length");
        }
        ByteBuffer header = ByteBuffer.allocate((int) headerLength);
        source.readFully(8, header);
        Object tree = ModelConfig.parseJson(header.array(), what + " header");
        if (!(tree instanceof Map)) {
            throw new CheckpointException(what + ": the header should be a JSON object, found " + ModelConfig.typeName(tree));
        }
        long dataStart = 8 + headerLength;
        long dataSize = size - dataStart;
        // Every header first: a tensor that cannot be what the architecture reads is refused before any data is.
        Map<String, Entry> planned = new LinkedHashMap<>();
        Set<String> skipped = new LinkedHashSet<>();
        for (Map.Entry<?, ?> e : ((Map<?, ?>) tree).entrySet()) {
            String name = String.valueOf(e.getKey());
            if (name.equals("__metadata__")) {
                if (!(e.getValue() instanceof Map)) {
                    throw new CheckpointException(what + ": __metadata__ should be an object, found "
                            + ModelConfig.typeName(e.getValue()));
                }
                continue;
            }
            Entry entry = entry(what, name, e.getValue(), dataSize);
            if (!expected.reads(name)) {
                skipped.add(name);
            } else if (!entry.dtype.converts(what, name, expected.declares(name))) {
                skipped.add(name);
            } else {
                String mismatch = expected.check(name, entry.shape);
                if (mismatch != null) {
                    throw new CheckpointException(what + ": " + mismatch + "; refused before reading any weights");
                }
                planned.put(name, entry);
            }
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, Entry> e : planned.entrySet()) {
            Entry entry = e.getValue();
            float[] data = readValues(source, dataStart + entry.begin, entry.dtype, (int) entry.count, what, e.getKey());
            tensors.put(e.getKey(), new Tensor(e.getKey(), entry.shape, data));
        }
        return new Weights(tensors, skipped);
    }

    private record Entry(DType dtype, long[] shape, long count, long begin) {}

    private static Entry entry(String what, String name, Object value, long dataSize) throws CheckpointException {
        if (!(value instanceof Map)) {
            throw new CheckpointException(what + ": tensor " + name + " should be described by an object, found "
                    + ModelConfig.typeName(value));
        }
        Map<?, ?> m = (Map<?, ?>) value;
        Object dtypeValue = m.get("dtype");
        if (!(dtypeValue instanceof String)) {
            throw new CheckpointException(what + ": tensor " + name + ": \"dtype\" should be a string, found "
                    + ModelConfig.typeName(dtypeValue));
        }
        DType dtype = DType.ofSafetensors((String) dtypeValue);
        if (dtype == null) {
            throw new CheckpointException(DType.unsupported(what, name, (String) dtypeValue));
        }
        long[] shape = longs(what, name, "shape", m.get("shape"));
        long[] offsets = longs(what, name, "data_offsets", m.get("data_offsets"));
        if (offsets.length != 2) {
            throw new CheckpointException(what + ": tensor " + name + ": \"data_offsets\" should be [begin, end], found "
                    + Arrays.toString(offsets));
        }
        long count = 1;
        long bytes;
        try {
            for (long d : shape) {
                count = Math.multiplyExact(count, d);
            }
            bytes = Math.multiplyExact(count, (long) dtype.byteSize());
        } catch (ArithmeticException overflow) {
            throw new CheckpointException(what + ": tensor " + name + ": shape " + Arrays.toString(shape)
                    + " is too large to be real");
        }
        long begin = offsets[0];
        long end = offsets[1];
        if (begin > end) {
            throw new CheckpointException(what + ": tensor " + name + ": data_offsets " + Arrays.toString(offsets)
                    + " end before they begin");
        }
        if (end > dataSize) {
            throw new CheckpointException(what + ": tensor " + name + ": data_offsets " + Arrays.toString(offsets)
                    + " reach beyond the file, whose data section has " + dataSize + " bytes");
        }
        if (end - begin != bytes) {
            throw new CheckpointException(what + ": tensor " + name + ": shape " + Arrays.toString(shape) + " of "
                    + dtype + " needs " + bytes + " bytes, but data_offsets " + Arrays.toString(offsets)
                    + " span " + (end - begin));
        }
        if (dtype.isFloating() && count > MAX_VALUES) {
            throw new CheckpointException(what + ": tensor " + name + " holds " + count
                    + " values, more than one Java array can (" + MAX_VALUES + ")");
        }
        return new Entry(dtype, shape, count, begin);
    }

    private static long[] longs(String what, String name, String field, Object value) throws CheckpointException {
        if (!(value instanceof List)) {
            throw new CheckpointException(what + ": tensor " + name + ": \"" + field
                    + "\" should be an array of whole numbers, found " + ModelConfig.typeName(value));
        }
        List<?> list = (List<?>) value;
        long[] out = new long[list.size()];
        for (int i = 0; i < out.length; i++) {
            Object v = list.get(i);
            if (!(v instanceof Long) || (Long) v < 0) {
                throw new CheckpointException(what + ": tensor " + name + ": \"" + field
                        + "\" should hold whole numbers of at least 0, found " + v);
            }
            out[i] = (Long) v;
        }
        return out;
    }

    /** Reads {@code count} values of {@code dtype} from {@code position} in chunks. */
    static float[] readValues(ByteSource source, long position, DType dtype, int count, String what, String name)
            throws CheckpointException, IOException {
        float[] data = new float[count];
        int perChunk = CHUNK_BYTES / dtype.byteSize();
        ByteBuffer buffer = ByteBuffer.allocate(Math.min(count, perChunk) * dtype.byteSize());
        long at = position;
        for (int done = 0; done < count; ) {
            int n = Math.min(count - done, perChunk);
            buffer.clear().limit(n * dtype.byteSize());
            try {
                source.readFully(at, buffer);
            } catch (EOFException e) {
                throw new CheckpointException(what + ": truncated: the data of tensor " + name + " ends early", e);
            }
            buffer.flip();
            dtype.decode(buffer, data, done, n);
            done += n;
            at += (long) n * dtype.byteSize();
        }
        return data;
    }
}

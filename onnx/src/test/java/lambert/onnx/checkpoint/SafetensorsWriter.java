package lambert.onnx.checkpoint;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import lambert.base.io.PartialFiles;

/**
 * Writes tensors as a {@code .safetensors} file, with {@code __metadata__ {"format": "pt"}} as
 * Hugging Face writes it. Values are stored as F32 by default, or rounded to nearest even as F16
 * or BF16. The file is written to a temp file in the same folder and moved into place.
 *
 * <pre>{@code
 * SafetensorsWriter.write(Path.of("out/model.safetensors"), checkpoint.weights().values());
 * }</pre>
 */
public final class SafetensorsWriter {
    private static final JsonFactory JSON = new JsonFactory();
    private static final int CHUNK_VALUES = 1 << 18;

    private SafetensorsWriter() {}

    /** Writes {@code tensors} as F32, in the order given. */
    public static void write(Path file, Collection<Tensor> tensors) throws IOException {
        write(file, tensors, DType.F32);
    }

    /**
     * Writes {@code tensors} as {@code dtype} (F32, F16, BF16 or F64), in the order given; two
     * tensors with the same name are refused.
     */
    public static void write(Path file, Collection<Tensor> tensors, DType dtype) throws IOException {
        if (!dtype.isFloating()) {
            throw new IllegalArgumentException("cannot write float tensors as " + dtype + "; expected F32, F16, BF16 or F64");
        }
        byte[] header = header(tensors, dtype);
        Path target = file.toAbsolutePath();
        Files.createDirectories(target.getParent());
        Path temp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".partial");
        try {
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length);
                writeFully(out, length);
                writeFully(out, ByteBuffer.wrap(header));
                ByteBuffer chunk = ByteBuffer.allocate(CHUNK_VALUES * dtype.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
                for (Tensor t : tensors) {
                    float[] data = t.data();
                    for (int i = 0; i < data.length; ) {
                        chunk.clear();
                        int n = Math.min(CHUNK_VALUES, data.length - i);
                        for (int j = 0; j < n; j++) {
                            dtype.encode(data[i + j], chunk);
                        }
                        chunk.flip();
                        writeFully(out, chunk);
                        i += n;
                    }
                }
            }
            PartialFiles.replace(temp, target);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** The JSON header, padded with spaces to a multiple of 8 bytes so the data stays aligned. */
    private static byte[] header(Collection<Tensor> tensors, DType dtype) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Set<String> names = new HashSet<>();
        try (JsonGenerator json = JSON.createGenerator(bytes)) {
            json.writeStartObject();
            json.writeObjectFieldStart("__metadata__");
            json.writeStringField("format", "pt");
            json.writeEndObject();
            long offset = 0;
            for (Tensor t : tensors) {
                if (!names.add(t.name())) {
                    throw new IllegalArgumentException("two tensors are called " + t.name());
                }
                long end = offset + (long) t.data().length * dtype.byteSize();
                json.writeObjectFieldStart(t.name());
                json.writeStringField("dtype", dtype.name());
                json.writeArrayFieldStart("shape");
                for (long d : t.shape()) {
                    json.writeNumber(d);
                }
                json.writeEndArray();
                json.writeArrayFieldStart("data_offsets");
                json.writeNumber(offset);
                json.writeNumber(end);
                json.writeEndArray();
                json.writeEndObject();
                offset = end;
            }
            json.writeEndObject();
        }
        while (bytes.size() % 8 != 0) {
            bytes.write(' ');
        }
        return bytes.toByteArray();
    }

    private static void writeFully(FileChannel out, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
    }
}

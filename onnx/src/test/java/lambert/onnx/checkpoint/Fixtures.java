package lambert.onnx.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small tensors and hand-made files for the reader tests. */
final class Fixtures {
    private Fixtures() {}

    /** Values exactly representable in F16 and BF16 (multiples of 1/8 up to 16), so every round trip is exact. */
    static Tensor tensor(String name, int seed, long... shape) {
        int n = (int) Tensor.elementCount(shape);
        float[] data = new float[n];
        for (int i = 0; i < n; i++) {
            data[i] = ((i * 7 + seed * 13) % 129 - 64) / 8f;
        }
        return new Tensor(name, shape, data);
    }

    /** A tiny BERT-like set of weights. */
    static List<Tensor> weights() {
        return List.of(
                tensor("embeddings.word_embeddings.weight", 1, 10, 4),
                tensor("embeddings.LayerNorm.weight", 2, 4),
                tensor("encoder.layer.0.attention.self.query.weight", 3, 4, 4),
                tensor("encoder.layer.0.attention.self.query.bias", 4, 4),
                tensor("pooler.dense.weight", 5, 2, 2, 1),
                tensor("scalar", 6));
    }

    /** {@link #weights()} as what an architecture expects: each name with its shape, under the prefix bert. */
    static ExpectedWeights expected() {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (Tensor t : weights()) {
            shapes.put(t.name(), t.shape());
        }
        return ExpectedWeights.of("bert.", shapes);
    }

    static void config(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"),
                "{\"model_type\": \"bert\", \"hidden_size\": 4, \"num_hidden_layers\": 1}");
    }

    /** A safetensors file from a header written by hand and raw data bytes. */
    static byte[] safetensors(String header, byte[] data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(data);
        return b.array();
    }

    static byte[] littleEndianFloats(float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    static byte[] littleEndianLongs(long... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        return b.array();
    }
}

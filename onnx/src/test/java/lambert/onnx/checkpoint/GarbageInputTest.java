package lambert.onnx.checkpoint;

import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutated and truncated versions of valid files (fixed seeds): every outcome must be tensors or a
 * {@link CheckpointException}, never another exception or error. A deterministic stand-in for the
 * fuzzing to come; the entry points are the same.
 */
class GarbageInputTest {
    private static final long[] EXTREMES = {0, 1, -1, 7, 8, 255, 65535, Integer.MAX_VALUE, Integer.MIN_VALUE,
        1L << 32, 1L << 60, Long.MAX_VALUE, Long.MIN_VALUE};

    @TempDir
    Path dir;

    @Test
    void safetensorsReader_mutatedFiles_giveTensorsOrCheckpointException() throws Exception {
        Path file = dir.resolve("model.safetensors");
        SafetensorsWriter.write(file, withBuffer(), DType.F16);
        byte[] valid = Files.readAllBytes(file);
        Random random = new Random(20261128);
        for (int i = 0; i < 3000; i++) {
            byte[] mutated = mutate(valid, random);
            expectTensorsOrCheckpointException("safetensors mutation " + i, () -> SafetensorsReader.read(mutated, "m.safetensors"));
        }
    }

    @Test
    void safetensorsReader_headerNumbersAndDtypesReplaced_giveTensorsOrCheckpointException() throws Exception {
        Path file = dir.resolve("model.safetensors");
        SafetensorsWriter.write(file, Fixtures.weights(), DType.BF16);
        byte[] valid = Files.readAllBytes(file);
        int headerLength = (int) java.nio.ByteBuffer.wrap(valid).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        String header = new String(valid, 8, headerLength, java.nio.charset.StandardCharsets.UTF_8);
        byte[] data = Arrays.copyOfRange(valid, 8 + headerLength, valid.length);
        String[] numbers = {"0", "1", "-1", "7", "80", "4294967296", "9223372036854775807", "18446744073709551616",
            "1e300", "0.5", "null", "\"3\"", "[]"};
        String[] dtypes = {"F32", "F16", "BF16", "F64", "I64", "I8", "BOOL", "U64", "F8_E5M2", "", "f32"};
        java.util.regex.Pattern number = java.util.regex.Pattern.compile("(?<=[\\[,])\\d+");
        Random random = new Random(31);
        for (int i = 0; i < 2000; i++) {
            String mutated = header;
            for (int r = 1 + random.nextInt(3); r > 0; r--) {
                if (random.nextInt(4) == 0) {
                    mutated = mutated.replaceFirst("\"(F32|F16|BF16|F64|I64|I8|BOOL|U64|F8_E5M2|f32|)\"",
                            "\"" + dtypes[random.nextInt(dtypes.length)] + "\"");
                } else {
                    java.util.regex.Matcher m = number.matcher(mutated);
                    List<int[]> spans = new java.util.ArrayList<>();
                    while (m.find()) {
                        spans.add(new int[] {m.start(), m.end()});
                    }
                    if (spans.isEmpty()) {
                        continue;
                    }
                    int[] span = spans.get(random.nextInt(spans.size()));
                    mutated = mutated.substring(0, span[0]) + numbers[random.nextInt(numbers.length)] + mutated.substring(span[1]);
                }
            }
            byte[] bytes = Fixtures.safetensors(mutated, data);
            String what = "header mutation " + i + ": " + mutated;
            expectTensorsOrCheckpointException(what, () -> SafetensorsReader.read(bytes, "m.safetensors"));
        }
    }

    @Test
    void safetensorsReader_everyTruncation_givesCheckpointException() throws Exception {
        Path file = dir.resolve("model.safetensors");
        SafetensorsWriter.write(file, Fixtures.weights());
        byte[] valid = Files.readAllBytes(file);
        for (int length = 0; length < valid.length; length++) {
            byte[] cut = Arrays.copyOf(valid, length);
            try {
                SafetensorsReader.read(cut, "cut.safetensors");
                fail("a file cut to " + length + " of " + valid.length + " bytes was read");
            } catch (CheckpointException expected) {
                // refused, as it should be
            }
        }
    }

    @Test
    void torchBinReader_mutatedArchives_giveTensorsOrCheckpointException() throws Exception {
        Path valid = dir.resolve("valid.bin");
        TorchBinWriter.write(valid, Fixtures.weights(), DType.BF16);
        byte[] bytes = Files.readAllBytes(valid);
        Random random = new Random(1128);
        Path file = dir.resolve("pytorch_model.bin");
        for (int i = 0; i < 400; i++) {
            Files.write(file, mutate(bytes, random));
            expectTensorsOrCheckpointException("archive mutation " + i, () -> TorchBinReader.read(file));
        }
    }

    @Test
    void torchBinReader_mutatedPickles_giveTensorsOrCheckpointException() throws Exception {
        List<Tensor> weights = Fixtures.weights();
        byte[] pickle = TorchBinWriter.stateDictPickle(weights, DType.F32);
        Map<String, byte[]> storages = new java.util.LinkedHashMap<>();
        for (int k = 0; k < weights.size(); k++) {
            storages.put("data/" + k, Fixtures.littleEndianFloats(weights.get(k).data()));
        }
        Random random = new Random(5);
        Path file = dir.resolve("pytorch_model.bin");
        for (int i = 0; i < 200; i++) {
            TorchBinWriter.writeArchive(file, "archive", TorchBinTest.entries(mutate(pickle, random), storages));
            expectTensorsOrCheckpointException("pickle mutation " + i, () -> TorchBinReader.read(file));
        }
    }

    @Test
    void stateDictUnpickler_mutatedPickles_giveValueOrCheckpointException() {
        byte[] pickle = TorchBinWriter.stateDictPickle(Fixtures.weights(), DType.F16);
        Random random = new Random(6);
        for (int i = 0; i < 5000; i++) {
            byte[] mutated = mutate(pickle, random);
            expectTensorsOrCheckpointException("unpickler mutation " + i, () -> {
                new StateDictUnpickler("data.pkl").loadChecked(mutated);
                return Map.of();
            });
        }
    }

    @Test
    void checkpointReader_mutatedIndexAndConfig_giveCheckpointOrCheckpointException() throws Exception {
        Fixtures.config(dir);
        SafetensorsWriter.write(dir.resolve("model-00001-of-00001.safetensors"), Fixtures.weights());
        byte[] index = "{\"metadata\": {}, \"weight_map\": {\"scalar\": \"model-00001-of-00001.safetensors\"}}".getBytes();
        byte[] config = Files.readAllBytes(dir.resolve("config.json"));
        Random random = new Random(77);
        for (int i = 0; i < 150; i++) {
            Files.write(dir.resolve("model.safetensors.index.json"), mutate(index, random));
            Files.write(dir.resolve("config.json"), mutate(config, random));
            expectTensorsOrCheckpointException("index/config mutation " + i, () -> CheckpointReader.read(dir).weights());
        }
    }

    private static List<Tensor> withBuffer() {
        return List.of(Fixtures.tensor("embeddings.word_embeddings.weight", 1, 6, 4), Fixtures.tensor("b.bias", 2, 4));
    }

    interface Read {
        Map<String, Tensor> run() throws Exception;
    }

    private static void expectTensorsOrCheckpointException(String what, Read read) {
        try {
            read.run();
        } catch (CheckpointException expected) {
            // refused with a message, as untrusted input should be
        } catch (Throwable t) {
            throw new AssertionError(what + " threw " + t, t);
        }
    }

    /** One to four mutations: flipped bytes, an extreme little-endian number, a cut, an insertion or a deletion. */
    static byte[] mutate(byte[] valid, Random random) {
        byte[] b = valid.clone();
        int rounds = 1 + random.nextInt(4);
        for (int r = 0; r < rounds && b.length > 0; r++) {
            switch (random.nextInt(5)) {
                case 0:
                    b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
                    break;
                case 1: {
                    long v = EXTREMES[random.nextInt(EXTREMES.length)];
                    int width = random.nextBoolean() ? 4 : 8;
                    int at = random.nextInt(b.length);
                    for (int k = 0; k < width && at + k < b.length; k++) {
                        b[at + k] = (byte) (v >>> (8 * k));
                    }
                    break;
                }
                case 2:
                    b = Arrays.copyOf(b, random.nextInt(b.length));
                    break;
                case 3: {
                    int at = random.nextInt(b.length + 1);
                    byte[] grown = new byte[b.length + 1];
                    System.arraycopy(b, 0, grown, 0, at);
                    grown[at] = (byte) random.nextInt(256);
                    System.arraycopy(b, at, grown, at + 1, b.length - at);
                    b = grown;
                    break;
                }
                default: {
                    int at = random.nextInt(b.length);
                    byte[] shrunk = new byte[b.length - 1];
                    System.arraycopy(b, 0, shrunk, 0, at);
                    System.arraycopy(b, at + 1, shrunk, at, b.length - at - 1);
                    b = shrunk;
                }
            }
        }
        return b;
    }
}

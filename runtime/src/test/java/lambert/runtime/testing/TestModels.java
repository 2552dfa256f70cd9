package lambert.runtime.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * The real all-MiniLM-L6-v2 exports (fp32 and int8, from the Maven artifacts on the test
 * classpath) laid out as Hugging Face-style folders under {@code target/test-models}, extracted
 * once and shared by every test in the build.
 */
public final class TestModels {
    private static final Path ROOT = Path.of("target", "test-models").toAbsolutePath();

    private TestModels() {}

    /** all-MiniLM-L6-v2 fp32: {@code model.onnx}, {@code tokenizer.json}, sentence-transformers configs. */
    public static synchronized Path minilm() {
        return folder("minilm", "all-minilm-l6-v2.onnx", "all-minilm-l6-v2-tokenizer.json");
    }

    /** all-MiniLM-L6-v2 int8, as exported by ONNX Runtime's Python quantiser. */
    public static synchronized Path minilmInt8() {
        return folder("minilm-int8", "all-minilm-l6-v2-q.onnx", "all-minilm-l6-v2-q-tokenizer.json");
    }

    /**
     * Sentence pairs and the cosine similarity sentence-transformers publishes for them with all-MiniLM-L6-v2 (its
     * documentation's examples), for {@code @MethodSource}.
     */
    public static Stream<Arguments> minilmPublishedSimilarities() {
        return Stream.of(
                Arguments.of("The new movie is awesome", "The new movie is so great", 0.8939),
                Arguments.of("The new movie is awesome", "The dog plays in the garden", 0.0543),
                Arguments.of("A man is playing guitar", "A woman watches TV", -0.0327),
                Arguments.of("The weather is lovely today.", "It's so sunny outside!", 0.6660),
                Arguments.of("The weather is lovely today.", "He drove to the stadium.", 0.1046),
                Arguments.of("It's so sunny outside!", "He drove to the stadium.", 0.1411));
    }

    /** The all-MiniLM-L6-v2 {@code tokenizer.json} (BERT uncased WordPiece, 30522 ids). */
    public static Path tokenizer() {
        return minilm().resolve("tokenizer.json");
    }

    private static Path folder(String name, String onnx, String tokenizer) {
        Path dir = ROOT.resolve(name);
        if (Files.isRegularFile(dir.resolve("sentence_bert_config.json"))) {
            return dir;
        }
        try {
            Files.createDirectories(ROOT);
            Path staging = Files.createTempDirectory(ROOT, name + ".partial-");
            copy(onnx, staging.resolve("model.onnx"));
            copy(tokenizer, staging.resolve("tokenizer.json"));
            // What sentence-transformers ships next to the model: 256 tokens, mean pooling, normalised.
            Files.writeString(staging.resolve("config.json"), "{\"architectures\": [\"BertModel\"], "
                    + "\"model_type\": \"bert\", \"max_position_embeddings\": 512, \"hidden_size\": 384}");
            Files.writeString(staging.resolve("modules.json"),
                    "[{\"type\": \"sentence_transformers.models.Normalize\"}]");
            Files.writeString(staging.resolve("sentence_bert_config.json"), "{\"max_seq_length\": 256}");
            Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new IllegalStateException("cannot lay out the test model " + name + " in " + dir, e);
        }
        return dir;
    }

    private static void copy(String resource, Path target) throws IOException {
        try (InputStream in = TestModels.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("resource " + resource + " is not on the test classpath");
            }
            Files.copy(in, target);
        }
    }
}

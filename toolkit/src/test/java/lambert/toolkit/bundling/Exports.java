package lambert.toolkit.bundling;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The independent PyTorch ONNX exports on the test classpath (langchain4j's Maven artifacts), copied
 * once to {@code target/test-models/exports}, with the one size their tensors do not show.
 */
public enum Exports {
    MINILM("all-MiniLM-L6-v2", "all-minilm-l6-v2.onnx", "all-minilm-l6-v2-tokenizer.json", 12),
    BGE_SMALL("bge-small-en-v1.5", "bge-small-en-v1.5.onnx", "bge-small-en-v1.5-tokenizer.json", 12),
    E5_SMALL("e5-small-v2", "e5-small-v2.onnx", "e5-small-v2-tokenizer.json", 12);

    private static final Path ROOT = Path.of("target", "test-models", "exports").toAbsolutePath();

    /** The model's name on Hugging Face. */
    public final String modelName;
    private final String onnxResource;
    private final String tokenizerResource;
    /** {@code num_attention_heads} of the published config.json. */
    public final int heads;

    Exports(String modelName, String onnxResource, String tokenizerResource, int heads) {
        this.modelName = modelName;
        this.onnxResource = onnxResource;
        this.tokenizerResource = tokenizerResource;
        this.heads = heads;
    }

    /** The export, copied out of its jar once. */
    public Path onnx() throws IOException {
        return extracted(onnxResource);
    }

    /** Its {@code tokenizer.json}, copied out of its jar once. */
    public Path tokenizer() throws IOException {
        return extracted(tokenizerResource);
    }

    private static synchronized Path extracted(String resource) throws IOException {
        Path target = ROOT.resolve(resource);
        if (Files.isRegularFile(target)) {
            return target;
        }
        Files.createDirectories(ROOT);
        Path temp = Files.createTempFile(ROOT, resource, ".partial");
        try (InputStream in = Exports.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("resource " + resource + " is not on the test classpath");
            }
            Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
        return target;
    }
}

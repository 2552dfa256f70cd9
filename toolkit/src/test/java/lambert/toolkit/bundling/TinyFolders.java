package lambert.toolkit.bundling;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import lambert.onnx.checkpoint.Checkpoint;
import lambert.onnx.family.TinyCheckpoints;

/**
 * Tiny random checkpoints (the architecture module's {@link TinyCheckpoints}) written to disk as
 * Hugging Face folders, with a WordPiece {@code vocab.txt} of exactly {@link TinyCheckpoints#VOCAB}
 * tokens that covers the words of the equality check's texts.
 */
public final class TinyFolders {
    private static final List<String> WORDS = List.of("hey", ",", "how", "are", "you", "?", "the", "new", "movie",
            "is", "awesome", ".", "a", "man", "playing", "guitar", "in", "park", "while", "children", "watch", "from",
            "order", "#", "on", "-", ";", "call", "+", "(", ")", "if", "it", "!", "ok", "cafe", "naive", "##s",
            "##ing", "1", "2", "3", "我", "天", "好");

    private TinyFolders() {}

    /** Writes {@code checkpoint} with a vocabulary to {@code dir}; {@code bin} picks pytorch_model.bin. */
    public static Path write(Checkpoint checkpoint, Path dir, boolean bin) throws IOException {
        ExportedCheckpoint.write(checkpoint, dir, bin);
        boolean roberta = checkpoint.config().fields().get("model_type").equals("roberta");
        Files.write(dir.resolve("vocab.txt"), vocabulary(roberta, TinyCheckpoints.VOCAB), StandardCharsets.UTF_8);
        if (roberta) {
            Files.writeString(dir.resolve("tokenizer_config.json"), "{\"bos_token\": \"<s>\", \"cls_token\": \"<s>\", "
                    + "\"pad_token\": \"<pad>\", \"sep_token\": \"</s>\", \"unk_token\": \"<unk>\", "
                    + "\"mask_token\": \"<mask>\"}");
        } else {
            Files.writeString(dir.resolve("tokenizer_config.json"), "{\"do_lower_case\": true}");
        }
        return dir;
    }

    /** Special tokens where the family has them (RoBERTa: pad id 1), then the words, {@code size} in all. */
    public static List<String> vocabulary(boolean roberta, int size) {
        List<String> tokens = new ArrayList<>(roberta ? List.of("<s>", "<pad>", "</s>", "<unk>", "<mask>")
                : List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"));
        for (int i = 0; tokens.size() < size; i++) {
            tokens.add(i < WORDS.size() ? WORDS.get(i) : "extra" + i);
        }
        return tokens;
    }
}

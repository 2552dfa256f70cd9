package lambert.toolkit.bundling;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import lambert.onnx.checkpoint.CheckpointException;

/**
 * The tokenizer of a checkpoint folder: its {@code tokenizer.json} as it is, or one built from a
 * WordPiece {@code vocab.txt} by {@link WordPieceTokenizerJson}. Byte-level BPE vocabularies
 * ({@code vocab.json} + {@code merges.txt}, RoBERTa's) need their {@code tokenizer.json}.
 *
 * @param json the {@code tokenizer.json} content
 * @param origin for people: {@code tokenizer.json} or how it was built
 */
public record CheckpointTokenizer(byte[] json, String origin) {

    /** Finds or builds the tokenizer of {@code dir}. */
    public static CheckpointTokenizer of(Path dir) throws IOException, CheckpointException {
        Path fast = dir.resolve("tokenizer.json");
        if (Files.isRegularFile(fast)) {
            return new CheckpointTokenizer(Files.readAllBytes(fast), "tokenizer.json as shipped");
        }
        if (Files.isRegularFile(dir.resolve("vocab.txt"))) {
            WordPieceTokenizerJson.Settings s = WordPieceTokenizerJson.settings(dir);
            return new CheckpointTokenizer(WordPieceTokenizerJson.build(dir), "built from vocab.txt (WordPiece, "
                    + (s.lowercase() ? "lower case" : "cased")
                    + (s.chineseChars() ? ", Chinese characters split" : "") + ")");
        }
        if (Files.isRegularFile(dir.resolve("vocab.json")) || Files.isRegularFile(dir.resolve("merges.txt"))) {
            throw new CheckpointException(dir + " has a byte-level BPE vocabulary (vocab.json, merges.txt) but no "
                    + "tokenizer.json; lambert builds tokenizers from WordPiece vocab.txt only: save the fast "
                    + "tokenizer's tokenizer.json next to the checkpoint");
        }
        throw new NoSuchFileException(fast.toString(), null,
                "a checkpoint needs a tokenizer: tokenizer.json, or a WordPiece vocab.txt (with tokenizer_config.json)");
    }
}

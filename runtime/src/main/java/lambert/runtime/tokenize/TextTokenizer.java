package lambert.runtime.tokenize;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import lambert.runtime.bundle.BundleException;

/**
 * A bundle's tokenizer ({@code tokenizer.json}), configured the way lambert needs it: special tokens added,
 * truncation at the model's maximum length (and reported), and no padding whatever the file says: batches are padded
 * to their longest text later. Thread-safe.
 *
 * <p>{@link #load} picks the implementation: the pure-Java {@link WordPieceTokenizer} for the BERT-family WordPiece
 * tokenizers it reproduces exactly ({@link WordPieceTokenizer#unsupported}), the Hugging Face library through
 * {@link NativeTokenizer} for every other one. The environment variable (or system property)
 * {@value #SWITCH} overrides the choice: {@code native} always takes the library, {@code java} requires the Java one.
 *
 * <pre>{@code
 * try (TextTokenizer tokenizer = TextTokenizer.load(Path.of("tokenizer.json"), 256)) {
 *     Tokens tokens = tokenizer.encode("Hey, how are you?");
 * }
 * }</pre>
 */
public sealed interface TextTokenizer extends AutoCloseable permits NativeTokenizer, WordPieceTokenizer {
    /** The environment variable (or system property) that chooses the implementation: {@code java} or {@code native}. */
    String SWITCH = "LAMBERT_TOKENIZER";

    /**
     * Loads {@code tokenizer.json}; texts longer than {@code maxLength} tokens are truncated. The implementation is
     * the one {@value #SWITCH} asks for, or by default the Java one when it supports the file.
     *
     * @throws BundleException if the file cannot be read or used, or {@value #SWITCH} is {@code java} and the file
     *     is not a tokenizer the Java implementation reproduces, or {@value #SWITCH} has another value
     */
    static TextTokenizer load(Path tokenizerJson, int maxLength) {
        String choice = System.getProperty(SWITCH, System.getenv(SWITCH));
        choice = choice == null || choice.isBlank() ? "" : choice.strip().toLowerCase(Locale.ROOT);
        switch (choice) {
            case "native":
                return NativeTokenizer.load(tokenizerJson, maxLength);
            case "java":
                return WordPieceTokenizer.load(tokenizerJson, maxLength);
            case "":
                WordPieceTokenizer java = WordPieceTokenizer.loadIfSupported(tokenizerJson, maxLength);
                return java != null ? java : NativeTokenizer.load(tokenizerJson, maxLength);
            default:
                throw new BundleException(SWITCH + " is \"" + choice + "\"; expected java or native");
        }
    }

    /** The number of ids this tokenizer can produce (highest id + 1), read from its file; 0 if unknown. */
    int vocabSize();

    /** The maximum number of tokens per text, special tokens included. */
    int maxLength();

    /**
     * Tokenizes one text.
     *
     * @throws IllegalArgumentException if the text has an unpaired UTF-16 surrogate (not valid Unicode)
     * @throws IllegalStateException if the tokenizer is closed
     */
    Tokens encode(String text);

    /** Tokenizes several texts; results in the same order. */
    Tokens[] encode(List<String> texts);

    /** Frees what the tokenizer holds; calling it again does nothing. */
    @Override
    void close();
}

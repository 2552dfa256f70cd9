package lambert.toolkit.batch;

import java.nio.charset.StandardCharsets;
import lambert.runtime.tokenize.TextTokenizer;

/** How many tokens a text is before truncation, special tokens included: exactly, or at most. */
@FunctionalInterface
public interface TokenCounter {
    /** The tokens of {@code text}. */
    int count(String text);

    /**
     * An upper bound without the tokenizer: the text's UTF-8 bytes plus 2 (the special tokens). WordPiece and
     * byte-level BPE never make more tokens than bytes, so a request packed by it never exceeds a token limit; it
     * overestimates English about four times, which matters only when the token budget, not the texts or bytes,
     * bounds a request.
     */
    static TokenCounter estimate() {
        return text -> (int) Math.min(Integer.MAX_VALUE - 2L, text.getBytes(StandardCharsets.UTF_8).length) + 2;
    }

    /**
     * The tokenizer inside a function package ({@code model/tokenizer.json}), loaded from a temp copy that is deleted
     * at once; the caller closes it.
     *
     * @throws java.io.IOException if the zip cannot be read or holds no {@code model/tokenizer.json}
     */
    static TextTokenizer packageTokenizer(java.nio.file.Path zip, int maxLength) throws java.io.IOException {
        try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(zip.toFile())) {
            java.util.zip.ZipEntry e = z.getEntry("model/tokenizer.json");
            if (e == null) {
                throw new java.io.IOException(zip + " holds no model/tokenizer.json: is it a lambert function package?");
            }
            java.nio.file.Path temp = java.nio.file.Files.createTempFile("lambert-batch-", "-tokenizer.json");
            try (java.io.InputStream in = z.getInputStream(e)) {
                java.nio.file.Files.copy(in, temp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                return TextTokenizer.load(temp, maxLength);
            } finally {
                java.nio.file.Files.deleteIfExists(temp);
            }
        }
    }

    /** The exact count from the bundle's own tokenizer (before truncation at its maximum length). */
    static TokenCounter of(TextTokenizer tokenizer) {
        return text -> tokenizer.encode(text).length();
    }
}

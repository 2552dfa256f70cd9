package lambert.runtime.tokenize;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import lambert.runtime.bundle.BundleException;
import lambert.runtime.natives.NativeLibraries;

/**
 * A Hugging Face fast tokenizer ({@code tokenizer.json}) through DJL's native binding, configured
 * the way lambert needs it: special tokens added, truncation at the model's maximum length (and
 * reported), and no padding whatever the file says: batches are padded to their longest text later.
 *
 * <pre>{@code
 * try (TextTokenizer tokenizer = TextTokenizer.load(Path.of("tokenizer.json"), 256)) {
 *     Tokens tokens = tokenizer.encode("Hey, how are you?");
 * }
 * }</pre>
 */
public final class TextTokenizer implements AutoCloseable {
    private final HuggingFaceTokenizer tokenizer;
    private final int maxLength;
    private volatile boolean closed;

    private TextTokenizer(HuggingFaceTokenizer tokenizer, int maxLength) {
        this.tokenizer = tokenizer;
        this.maxLength = maxLength;
    }

    /** Loads {@code tokenizer.json}; texts longer than {@code maxLength} tokens are truncated. */
    public static TextTokenizer load(Path tokenizerJson, int maxLength) {
        NativeLibraries.prepareTokenizer();
        try {
            HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.builder()
                    .optTokenizerPath(tokenizerJson)
                    .optAddSpecialTokens(true)
                    .optTruncation(true)
                    .optMaxLength(maxLength)
                    .optPadding(false)
                    .build();
            return new TextTokenizer(tokenizer, maxLength);
        } catch (IOException e) {
            throw new BundleException("cannot read tokenizer " + tokenizerJson + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new BundleException("tokenizer " + tokenizerJson + " could not be loaded: " + e.getMessage()
                    + " (expected a Hugging Face tokenizer.json)", e);
        }
    }

    /** The maximum number of tokens per text, special tokens included. */
    public int maxLength() {
        return maxLength;
    }

    /** Tokenizes one text. */
    public Tokens encode(String text) {
        return toTokens(text, tokenizer.encode(text));
    }

    /** Tokenizes several texts (in parallel inside the native library); results in the same order. */
    public Tokens[] encode(List<String> texts) {
        if (texts.size() == 1) {
            return new Tokens[] {encode(texts.get(0))};
        }
        Encoding[] encodings = tokenizer.batchEncode(texts);
        Tokens[] out = new Tokens[encodings.length];
        for (int i = 0; i < encodings.length; i++) {
            out[i] = toTokens(texts.get(i), encodings[i]);
        }
        return out;
    }

    private static Tokens toTokens(String text, Encoding encoding) {
        long[] specialMask = encoding.getSpecialTokenMask();
        boolean[] special = new boolean[specialMask.length];
        for (int i = 0; i < special.length; i++) {
            special[i] = specialMask[i] != 0;
        }
        // The native library counts Unicode code points; Java strings index UTF-16 units.
        CharSpan[] spans = encoding.getCharTokenSpans();
        int[] utf16 = hasSupplementary(text) ? codePointToUtf16(text) : null;
        int[] starts = new int[spans.length];
        int[] ends = new int[spans.length];
        for (int i = 0; i < spans.length; i++) {
            if (spans[i] == null) {
                starts[i] = -1;
                ends[i] = -1;
            } else {
                starts[i] = utf16 == null ? spans[i].getStart() : utf16[spans[i].getStart()];
                ends[i] = utf16 == null ? spans[i].getEnd() : utf16[spans[i].getEnd()];
            }
        }
        return new Tokens(encoding.getIds(), encoding.getTypeIds(), special, starts, ends, encoding.exceedMaxLength());
    }

    private static boolean hasSupplementary(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isSurrogate(text.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /** UTF-16 index of each code point index, plus one entry for the end of the text. */
    private static int[] codePointToUtf16(String text) {
        int[] map = new int[text.codePointCount(0, text.length()) + 1];
        int cp = 0;
        for (int i = 0; i < text.length(); i += Character.charCount(text.codePointAt(i))) {
            map[cp++] = i;
        }
        map[cp] = text.length();
        return map;
    }

    /** Frees the native tokenizer; calling it again does nothing. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            tokenizer.close();
        }
    }
}

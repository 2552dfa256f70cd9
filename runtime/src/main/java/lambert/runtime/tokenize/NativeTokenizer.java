package lambert.runtime.tokenize;

import ai.djl.huggingface.tokenizers.jni.CharSpan;
import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import lambert.runtime.bundle.BundleException;
import lambert.runtime.natives.NativeLibraries;

/**
 * The Hugging Face tokenizers library (native {@code libtokenizers}) behind a {@code tokenizer.json}, configured
 * the way lambert needs it: special tokens added, truncation at the model's maximum length (and reported), and no
 * padding whatever the file says: batches are padded to their longest text later. {@link TextTokenizer#load} takes
 * it for the tokenizers the pure-Java {@link WordPieceTokenizer} does not reproduce; it is also that one's reference.
 *
 * <p>It calls the Hugging Face tokenizers library through DJL's JNI binding ({@code TokenizersLibrary},
 * pinned with DJL's version) but not through DJL's {@code HuggingFaceTokenizer} wrapper, whose loader
 * probes for CUDA through JNA and may download: about 100 ms of a cold start, and network access a
 * function must not have. Thread-safe: the native tokenizer is immutable once configured.
 *
 * <pre>{@code
 * try (NativeTokenizer tokenizer = NativeTokenizer.load(Path.of("tokenizer.json"), 256)) {
 *     Tokens tokens = tokenizer.encode("Hey, how are you?");
 * }
 * }</pre>
 */
public final class NativeTokenizer implements TextTokenizer {
    /*
     * Not a static field: NativeTokenizer's initialisation would then link DJL's class before load() runs, and a
     * package that leaves DJL's jars out (its bundle tokenizes in Java) would fail with a NoClassDefFoundError instead
     * of load()'s message naming the missing library.
     */
    private final TokenizersLibrary lib;
    private final long handle;
    private final int maxLength;
    private final int vocabSize;
    private volatile boolean closed;

    private NativeTokenizer(TokenizersLibrary lib, long handle, int maxLength, int vocabSize) {
        this.lib = lib;
        this.handle = handle;
        this.maxLength = maxLength;
        this.vocabSize = vocabSize;
    }

    /** Loads {@code tokenizer.json}; texts longer than {@code maxLength} tokens are truncated. */
    public static NativeTokenizer load(Path tokenizerJson, int maxLength) {
        try {
            NativeLibraries.loadTokenizer();
        } catch (IOException | UnsatisfiedLinkError e) {
            throw new BundleException("the tokenizer's native library cannot be loaded: " + e.getMessage(), e);
        }
        String json;
        try {
            // Files.readString decodes strictly in one pass; only a file it refuses is read again, to say where.
            json = Files.readString(tokenizerJson, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new BundleException("tokenizer " + tokenizerJson + " is not valid UTF-8 JSON "
                    + TokenizerFileCheck.utf8Problem(tokenizerJson) + "; expected a Hugging Face tokenizer.json", e);
        } catch (IOException e) {
            throw new BundleException("cannot read tokenizer " + tokenizerJson + ": " + e.getMessage(), e);
        }
        int vocabSize = TokenizerFileCheck.check(json, tokenizerJson);
        TokenizersLibrary lib = TokenizersLibrary.LIB;
        long handle;
        try {
            handle = lib.createTokenizerFromString(json);
        } catch (RuntimeException e) {
            throw new BundleException("tokenizer " + tokenizerJson + " could not be loaded: " + e.getMessage()
                    + " (expected a Hugging Face tokenizer.json)", e);
        }
        try {
            lib.disablePadding(handle);
            lib.setTruncation(handle, maxLength, "LONGEST_FIRST", 0);
        } catch (RuntimeException e) {
            lib.deleteTokenizer(handle);
            throw new BundleException("tokenizer " + tokenizerJson + " refused its settings: " + e.getMessage(), e);
        }
        return new NativeTokenizer(lib, handle, maxLength, vocabSize);
    }

    /** The number of ids this tokenizer can produce (highest id + 1), read from its file; 0 if unknown. */
    @Override
    public int vocabSize() {
        return vocabSize;
    }

    /** The maximum number of tokens per text, special tokens included. */
    @Override
    public int maxLength() {
        return maxLength;
    }

    /**
     * Tokenizes one text.
     *
     * @throws IllegalArgumentException if the text has an unpaired UTF-16 surrogate (not valid Unicode;
     *     the native library would abort the process on it)
     */
    @Override
    public Tokens encode(String text) {
        requireValid(text, 0);
        long encoding = lib.encode(handle, text, true);
        try {
            return toTokens(text, encoding);
        } finally {
            lib.deleteEncoding(encoding);
        }
    }

    /** Tokenizes several texts (in parallel inside the native library); results in the same order. */
    @Override
    public Tokens[] encode(List<String> texts) {
        if (texts.size() == 1) {
            return new Tokens[] {encode(texts.get(0))};
        }
        for (int i = 0; i < texts.size(); i++) {
            requireValid(texts.get(i), i);
        }
        long[] encodings = lib.batchEncode(handle, texts.toArray(new String[0]), true);
        Tokens[] out = new Tokens[encodings.length];
        try {
            for (int i = 0; i < encodings.length; i++) {
                out[i] = toTokens(texts.get(i), encodings[i]);
            }
        } finally {
            for (long encoding : encodings) {
                lib.deleteEncoding(encoding);
            }
        }
        return out;
    }

    private void requireValid(String text, int index) {
        if (closed) {
            throw new IllegalStateException("the tokenizer is closed");
        }
        Texts.requireUnicode(text, index);
    }

    private Tokens toTokens(String text, long encoding) {
        long[] specialMask = lib.getSpecialTokenMask(encoding);
        boolean[] special = new boolean[specialMask.length];
        for (int i = 0; i < special.length; i++) {
            special[i] = specialMask[i] != 0;
        }
        // The native library counts Unicode code points; Java strings index UTF-16 units.
        CharSpan[] spans = lib.getTokenCharSpans(encoding);
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
        return new Tokens(lib.getTokenIds(encoding), lib.getTypeIds(encoding), special, starts, ends,
                lib.getOverflowCount(encoding) > 0);
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
            lib.deleteTokenizer(handle);
        }
    }
}

package lambert.runtime.tokenize;

import ai.djl.huggingface.tokenizers.jni.CharSpan;
import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import lambert.runtime.bundle.BundleException;
import lambert.base.json.Json;
import lambert.base.json.JsonException;
import lambert.base.json.Utf8;
import lambert.runtime.natives.NativeLibraries;

/**
 * A Hugging Face fast tokenizer ({@code tokenizer.json}), configured the way lambert needs it:
 * special tokens added, truncation at the model's maximum length (and reported), and no padding
 * whatever the file says: batches are padded to their longest text later.
 *
 * <p>It calls the Hugging Face tokenizers library through DJL's JNI binding ({@code TokenizersLibrary},
 * pinned with DJL's version) but not through DJL's {@code HuggingFaceTokenizer} wrapper, whose loader
 * probes for CUDA through JNA and may download: about 100 ms of a cold start, and network access a
 * function must not have. Thread-safe: the native tokenizer is immutable once configured.
 *
 * <pre>{@code
 * try (TextTokenizer tokenizer = TextTokenizer.load(Path.of("tokenizer.json"), 256)) {
 *     Tokens tokens = tokenizer.encode("Hey, how are you?");
 * }
 * }</pre>
 */
public final class TextTokenizer implements AutoCloseable {
    private static final TokenizersLibrary LIB = TokenizersLibrary.LIB;
    private static final JsonFactory JSON = new JsonFactory();
    /** Below serde_json's recursion limit of 128, which the tokenizers library turns into an abort. */
    private static final int MAX_DEPTH = 64;

    private final long handle;
    private final int maxLength;
    private final int vocabSize;
    private volatile boolean closed;

    private TextTokenizer(long handle, int maxLength, int vocabSize) {
        this.handle = handle;
        this.maxLength = maxLength;
        this.vocabSize = vocabSize;
    }

    /** Loads {@code tokenizer.json}; texts longer than {@code maxLength} tokens are truncated. */
    public static TextTokenizer load(Path tokenizerJson, int maxLength) {
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
                    + utf8Problem(tokenizerJson) + "; expected a Hugging Face tokenizer.json", e);
        } catch (IOException e) {
            throw new BundleException("cannot read tokenizer " + tokenizerJson + ": " + e.getMessage(), e);
        }
        int vocabSize = check(json, tokenizerJson);
        long handle;
        try {
            handle = LIB.createTokenizerFromString(json);
        } catch (RuntimeException e) {
            throw new BundleException("tokenizer " + tokenizerJson + " could not be loaded: " + e.getMessage()
                    + " (expected a Hugging Face tokenizer.json)", e);
        }
        try {
            LIB.disablePadding(handle);
            LIB.setTruncation(handle, maxLength, "LONGEST_FIRST", 0);
        } catch (RuntimeException e) {
            LIB.deleteTokenizer(handle);
            throw new BundleException("tokenizer " + tokenizerJson + " refused its settings: " + e.getMessage(), e);
        }
        return new TextTokenizer(handle, maxLength, vocabSize);
    }

    /**
     * Reads {@code tokenizer.json} once, as strict JSON, before it reaches the native library, and answers the
     * number of ids it can produce (one more than the highest id in {@code model.vocab}, an object of ids or a list
     * whose positions are the ids, and in {@code added_tokens}; 0 if it has neither). One pass, since this runs at
     * every cold start (about 0.1 s on a fresh JVM for a 700 KB file).
     *
     * <p>Refused, each found by {@code BundleFuzzTest} to abort the whole JVM (a Rust panic cannot cross JNI):
     * JSON that is not well-formed (the tokenizers library, 0.21 through DJL 0.38, panics on a syntax error inside
     * some sections, such as {@code "decoder"}: {@code expect("Helper")}); nesting deeper than serde_json's limit;
     * escapes that decode to an unpaired surrogate; and a {@code TemplateProcessing} post-processor (alone or in a
     * {@code Sequence}) whose template names a special token missing from its {@code special_tokens}, which loads
     * and then panics on the first encode ({@code template.rs}: "no entry found for key").
     */
    private static int check(String json, Path file) {
        long highest = -1;
        long vocabEntries = 0;
        Object processor = null;
        try (JsonParser parser = JSON.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new BundleException("tokenizer " + file + " is not a JSON object; expected a Hugging Face "
                        + "tokenizer.json");
            }
            int depth = 1;
            String top = null; // the field being read at depth 1
            String inner = null; // the field being read at depth 2 (model.vocab) or 3 (added_tokens[].id)
            boolean vocabList = false;
            int processorFrom = -1;
            for (JsonToken t = parser.nextToken(); t != null; t = parser.nextToken()) {
                boolean inVocab = depth == 3 && "model".equals(top) && "vocab".equals(inner);
                if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                    if (inVocab && vocabList) {
                        vocabEntries++;
                    }
                    if (++depth > MAX_DEPTH) {
                        throw new BundleException("tokenizer " + file + " nests deeper than " + MAX_DEPTH + " levels "
                                + "at line " + parser.currentLocation().getLineNr());
                    }
                    if (depth == 3 && "model".equals(top) && "vocab".equals(inner)) {
                        vocabList = t == JsonToken.START_ARRAY;
                    } else if (depth == 2 && "post_processor".equals(top) && t == JsonToken.START_OBJECT) {
                        processorFrom = (int) parser.currentTokenLocation().getCharOffset();
                    }
                    continue;
                }
                if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                    depth--;
                    if (depth == 1 && processorFrom >= 0) {
                        int to = (int) parser.currentLocation().getCharOffset();
                        processor = Json.parse(json.substring(processorFrom, to)
                                .getBytes(StandardCharsets.UTF_8));
                        processorFrom = -1;
                    }
                    continue;
                }
                if (t == JsonToken.FIELD_NAME || t == JsonToken.VALUE_STRING) {
                    if (firstUnpairedSurrogate(parser) >= 0) {
                        throw new BundleException("tokenizer " + file + " has a string with an unpaired UTF-16 "
                                + "surrogate at line " + parser.currentLocation().getLineNr());
                    }
                }
                if (t == JsonToken.FIELD_NAME) {
                    if (depth == 1) {
                        top = parser.currentName();
                        inner = null;
                    } else if (depth == 2 || (depth == 3 && "added_tokens".equals(top))) {
                        inner = parser.currentName();
                    }
                } else if (inVocab && vocabList) {
                    vocabEntries++;
                } else if (t == JsonToken.VALUE_NUMBER_INT && depth == 3
                        && (inVocab || ("added_tokens".equals(top) && "id".equals(inner)))) {
                    highest = Math.max(highest, parser.getValueAsLong(-1));
                }
            }
        } catch (JsonProcessingException e) {
            throw new BundleException("tokenizer " + file + " is not valid JSON at " + Json.where(e.getLocation()) + ": "
                    + Json.problem(e), e);
        } catch (JsonException e) {
            throw new BundleException("tokenizer " + file + ": cannot read its post_processor: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new BundleException("cannot read tokenizer " + file + ": " + e.getMessage(), e);
        }
        checkTemplate(processor, file);
        highest = Math.max(highest, vocabEntries - 1);
        return (int) Math.min(Integer.MAX_VALUE, highest + 1);
    }

    /** Where and why {@code file}, which the JDK's strict decoder refused, is not UTF-8. */
    private static String utf8Problem(Path file) {
        try {
            Utf8.Problem problem = Utf8.check(Files.readAllBytes(file));
            return problem == null ? "(the file changed while it was read)" : problem.toString();
        } catch (IOException e) {
            return "(" + e.getMessage() + ")";
        }
    }

    /** {@link Texts#firstUnpairedSurrogate} on the parser's current text, without copying it to a String. */
    private static int firstUnpairedSurrogate(JsonParser parser) throws IOException {
        char[] chars = parser.getTextCharacters();
        int from = parser.getTextOffset();
        int length = parser.getTextLength();
        return Texts.firstUnpairedSurrogate(java.nio.CharBuffer.wrap(chars, from, length));
    }

    private static void checkTemplate(Object processor, Path file) {
        if (!(processor instanceof java.util.Map<?, ?> map)) {
            return;
        }
        if ("Sequence".equals(map.get("type")) && map.get("processors") instanceof List<?> processors) {
            for (Object p : processors) {
                checkTemplate(p, file);
            }
            return;
        }
        if (!"TemplateProcessing".equals(map.get("type"))) {
            return;
        }
        java.util.Set<?> known = map.get("special_tokens") instanceof java.util.Map<?, ?> special ? special.keySet()
                : java.util.Set.of();
        for (String template : List.of("single", "pair")) {
            if (!(map.get(template) instanceof List<?> pieces)) {
                continue;
            }
            for (Object piece : pieces) {
                if (piece instanceof java.util.Map<?, ?> p && p.get("SpecialToken") instanceof java.util.Map<?, ?> token
                        && !known.contains(token.get("id"))) {
                    throw new BundleException("tokenizer " + file + ": the post_processor's \"" + template
                            + "\" template names the special token " + token.get("id") + ", which is not among its "
                            + "special_tokens " + known);
                }
            }
        }
    }

    /** The number of ids this tokenizer can produce (highest id + 1), read from its file; 0 if unknown. */
    public int vocabSize() {
        return vocabSize;
    }

    /** The maximum number of tokens per text, special tokens included. */
    public int maxLength() {
        return maxLength;
    }

    /**
     * Tokenizes one text.
     *
     * @throws IllegalArgumentException if the text has an unpaired UTF-16 surrogate (not valid Unicode;
     *     the native library would abort the process on it)
     */
    public Tokens encode(String text) {
        requireValid(text, 0);
        long encoding = LIB.encode(handle, text, true);
        try {
            return toTokens(text, encoding);
        } finally {
            LIB.deleteEncoding(encoding);
        }
    }

    /** Tokenizes several texts (in parallel inside the native library); results in the same order. */
    public Tokens[] encode(List<String> texts) {
        if (texts.size() == 1) {
            return new Tokens[] {encode(texts.get(0))};
        }
        for (int i = 0; i < texts.size(); i++) {
            requireValid(texts.get(i), i);
        }
        long[] encodings = LIB.batchEncode(handle, texts.toArray(new String[0]), true);
        Tokens[] out = new Tokens[encodings.length];
        try {
            for (int i = 0; i < encodings.length; i++) {
                out[i] = toTokens(texts.get(i), encodings[i]);
            }
        } finally {
            for (long encoding : encodings) {
                LIB.deleteEncoding(encoding);
            }
        }
        return out;
    }

    private void requireValid(String text, int index) {
        if (closed) {
            throw new IllegalStateException("the tokenizer is closed");
        }
        int bad = Texts.firstUnpairedSurrogate(text);
        if (bad >= 0) {
            throw new IllegalArgumentException("text " + index + " has an unpaired UTF-16 surrogate at index " + bad
                    + "; it is not valid Unicode");
        }
    }

    private static Tokens toTokens(String text, long encoding) {
        long[] specialMask = LIB.getSpecialTokenMask(encoding);
        boolean[] special = new boolean[specialMask.length];
        for (int i = 0; i < special.length; i++) {
            special[i] = specialMask[i] != 0;
        }
        // The native library counts Unicode code points; Java strings index UTF-16 units.
        CharSpan[] spans = LIB.getTokenCharSpans(encoding);
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
        return new Tokens(LIB.getTokenIds(encoding), LIB.getTypeIds(encoding), special, starts, ends,
                LIB.getOverflowCount(encoding) > 0);
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
            LIB.deleteTokenizer(handle);
        }
    }
}

package lambert.runtime.tokenize;

import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import lambert.runtime.bundle.BundleException;

/**
 * A pure-Java tokenizer for the BERT-family {@code tokenizer.json} files whose model is WordPiece (BERT, MiniLM,
 * TinyBERT, MobileBERT, DistilBERT, bge, e5): the same ids, type ids, special-token flags, offsets and truncation as
 * the Hugging Face tokenizers library, without its native library. It follows the library's steps:
 *
 * <ol>
 *   <li>added tokens ({@code [CLS]}, {@code [MASK]}, ...) written in the text are cut out first, longest match;
 *   <li>{@code BertNormalizer}: {@code clean_text} drops NUL, U+FFFD and control, format and private-use characters
 *       and turns whitespace into spaces; {@code handle_chinese_chars} spaces out CJK ideographs;
 *       {@code strip_accents} (null follows {@code lowercase}) decomposes (NFD) and drops non-spacing marks (Mn);
 *       {@code lowercase} maps each character to its full lower case;
 *   <li>{@code BertPreTokenizer}: split on whitespace, each punctuation character a word of its own;
 *   <li>{@code WordPiece}: greedy longest match from the left, continuations with the prefix ({@code ##}); a word
 *       with a piece not in the vocabulary, or longer than {@code max_input_chars_per_word}, is the unknown token;
 *   <li>truncation to {@code maxLength} with the post-processor's special tokens ({@code TemplateProcessing} or
 *       {@code BertProcessing}) around the text.
 * </ol>
 *
 * <p>Offsets point into the original text (UTF-16 indices), each normalised character mapped back to the one it came
 * from. Immutable, so thread-safe; {@link #close} only marks it closed.
 *
 * <pre>{@code
 * try (WordPieceTokenizer tokenizer = WordPieceTokenizer.load(Path.of("tokenizer.json"), 256)) {
 *     Tokens tokens = tokenizer.encode("Hey, how are you?");
 * }
 * }</pre>
 */
public final class WordPieceTokenizer implements TextTokenizer {
    private final WordPieceVocab vocab;
    private final int unkId;
    /** The continuing-subword prefix ({@code ##}) in UTF-8, as {@link WordPieceVocab#id} takes it. */
    private final byte[] prefix;
    private final int maxCharsPerWord;
    private final boolean cleanText;
    private final boolean chineseChars;
    private final boolean stripAccents;
    private final boolean lowercase;
    /** Added tokens by their first code point, longest first. */
    private final Map<Integer, List<Added>> added;
    private final Special[] before;
    private final Special[] after;
    private final long sequenceTypeId;
    private final int maxLength;
    private final int vocabSize;
    private volatile boolean closed;

    private record Added(int[] codePoints, int id) {}

    /** Longer added tokens first (a class, not a lambda: see {@link #codePoints}). */
    private static final Comparator<Added> LONGEST_FIRST = new Comparator<>() {
        @Override
        public int compare(Added a, Added b) {
            return Integer.compare(b.codePoints.length, a.codePoints.length);
        }
    };

    private record Special(long id, long typeId) {}

    private WordPieceTokenizer(Config config, int maxLength) {
        this.vocab = config.vocab;
        this.unkId = config.unkId;
        this.prefix = WordPieceVocab.utf8(config.prefix);
        this.maxCharsPerWord = config.maxCharsPerWord;
        this.cleanText = config.cleanText;
        this.chineseChars = config.chineseChars;
        this.stripAccents = config.stripAccents;
        this.lowercase = config.lowercase;
        this.added = config.added;
        this.before = config.before.toArray(new Special[0]);
        this.after = config.after.toArray(new Special[0]);
        this.sequenceTypeId = config.sequenceTypeId;
        this.maxLength = maxLength;
        this.vocabSize = config.vocabSize;
    }

    /**
     * Loads {@code tokenizer.json}; texts longer than {@code maxLength} tokens (special tokens included) are truncated.
     *
     * @throws BundleException if the file cannot be read, is not JSON, or is not a tokenizer this class reproduces
     *     (the message says which part is not)
     */
    public static WordPieceTokenizer load(Path tokenizerJson, int maxLength) {
        TokenizerJsonFile.Contents contents = TokenizerJsonFile.read(tokenizerJson);
        Config config = new Config();
        String reason = config.read(contents);
        if (reason != null) {
            throw new BundleException("tokenizer " + tokenizerJson + " is not one the Java tokenizer reproduces: "
                    + reason + " (set " + SWITCH + "=native to use the Hugging Face library)");
        }
        return create(config, maxLength, tokenizerJson);
    }

    /** Like {@link #load}, but null when the file is not JSON or not a tokenizer this class reproduces. */
    static WordPieceTokenizer loadIfSupported(Path tokenizerJson, int maxLength) {
        TokenizerJsonFile.Contents contents;
        try {
            contents = TokenizerJsonFile.read(tokenizerJson);
        } catch (BundleException e) {
            return null; // the library's loader says what is wrong with the file, as it always has
        }
        Config config = new Config();
        return config.read(contents) == null ? create(config, maxLength, tokenizerJson) : null;
    }

    /**
     * Why this class would not reproduce the tokenizer {@code root} (a parsed {@code tokenizer.json}) exactly, or
     * null when it would: its normalizer, pre-tokenizer, model, post-processor or added tokens are not the
     * BERT WordPiece ones listed in the class description.
     */
    public static String unsupported(Map<?, ?> root) {
        return new Config().read(new TokenizerJsonFile.Contents(root, null));
    }

    /** Whether the file {@code tokenizerJson} is readable JSON that this class reproduces exactly. */
    public static boolean supports(Path tokenizerJson) {
        try {
            return new Config().read(TokenizerJsonFile.read(tokenizerJson)) == null;
        } catch (BundleException e) {
            return false;
        }
    }

    private static WordPieceTokenizer create(Config config, int maxLength, Path file) {
        int specials = config.before.size() + config.after.size();
        if (maxLength < specials) {
            throw new BundleException("tokenizer " + file + ": the maximum length " + maxLength
                    + " leaves no room for its " + specials + " special tokens");
        }
        return new WordPieceTokenizer(config, maxLength);
    }

    @Override
    public int vocabSize() {
        return vocabSize;
    }

    @Override
    public int maxLength() {
        return maxLength;
    }

    @Override
    public Tokens encode(String text) {
        return encode(text, 0);
    }

    @Override
    public Tokens[] encode(List<String> texts) {
        Tokens[] out = new Tokens[texts.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = encode(texts.get(i), i);
        }
        return out;
    }

    @Override
    public void close() {
        closed = true;
    }

    private Tokens encode(String text, int index) {
        if (closed) {
            throw new IllegalStateException("the tokenizer is closed");
        }
        Texts.requireUnicode(text, index);
        int[] cps = codePoints(text);
        int[] utf16 = new int[cps.length + 1]; // UTF-16 index of each code point, and of the end
        for (int i = 0, u = 0; i < cps.length; i++) {
            utf16[i] = u;
            u += Character.charCount(cps[i]);
        }
        utf16[cps.length] = text.length();

        Pieces pieces = new Pieces();
        int from = 0;
        for (int i = 0; i < cps.length; ) {
            Added match = addedAt(cps, i);
            if (match == null) {
                i++;
                continue;
            }
            words(cps, from, i, pieces);
            int end = i + match.codePoints.length;
            pieces.add(match.id, i, end);
            i = end;
            from = end;
        }
        words(cps, from, cps.length, pieces);

        int room = maxLength - before.length - after.length;
        boolean truncated = pieces.size > room;
        int kept = Math.min(pieces.size, room);
        int n = before.length + kept + after.length;
        long[] ids = new long[n];
        long[] typeIds = new long[n];
        boolean[] special = new boolean[n];
        int[] starts = new int[n];
        int[] ends = new int[n];
        int t = 0;
        for (Special s : before) {
            ids[t] = s.id;
            typeIds[t] = s.typeId;
            special[t] = true;
            starts[t] = -1;
            ends[t++] = -1;
        }
        for (int i = 0; i < kept; i++) {
            ids[t] = pieces.ids[i];
            typeIds[t] = sequenceTypeId;
            starts[t] = utf16[pieces.starts[i]];
            ends[t++] = utf16[pieces.ends[i]];
        }
        for (Special s : after) {
            ids[t] = s.id;
            typeIds[t] = s.typeId;
            special[t] = true;
            starts[t] = -1;
            ends[t++] = -1;
        }
        return new Tokens(ids, typeIds, special, starts, ends, truncated);
    }

    private Added addedAt(int[] cps, int i) {
        List<Added> candidates = added.get(cps[i]);
        if (candidates == null) {
            return null;
        }
        next:
        for (Added a : candidates) { // longest first
            if (i + a.codePoints.length > cps.length) {
                continue;
            }
            for (int k = 1; k < a.codePoints.length; k++) {
                if (cps[i + k] != a.codePoints[k]) {
                    continue next;
                }
            }
            return a;
        }
        return null;
    }

    /**
     * Normalises the original code points {@code [from, to)}, splits them into words and those into pieces, appended
     * to {@code out} with their spans in original code points.
     */
    private void words(int[] cps, int from, int to, Pieces out) {
        if (from >= to) {
            return;
        }
        // The normalised text, and for each of its code points the original code point it came from.
        int[] norm = new int[(to - from) * 2];
        int[] origin = new int[norm.length];
        int n = 0;
        for (int i = from; i < to; i++) {
            int c = cps[i];
            if (cleanText) {
                if (c == 0 || c == 0xFFFD || CharClasses.isControl(c)) {
                    continue;
                }
                if (CharClasses.isWhitespace(c)) {
                    c = ' ';
                }
            }
            boolean chinese = chineseChars && CharClasses.isChinese(c); // spaced out: a word of its own
            int[] mapped = stripAccents || lowercase ? transform(c) : null;
            int needed = (mapped == null ? 1 : mapped.length) + (chinese ? 2 : 0);
            if (n + needed > norm.length) {
                norm = Arrays.copyOf(norm, (n + needed) * 2);
                origin = Arrays.copyOf(origin, norm.length);
            }
            if (chinese) {
                norm[n] = ' ';
                origin[n++] = i;
            }
            if (mapped == null) {
                norm[n] = c;
                origin[n++] = i;
            } else {
                for (int m : mapped) {
                    norm[n] = m;
                    origin[n++] = i;
                }
            }
            if (chinese) {
                norm[n] = ' ';
                origin[n++] = i;
            }
        }
        // Pre-tokenise: whitespace separates words, each punctuation character is a word.
        int start = -1;
        for (int i = 0; i <= n; i++) {
            int c = i < n ? norm[i] : ' ';
            boolean space = CharClasses.isWhitespace(c);
            boolean punct = !space && CharClasses.isPunctuation(c);
            if (space || punct) {
                if (start >= 0) {
                    wordPieces(norm, origin, start, i, out);
                    start = -1;
                }
                if (punct) {
                    wordPieces(norm, origin, i, i + 1, out);
                }
            } else if (start < 0) {
                start = i;
            }
        }
    }

    /**
     * The code points of {@code text}, in a plain loop: no stream and no lambda to link in a cold JVM (the tokenizer
     * loads and first runs during a function's INIT). A lone surrogate is a code point of its own.
     */
    static int[] codePoints(String text) {
        int[] out = new int[text.length()];
        int n = 0;
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            out[n++] = c;
            i += Character.charCount(c);
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    /** Accent stripping and lower-casing of one code point; null when it stays as it is. */
    private int[] transform(int c) {
        int[] out = null;
        if (stripAccents && c >= 0x80) {
            int[] all = codePoints(Normalizer.normalize(new String(Character.toChars(c)), Normalizer.Form.NFD));
            int kept = 0;
            for (int x : all) {
                if (!CharClasses.isNonSpacingMark(x)) {
                    all[kept++] = x;
                }
            }
            int[] decomposed = Arrays.copyOf(all, kept);
            if (decomposed.length != 1 || decomposed[0] != c) {
                out = decomposed;
            }
        }
        if (!lowercase) {
            return out;
        }
        if (out == null) {
            return CharClasses.lower(c);
        }
        int[] result = new int[out.length * 3];
        int r = 0;
        for (int x : out) {
            int[] lower = CharClasses.lower(x);
            if (lower == null) {
                result[r++] = x;
            } else {
                for (int y : lower) {
                    result[r++] = y;
                }
            }
        }
        return Arrays.copyOf(result, r);
    }

    /** WordPiece on the normalised word {@code norm[from, to)}. */
    private void wordPieces(int[] norm, int[] origin, int from, int to, Pieces out) {
        if (to - from > maxCharsPerWord) {
            out.add(unkId, origin[from], origin[to - 1] + 1);
            return;
        }
        int whole = vocab.id(WordPieceVocab.NO_PREFIX, norm, from, to);
        if (whole != WordPieceVocab.ABSENT) {
            out.add(whole, origin[from], origin[to - 1] + 1);
            return;
        }
        int mark = out.size;
        int start = 0;
        int length = to - from;
        while (start < length) {
            int end = length;
            int id = WordPieceVocab.ABSENT;
            while (start < end) {
                id = vocab.id(start > 0 ? prefix : WordPieceVocab.NO_PREFIX, norm, from + start, from + end);
                if (id != WordPieceVocab.ABSENT) {
                    break;
                }
                end--;
            }
            if (id == WordPieceVocab.ABSENT) {
                out.size = mark;
                out.add(unkId, origin[from], origin[to - 1] + 1);
                return;
            }
            out.add(id, origin[from + start], origin[from + end - 1] + 1);
            start = end;
        }
    }

    /** The pieces of one text so far: ids and spans in original code points. */
    private static final class Pieces {
        long[] ids = new long[64];
        int[] starts = new int[64];
        int[] ends = new int[64];
        int size;

        void add(long id, int start, int end) {
            if (size == ids.length) {
                ids = Arrays.copyOf(ids, size * 2);
                starts = Arrays.copyOf(starts, size * 2);
                ends = Arrays.copyOf(ends, size * 2);
            }
            ids[size] = id;
            starts[size] = start;
            ends[size++] = end;
        }
    }

    /** The settings read from a {@code tokenizer.json}. */
    private static final class Config {
        WordPieceVocab vocab;
        int unkId;
        String prefix;
        int maxCharsPerWord;
        boolean cleanText;
        boolean chineseChars;
        boolean stripAccents;
        boolean lowercase;
        Map<Integer, List<Added>> added = new HashMap<>();
        List<Special> before = new ArrayList<>();
        List<Special> after = new ArrayList<>();
        long sequenceTypeId;
        int vocabSize;

        /** Reads {@code contents}; the reason it is not supported, or null. */
        String read(TokenizerJsonFile.Contents contents) {
            Map<?, ?> root = contents.root();
            if (!(root.get("model") instanceof Map<?, ?> model) || !"WordPiece".equals(model.get("type"))) {
                return "its model is not WordPiece";
            }
            if (contents.vocab() != null) {
                vocab = contents.vocab();
            } else {
                if (!(model.get("vocab") instanceof Map<?, ?> words)) {
                    return "its WordPiece vocab is not an object of ids";
                }
                vocab = new WordPieceVocab(new byte[0], words.size());
                for (Map.Entry<?, ?> e : words.entrySet()) {
                    if (!(e.getValue() instanceof Number id) || id.longValue() < 0
                            || id.longValue() > Integer.MAX_VALUE) {
                        return "the vocab's entry " + e.getKey() + " is not an id";
                    }
                    vocab.add((String) e.getKey(), id.intValue());
                }
            }
            long highest = vocab.highest();
            Object unk = model.get("unk_token");
            if (!(unk instanceof String u) || vocab.id(u) == WordPieceVocab.ABSENT) {
                return "its unk_token " + unk + " is not in the vocab";
            }
            unkId = vocab.id(u);
            Object p = model.containsKey("continuing_subword_prefix") ? model.get("continuing_subword_prefix") : "##";
            if (!(p instanceof String ps)) {
                return "its continuing_subword_prefix is not a string";
            }
            prefix = ps;
            Object max = model.containsKey("max_input_chars_per_word") ? model.get("max_input_chars_per_word") : 100;
            if (!(max instanceof Number m) || m.longValue() < 0) {
                return "its max_input_chars_per_word is not a count";
            }
            maxCharsPerWord = (int) Math.min(Integer.MAX_VALUE, m.longValue());

            if (!(root.get("normalizer") instanceof Map<?, ?> normalizer)
                    || !"BertNormalizer".equals(normalizer.get("type"))) {
                return "its normalizer is not BertNormalizer";
            }
            Boolean clean = flag(normalizer, "clean_text");
            Boolean chinese = flag(normalizer, "handle_chinese_chars");
            Boolean lower = flag(normalizer, "lowercase");
            if (clean == null || chinese == null || lower == null) {
                return "a BertNormalizer flag is not true or false";
            }
            cleanText = clean;
            chineseChars = chinese;
            lowercase = lower;
            Object strip = normalizer.get("strip_accents");
            if (strip != null && !(strip instanceof Boolean)) {
                return "its strip_accents is not true, false or null";
            }
            stripAccents = strip == null ? lowercase : (Boolean) strip;
            if (!(root.get("pre_tokenizer") instanceof Map<?, ?> pre) || !"BertPreTokenizer".equals(pre.get("type"))) {
                return "its pre_tokenizer is not BertPreTokenizer";
            }
            String problem = readAdded(root.get("added_tokens"));
            if (problem != null) {
                return problem;
            }
            for (List<Added> list : added.values()) {
                for (Added a : list) {
                    highest = Math.max(highest, a.id);
                }
                list.sort(LONGEST_FIRST);
            }
            vocabSize = (int) Math.min(Integer.MAX_VALUE, highest + 1);
            return readPostProcessor(root.get("post_processor"));
        }

        /**
         * The flag {@code name} (true when absent), or null when it is not a boolean. No string concatenation on the
         * load's path: the first one in a JVM spins method-handle classes (~17 ms of one CPU in a fresh JVM).
         */
        private static Boolean flag(Map<?, ?> map, String name) {
            Object v = map.containsKey(name) ? map.get(name) : Boolean.TRUE;
            return v instanceof Boolean b ? b : null;
        }

        private String readAdded(Object list) {
            if (list == null) {
                return null;
            }
            if (!(list instanceof List<?> tokens)) {
                return "its added_tokens is not a list";
            }
            for (Object o : tokens) {
                if (!(o instanceof Map<?, ?> t) || !(t.get("content") instanceof String content)
                        || !(t.get("id") instanceof Number id)) {
                    return "an added token has no content or id";
                }
                for (String f : List.of("single_word", "lstrip", "rstrip", "normalized")) {
                    if (Boolean.TRUE.equals(t.get(f))) {
                        return "the added token " + content + " has " + f + " set";
                    }
                }
                if (content.isEmpty()) {
                    continue;
                }
                int[] cps = codePoints(content);
                List<Added> sameStart = added.get(cps[0]);
                if (sameStart == null) {
                    sameStart = new ArrayList<>();
                    added.put(cps[0], sameStart);
                }
                sameStart.add(new Added(cps, id.intValue()));
            }
            return null;
        }

        private String readPostProcessor(Object processor) {
            if (processor == null) {
                return null;
            }
            if (!(processor instanceof Map<?, ?> map)) {
                return "its post_processor is not an object";
            }
            if ("BertProcessing".equals(map.get("type"))) {
                Special cls = pair(map.get("cls"));
                Special sep = pair(map.get("sep"));
                if (cls == null || sep == null) {
                    return "its BertProcessing has no [id, token] cls and sep";
                }
                before.add(cls);
                after.add(sep);
                return null;
            }
            if (!"TemplateProcessing".equals(map.get("type"))) {
                return "its post_processor is " + map.get("type") + ", not TemplateProcessing or BertProcessing";
            }
            if (!(map.get("single") instanceof List<?> single)) {
                return "its TemplateProcessing has no single template";
            }
            Map<?, ?> specials = map.get("special_tokens") instanceof Map<?, ?> s ? s : Map.of();
            boolean seenSequence = false;
            for (Object piece : single) {
                if (piece instanceof Map<?, ?> pm && pm.get("Sequence") instanceof Map<?, ?> seq) {
                    if (seenSequence || !"A".equals(seq.get("id"))) {
                        return "its single template is not one sequence A between special tokens";
                    }
                    seenSequence = true;
                    sequenceTypeId = seq.get("type_id") instanceof Number n ? n.longValue() : 0;
                } else if (piece instanceof Map<?, ?> pm && pm.get("SpecialToken") instanceof Map<?, ?> st) {
                    if (!(specials.get(st.get("id")) instanceof Map<?, ?> special)
                            || !(special.get("ids") instanceof List<?> ids)) {
                        return "its template names the special token " + st.get("id") + " without ids";
                    }
                    long type = st.get("type_id") instanceof Number n ? n.longValue() : 0;
                    for (Object id : ids) {
                        if (!(id instanceof Number n)) {
                            return "the special token " + st.get("id") + " has an id that is not a number";
                        }
                        (seenSequence ? after : before).add(new Special(n.longValue(), type));
                    }
                } else {
                    return "its single template has a piece that is neither Sequence nor SpecialToken";
                }
            }
            return seenSequence ? null : "its single template has no sequence";
        }

        private static Special pair(Object value) {
            return value instanceof List<?> l && l.size() == 2 && l.get(1) instanceof Number id
                    ? new Special(id.longValue(), 0) : null;
        }
    }
}

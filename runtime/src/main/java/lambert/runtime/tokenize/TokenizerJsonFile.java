package lambert.runtime.tokenize;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import lambert.base.json.Json;
import lambert.base.json.JsonException;
import lambert.base.json.Utf8;
import lambert.runtime.bundle.BundleException;

/**
 * Reads a {@code tokenizer.json} for {@link WordPieceTokenizer} at a cold start's price. The WordPiece vocabulary
 * (30,522 entries, nearly all of the file's 0.7 MB for BERT) goes straight into the table the tokenizer looks pieces
 * up in ({@link WordPieceVocab}, whose entries point into the file's bytes), read by a scanner of its own; the rest
 * of the document, with the vocabulary replaced by {@code {}}, goes through {@link Json#parse} as before (which checks that rest's UTF-8 and NUL bytes). The scanner takes only plain
 * JSON it is sure of: string keys with the escapes JSON defines and no raw control character, strictly UTF-8
 * ({@link Utf8}), non-negative integer ids that fit an int, no duplicate. Anything else (a fraction, an exponent, a negative or leading-zero number, a duplicate, a control
 * character in a string, a vocabulary that is not where BERT files put it) sends the whole file through
 * {@link Json#parse}, so an error, and any tree the scanner would not have built, is exactly the one the tree parse
 * gives.
 *
 * <p>Why: {@link Json#parse} of the MiniLM {@code tokenizer.json} (Jackson's streaming parser, 30,523 field names
 * canonicalised, a tree of boxed longs, then copied into the tokenizer's map) takes 200 to 250 ms of one CPU in a
 * fresh JVM with C1 only, the function's own settings; on Lambda's single INIT vCPU that time is taken from ONNX
 * Runtime's session creation running alongside.
 */
final class TokenizerJsonFile {
    /** Deeper nesting outside the vocabulary sends the file to the tree parse (Jackson has its own limits). */
    private static final int MAX_DEPTH = 64;
    private static final int NEXT = 1;
    private static final int END = 0;
    private static final int BAD = -1;
    /** Where BERT files keep the WordPiece vocabulary. */
    private static final String[] VOCAB_PATH = {"model", "vocab"};

    /**
     * A parsed {@code tokenizer.json}.
     *
     * @param root the document as {@link Json#parse} builds it; when {@code vocab} is not null, its
     *     {@code model.vocab} is an empty object
     * @param vocab the WordPiece vocabulary, token to id, read by the scanner; null when it is in {@code root}
     */
    record Contents(Map<?, ?> root, WordPieceVocab vocab) {}

    /** About one vocabulary entry per this many bytes of a BERT file (MiniLM: 23), to size the table once. */
    private static final int BYTES_PER_TOKEN = 24;

    private final byte[] text;
    private int pos;
    /** The string {@link #scanString} last scanned: its content's span, hash ({@link WordPieceVocab#hash}), escapes. */
    private int stringStart;
    private int stringEnd;
    private int stringHash;
    private boolean stringEscaped;

    private TokenizerJsonFile(byte[] text) {
        this.text = text;
    }

    /**
     * Reads and parses {@code file}.
     *
     * @throws BundleException if it cannot be read, is not JSON, or is not a JSON object
     */
    static Contents read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new BundleException("cannot read tokenizer " + file + ": " + e.getMessage(), e);
        }
        Contents fast = scan(bytes);
        return fast != null ? fast : new Contents(parseTree(bytes, file), null);
    }

    /** The contents read with the vocabulary scanner, or null when the file needs the tree parse. */
    static Contents scan(byte[] bytes) {
        TokenizerJsonFile scanner = new TokenizerJsonFile(bytes);
        WordPieceVocab vocab = new WordPieceVocab(bytes, bytes.length / BYTES_PER_TOKEN);
        int[] span = scanner.findVocab(vocab);
        if (span == null) {
            return null;
        }
        byte[] rest = new byte[bytes.length - (span[1] - span[0]) + 2];
        System.arraycopy(bytes, 0, rest, 0, span[0]);
        rest[span[0]] = '{';
        rest[span[0] + 1] = '}';
        System.arraycopy(bytes, span[1], rest, span[0] + 2, bytes.length - span[1]);
        Object root;
        try {
            root = Json.parse(rest); // checks the rest's UTF-8 and NUL bytes as it always has
        } catch (JsonException e) {
            return null;
        }
        if (root instanceof Map<?, ?> map && map.get("model") instanceof Map<?, ?> model
                && model.get("vocab") instanceof Map<?, ?> left && left.isEmpty()) {
            return new Contents(map, vocab);
        }
        return null;
    }

    private static Map<?, ?> parseTree(byte[] bytes, Path file) {
        Object root;
        try {
            root = Json.parse(bytes);
        } catch (JsonException e) {
            throw new BundleException("tokenizer " + file + " is " + e.getMessage(), e);
        }
        if (!(root instanceof Map<?, ?> map)) {
            throw new BundleException("tokenizer " + file + " is a JSON " + Json.typeName(root)
                    + "; expected an object (a Hugging Face tokenizer.json)");
        }
        return map;
    }

    /**
     * Walks the root object to {@code model.vocab}, reads it into {@code vocab}, and returns its span in the text
     * ({@code [start, end)}), or null.
     */
    private int[] findVocab(WordPieceVocab vocab) {
        skipWhitespace();
        if (!at('{')) {
            return null;
        }
        pos++;
        return member(0, vocab);
    }

    /**
     * Inside an object (after its brace): reads the member {@code VOCAB_PATH[level]} (the vocabulary at the path's end,
     * the next level's object before it) and skips the others; the vocabulary's span, or null.
     */
    private int[] member(int level, WordPieceVocab vocab) {
        if (emptyObject()) {
            return null;
        }
        int[] found = null;
        while (true) {
            String key = nextKey();
            if (key == null) {
                return null;
            }
            if (key.equals(VOCAB_PATH[level]) && at('{') && found == null) {
                int start = pos++;
                if (level < VOCAB_PATH.length - 1) {
                    found = member(level + 1, vocab);
                } else {
                    found = readVocab(vocab) ? new int[] {start, pos} : null;
                }
                if (found == null) {
                    return null;
                }
            } else if (!skipValue()) {
                return null;
            }
            int after = afterMember();
            if (after != NEXT) {
                return after == END ? found : null;
            }
        }
    }

    /** Whether the object just opened is empty ({@code pos} then past its closing brace). */
    private boolean emptyObject() {
        skipWhitespace();
        if (at('}')) {
            pos++;
            return true;
        }
        return false;
    }

    /**
     * The next member's key and its colon, leaving {@code pos} on its value; null when the text is not what was
     * expected.
     */
    private String nextKey() {
        return nextKeyScanned() ? string() : null;
    }

    /**
     * Scans the next member's key ({@link #scanString}) and its colon, leaving {@code pos} on its value; false when the
     * text is not what was expected.
     */
    private boolean nextKeyScanned() {
        skipWhitespace();
        if (!scanString()) {
            return false;
        }
        skipWhitespace();
        if (!at(':')) {
            return false;
        }
        pos++;
        skipWhitespace();
        return true;
    }

    /**
     * After a member's value: {@link #NEXT} past a comma (another member must follow), {@link #END} past the closing
     * brace, {@link #BAD} for anything else.
     */
    private int afterMember() {
        skipWhitespace();
        if (at(',')) {
            pos++;
            return NEXT;
        }
        if (at('}')) {
            pos++;
            return END;
        }
        return BAD;
    }

    /**
     * The vocabulary's members (after its brace), into {@code vocab}: a token with no escape as its span in the text,
     * one with escapes unescaped; false when they are not plain tokens and ids.
     */
    private boolean readVocab(WordPieceVocab vocab) {
        if (emptyObject()) {
            return true;
        }
        int after;
        do {
            after = vocabMember(vocab);
        } while (after == NEXT);
        return after == END;
    }

    /**
     * One member of the vocabulary into {@code vocab}, and what follows it ({@link #afterMember}; {@link #BAD} also
     * when the member is not a plain token and id). A method of its own so that the JIT compiles it after a few
     * hundred calls: the loop around it runs once per file, so it stays in the interpreter.
     */
    private int vocabMember(WordPieceVocab vocab) {
        if (!nextKeyScanned()) {
            return BAD;
        }
        int start = stringStart;
        int end = stringEnd;
        int hash = stringHash;
        String escaped = stringEscaped ? string() : null;
        if (stringEscaped && escaped == null) {
            return BAD;
        }
        int id = readId();
        if (id < 0 || !(escaped == null ? vocab.add(start, end - start, hash, id) : vocab.add(escaped, id))) {
            return BAD;
        }
        return afterMember();
    }

    /** A non-negative integer that fits an int, written as JSON writes integers; -1 otherwise. */
    private int readId() {
        int start = pos;
        long value = 0;
        while (pos < text.length && at(pos) >= '0' && at(pos) <= '9' && pos - start < 11) {
            value = value * 10 + (at(pos++) - '0');
        }
        int digits = pos - start;
        if (digits == 0 || digits > 10 || (digits > 1 && at(start) == '0') || value > Integer.MAX_VALUE) {
            return -1;
        }
        if (pos < text.length) {
            char c = at(pos);
            if (c == '.' || c == 'e' || c == 'E' || (c >= '0' && c <= '9')) {
                return -1;
            }
        }
        return (int) value;
    }

    /**
     * Scans the JSON string at {@code pos}, leaving {@code pos} after it and its content's span, hash and whether it
     * has escapes in the {@code string...} fields; false when it is not one, or not strictly UTF-8 ({@link Utf8}).
     */
    private boolean scanString() {
        if (!at('"')) {
            return false;
        }
        int start = ++pos;
        boolean escaped = false;
        boolean ascii = true;
        int hash = 0;
        while (true) {
            if (pos >= text.length) {
                return false;
            }
            byte c = text[pos];
            if (c == '"') {
                break;
            }
            if (c >= 0 && c < 0x20) {
                return false; // JSON has no raw control characters (NUL included) in strings
            }
            if (c < 0) {
                ascii = false;
            } else if (c == '\\') {
                escaped = true;
                pos++;
            }
            hash = WordPieceVocab.hash(hash, c);
            pos++;
        }
        int end = pos++;
        if (!ascii && Utf8.check(text, start, end) != null) {
            return false;
        }
        stringStart = start;
        stringEnd = end;
        stringHash = hash;
        stringEscaped = escaped;
        return true;
    }

    /** The string {@link #scanString} last scanned, unescaped; null when an escape is not one JSON defines. */
    private String string() {
        String raw = new String(text, stringStart, stringEnd - stringStart, StandardCharsets.UTF_8);
        return stringEscaped ? unescape(raw) : raw;
    }

    private static String unescape(String raw) {
        StringBuilder out = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char e = raw.charAt(++i);
            switch (e) {
                case '"', '\\', '/' -> out.append(e);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    if (i + 4 >= raw.length()) {
                        return null;
                    }
                    int code = 0;
                    for (int k = 1; k <= 4; k++) {
                        char h = raw.charAt(i + k);
                        int digit = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10
                                : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
                        if (digit < 0) {
                            return null;
                        }
                        code = code * 16 + digit;
                    }
                    out.append((char) code);
                    i += 4;
                }
                default -> {
                    return null;
                }
            }
        }
        return out.toString();
    }

    /**
     * Skips one value outside the vocabulary (strings and brackets matched, nothing else checked: the tree parse of
     * the rest checks it); false at the end of the text or past {@link #MAX_DEPTH}.
     */
    private boolean skipValue() {
        int depth = 0;
        while (pos < text.length) {
            char c = at(pos);
            if (c == '"') {
                if (!scanString()) {
                    return false;
                }
            } else if (c == '{' || c == '[') {
                if (++depth > MAX_DEPTH) {
                    return false;
                }
                pos++;
            } else if (c == '}' || c == ']') {
                if (depth == 0) {
                    return true; // the end of the enclosing object: a scalar ended here
                }
                depth--;
                pos++;
            } else if (c == ',' && depth == 0) {
                return true;
            } else {
                pos++;
            }
            if (depth == 0 && (c == '"' || c == '}' || c == ']')) {
                return true;
            }
        }
        return false;
    }

    private void skipWhitespace() {
        while (pos < text.length) {
            char c = at(pos);
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return;
            }
            pos++;
        }
    }

    private boolean at(char c) {
        return pos < text.length && text[pos] == c;
    }

    private char at(int index) {
        return (char) (text[index] & 0xFF);
    }
}

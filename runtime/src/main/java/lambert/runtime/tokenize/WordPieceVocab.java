package lambert.runtime.tokenize;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * A WordPiece vocabulary, token to id, built for a cold start: an open-addressing hash table (linear probing, at most
 * half full) over the tokens' UTF-8 bytes, with no object per token. The tokens that {@link TokenizerJsonFile}
 * scans are not copied: an entry is an offset and a length in the file's own bytes; tokens written with escapes in
 * the file, or added as strings, are kept unescaped in a pool of their own. {@link WordPieceTokenizer} looks pieces
 * up by code points ({@link #id(byte[], int[], int, int)}), so encoding makes no string per word or piece.
 *
 * <p>Keys are compared as sequences of code points, encoded as UTF-8; a lone UTF-16 surrogate (which a JSON escape
 * such as {@code \ud800} can write) is encoded as the three bytes its code point would take, so every Java string is a
 * key of its own. The {@link Map} view is read-only and answers as a {@code Map<String, Integer>} with the same
 * entries would (its iteration, in insertion order, decodes each key: for tests and the rare caller, not for
 * encoding).
 *
 * <p>Why: 30,522 tokens in a {@code HashMap} were 30,522 strings, nodes and boxed ids made while the JVM is cold
 * (mostly interpreted or C1 code, one vCPU at a function's INIT), and with the function's 8 MB young generation a
 * garbage collection copying them all.
 */
final class WordPieceVocab extends AbstractMap<String, Integer> {
    /** What {@link #id} answers for a token that is not in the vocabulary. */
    static final int ABSENT = -1;
    /** An empty prefix. */
    static final byte[] NO_PREFIX = new byte[0];
    /** A probe on the golden ratio: spreads a hash's bits to the table's top bits. */
    private static final int SPREAD = 0x9E3779B9;

    /** The bytes that scanned tokens point into. */
    private final byte[] text;
    /** Tokens added as strings or unescaped, in UTF-8. */
    private byte[] pool = new byte[64];
    private int poolSize;
    /** Per entry: the token's offset ({@code >= 0} in {@link #text}, else {@code ~offset} in {@link #pool}). */
    private int[] offsets;
    private int[] lengths;
    private int[] hashes;
    private int[] ids;
    private int size;
    /** Entry + 1 per slot; 0 is an empty slot. */
    private int[] slots;
    private int shift;
    private int highest = -1;

    /**
     * An empty vocabulary whose scanned tokens point into {@code text}, sized for about {@code expected} tokens.
     */
    WordPieceVocab(byte[] text, int expected) {
        this.text = text;
        int capacity = Integer.highestOneBit(Math.max(16, expected) * 2 - 1) * 2; // at most half full
        slots = new int[capacity];
        shift = Integer.numberOfLeadingZeros(capacity) + 1;
        offsets = new int[capacity / 2];
        lengths = new int[capacity / 2];
        hashes = new int[capacity / 2];
        ids = new int[capacity / 2];
    }

    /** The hash of a token's UTF-8 bytes so far, continued with one more byte. */
    static int hash(int hash, int b) {
        return hash * 31 + (b & 0xFF);
    }

    /**
     * Adds the token {@code text[offset, offset + length)} (plain UTF-8 with no escape, {@code hash} over those
     * bytes with {@link #hash}); false, adding nothing, when the vocabulary already has it.
     */
    boolean add(int offset, int length, int hash, int id) {
        int slot = find(hash, text, offset, length);
        if (slots[slot] != 0) {
            return false;
        }
        insert(slot, offset, length, hash, id);
        return true;
    }

    /** Adds {@code token}; false, adding nothing, when the vocabulary already has it. */
    boolean add(String token, int id) {
        byte[] bytes = utf8(token);
        int hash = 0;
        for (byte b : bytes) {
            hash = hash(hash, b);
        }
        int slot = find(hash, bytes, 0, bytes.length);
        if (slots[slot] != 0) {
            return false;
        }
        if (poolSize + bytes.length > pool.length) {
            pool = Arrays.copyOf(pool, Math.max(pool.length * 2, poolSize + bytes.length));
        }
        System.arraycopy(bytes, 0, pool, poolSize, bytes.length);
        insert(slot, ~poolSize, bytes.length, hash, id);
        poolSize += bytes.length;
        return true;
    }

    /** The highest id, or -1 when empty. */
    int highest() {
        return highest;
    }

    /** The id of {@code token}, or {@link #ABSENT}. */
    int id(String token) {
        int[] cps = WordPieceTokenizer.codePoints(token);
        return id(NO_PREFIX, cps, 0, cps.length);
    }

    /**
     * The id of the token made of {@code prefix} (UTF-8) followed by the code points {@code cps[from, to)}, or
     * {@link #ABSENT}.
     */
    int id(byte[] prefix, int[] cps, int from, int to) {
        int hash = 0;
        for (byte b : prefix) {
            hash = hash(hash, b);
        }
        int length = prefix.length;
        for (int i = from; i < to; i++) {
            int c = cps[i];
            if (c < 0x80) {
                hash = hash(hash, c);
                length++;
            } else if (c < 0x800) {
                hash = hash(hash(hash, 0xC0 | c >> 6), 0x80 | c & 0x3F);
                length += 2;
            } else if (c < 0x10000) {
                hash = hash(hash(hash(hash, 0xE0 | c >> 12), 0x80 | c >> 6 & 0x3F), 0x80 | c & 0x3F);
                length += 3;
            } else {
                hash = hash(hash(hash(hash(hash, 0xF0 | c >> 18), 0x80 | c >> 12 & 0x3F), 0x80 | c >> 6 & 0x3F),
                        0x80 | c & 0x3F);
                length += 4;
            }
        }
        for (int slot = (hash * SPREAD) >>> shift; ; slot = (slot + 1) & (slots.length - 1)) {
            int e = slots[slot] - 1;
            if (e < 0) {
                return ABSENT;
            }
            if (hashes[e] == hash && lengths[e] == length && matches(e, prefix, cps, from, to)) {
                return ids[e];
            }
        }
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Integer get(Object key) {
        int id = key instanceof String s ? id(s) : ABSENT;
        return id == ABSENT ? null : id;
    }

    @Override
    public boolean containsKey(Object key) {
        return key instanceof String s && id(s) != ABSENT;
    }

    @Override
    public Set<Map.Entry<String, Integer>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public int size() {
                return size;
            }

            @Override
            public Iterator<Map.Entry<String, Integer>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < size;
                    }

                    @Override
                    public Map.Entry<String, Integer> next() {
                        if (next >= size) {
                            throw new NoSuchElementException();
                        }
                        int e = next++;
                        return new SimpleImmutableEntry<>(token(e), ids[e]);
                    }
                };
            }
        };
    }

    /**
     * A string's code points as UTF-8, a lone surrogate encoded as its code point (three bytes), so that the
     * encoding is one to one.
     */
    static byte[] utf8(String s) {
        int[] cps = WordPieceTokenizer.codePoints(s);
        byte[] out = new byte[cps.length * 4];
        int n = 0;
        for (int c : cps) {
            if (c < 0x80) {
                out[n++] = (byte) c;
            } else if (c < 0x800) {
                out[n++] = (byte) (0xC0 | c >> 6);
                out[n++] = (byte) (0x80 | c & 0x3F);
            } else if (c < 0x10000) {
                out[n++] = (byte) (0xE0 | c >> 12);
                out[n++] = (byte) (0x80 | c >> 6 & 0x3F);
                out[n++] = (byte) (0x80 | c & 0x3F);
            } else {
                out[n++] = (byte) (0xF0 | c >> 18);
                out[n++] = (byte) (0x80 | c >> 12 & 0x3F);
                out[n++] = (byte) (0x80 | c >> 6 & 0x3F);
                out[n++] = (byte) (0x80 | c & 0x3F);
            }
        }
        return Arrays.copyOf(out, n);
    }

    /** The slot holding the token {@code bytes[offset, offset + length)}, or the empty slot where it would go. */
    private int find(int hash, byte[] bytes, int offset, int length) {
        for (int slot = (hash * SPREAD) >>> shift; ; slot = (slot + 1) & (slots.length - 1)) {
            int e = slots[slot] - 1;
            if (e < 0 || hashes[e] == hash && lengths[e] == length
                    && Arrays.equals(source(e), start(e), start(e) + length, bytes, offset, offset + length)) {
                return slot;
            }
        }
    }

    private void insert(int slot, int offset, int length, int hash, int id) {
        int e = size++;
        offsets[e] = offset;
        lengths[e] = length;
        hashes[e] = hash;
        ids[e] = id;
        slots[slot] = e + 1;
        highest = Math.max(highest, id);
        if (size == offsets.length) {
            grow();
        }
    }

    /** Doubles the table (it was half full) and the entries' room. */
    private void grow() {
        int capacity = slots.length * 2;
        slots = new int[capacity];
        shift--;
        for (int e = 0; e < size; e++) {
            int slot = (hashes[e] * SPREAD) >>> shift;
            while (slots[slot] != 0) {
                slot = (slot + 1) & (capacity - 1);
            }
            slots[slot] = e + 1;
        }
        offsets = Arrays.copyOf(offsets, capacity / 2);
        lengths = Arrays.copyOf(lengths, capacity / 2);
        hashes = Arrays.copyOf(hashes, capacity / 2);
        ids = Arrays.copyOf(ids, capacity / 2);
    }

    /** Whether entry {@code e} is {@code prefix} followed by the code points {@code cps[from, to)} in UTF-8. */
    private boolean matches(int e, byte[] prefix, int[] cps, int from, int to) {
        byte[] bytes = source(e);
        int at = start(e);
        for (byte b : prefix) {
            if (bytes[at++] != b) {
                return false;
            }
        }
        for (int i = from; i < to; i++) {
            int c = cps[i];
            if (c < 0x80) {
                if (bytes[at++] != c) {
                    return false;
                }
            } else if (c < 0x800) {
                if (bytes[at++] != (byte) (0xC0 | c >> 6) || bytes[at++] != (byte) (0x80 | c & 0x3F)) {
                    return false;
                }
            } else if (c < 0x10000) {
                if (bytes[at++] != (byte) (0xE0 | c >> 12) || bytes[at++] != (byte) (0x80 | c >> 6 & 0x3F)
                        || bytes[at++] != (byte) (0x80 | c & 0x3F)) {
                    return false;
                }
            } else if (bytes[at++] != (byte) (0xF0 | c >> 18) || bytes[at++] != (byte) (0x80 | c >> 12 & 0x3F)
                    || bytes[at++] != (byte) (0x80 | c >> 6 & 0x3F) || bytes[at++] != (byte) (0x80 | c & 0x3F)) {
                return false;
            }
        }
        return true;
    }

    /** Entry {@code e}'s token, decoded. */
    private String token(int e) {
        byte[] bytes = source(e);
        int at = start(e);
        int end = at + lengths[e];
        int[] cps = new int[lengths[e]];
        int n = 0;
        while (at < end) {
            int b = bytes[at++] & 0xFF;
            int more = b < 0x80 ? 0 : b < 0xE0 ? 1 : b < 0xF0 ? 2 : 3;
            int c = more == 0 ? b : b & (0x3F >> more);
            for (int k = 0; k < more; k++) {
                c = c << 6 | bytes[at++] & 0x3F;
            }
            cps[n++] = c;
        }
        return new String(cps, 0, n);
    }

    private byte[] source(int e) {
        return offsets[e] >= 0 ? text : pool;
    }

    private int start(int e) {
        return offsets[e] >= 0 ? offsets[e] : ~offsets[e];
    }
}

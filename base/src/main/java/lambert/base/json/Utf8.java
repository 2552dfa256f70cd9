package lambert.base.json;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Strict UTF-8 (RFC 3629), checked before bytes become text: overlong forms ({@code C0 AF}), UTF-16
 * surrogates encoded as if they were characters (CESU-8, {@code ED A0 80}), code points above
 * U+10FFFF ({@code F4 90 80 80}), stray continuation bytes and sequences cut short are all refused
 * with the byte offset and the reason, where a lenient decoder would substitute U+FFFD or pass a
 * lone surrogate on to be misnamed later.
 *
 * <pre>{@code
 * Utf8.Problem problem = Utf8.check(bytes);
 * if (problem != null) {
 *     throw new IllegalArgumentException("not valid UTF-8 " + problem);
 * }
 * }</pre>
 */
public final class Utf8 {
    private Utf8() {}

    /**
     * Where and why bytes are not UTF-8.
     *
     * @param offset the offset of the first byte of the bad sequence
     * @param reason what is wrong with it, naming its bytes
     */
    public record Problem(long offset, String reason) {
        /** "at byte N (reason)", for messages such as "the request is not valid UTF-8 at byte 7 (...)". */
        @Override
        public String toString() {
            return "at byte " + offset + " (" + reason + ")";
        }
    }

    /** The first problem in {@code bytes}, or null when they are valid UTF-8. */
    public static Problem check(byte[] bytes) {
        return check(bytes, 0, bytes.length);
    }

    /** The first problem in {@code bytes[from, to)}, offsets counted from 0 at {@code from}; null when valid. */
    public static Problem check(byte[] bytes, int from, int to) {
        int i = from;
        while (i < to) {
            int b = bytes[i] & 0xff;
            if (b < 0x80) {
                i++;
                continue;
            }
            int length;
            int min;
            int max = 0xbf;
            if (b >= 0xc2 && b <= 0xdf) {
                length = 2;
                min = 0x80;
            } else if (b >= 0xe0 && b <= 0xef) {
                length = 3;
                min = b == 0xe0 ? 0xa0 : 0x80;
                max = b == 0xed ? 0x9f : 0xbf;
            } else if (b >= 0xf0 && b <= 0xf4) {
                length = 4;
                min = b == 0xf0 ? 0x90 : 0x80;
                max = b == 0xf4 ? 0x8f : 0xbf;
            } else {
                return new Problem(i - from, leadProblem(b));
            }
            for (int k = 1; k < length; k++) {
                if (i + k >= to) {
                    return new Problem(i - from, "the sequence " + hex(bytes, i, to) + " is cut short: a lead byte 0x"
                            + hex(b) + " needs " + (length - 1) + " continuation bytes and the input ends");
                }
                int c = bytes[i + k] & 0xff;
                if (k == 1 && c >= 0x80 && c <= 0xbf && (c < min || c > max)) {
                    return new Problem(i - from, secondByteProblem(b, hex(bytes, i, Math.min(to, i + length))));
                }
                if (c < 0x80 || c > 0xbf) {
                    return new Problem(i - from, "the sequence " + hex(bytes, i, i + k + 1) + " is cut short: 0x"
                            + hex(c) + " is not a continuation byte (0x80 to 0xbf)");
                }
            }
            i += length;
        }
        return null;
    }

    /**
     * {@code bytes} as a string, strictly: the first problem is an {@link IllegalArgumentException}
     * whose message is {@link Problem#toString()}.
     */
    public static String decode(byte[] bytes) {
        Problem problem = check(bytes);
        if (problem != null) {
            throw new IllegalArgumentException(problem.toString());
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static String leadProblem(int b) {
        if (b >= 0x80 && b <= 0xbf) {
            return "0x" + hex(b) + " is a continuation byte with no lead byte before it";
        }
        if (b == 0xc0 || b == 0xc1) {
            return "0x" + hex(b) + " starts an overlong encoding of an ASCII character";
        }
        if (b >= 0xf5 && b <= 0xf7) {
            return "0x" + hex(b) + " starts a code point above U+10FFFF";
        }
        return "0x" + hex(b) + " never occurs in UTF-8";
    }

    private static String secondByteProblem(int lead, String sequence) {
        if (lead == 0xe0 || lead == 0xf0) {
            return sequence + " is an overlong encoding";
        }
        if (lead == 0xed) {
            return sequence + " encodes a UTF-16 surrogate (CESU-8), which UTF-8 does not allow";
        }
        return sequence + " encodes a code point above U+10FFFF";
    }

    private static String hex(int b) {
        return String.format(Locale.ROOT, "%02x", b);
    }

    private static String hex(byte[] bytes, int from, int to) {
        StringBuilder s = new StringBuilder();
        for (int i = from; i < to; i++) {
            s.append(i > from ? " " : "").append(hex(bytes[i] & 0xff));
        }
        return s.toString();
    }
}

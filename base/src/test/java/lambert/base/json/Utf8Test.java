package lambert.base.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link Utf8} against the JDK's own UTF-8 decoder set to report malformed input (the independent reference):
 * the same verdict and the same offset for every sequence of one and two bytes, three- and four-byte sequences
 * with every lead and second byte and the later bytes on either side of each boundary, and random byte strings.
 */
class Utf8Test {
    @Test
    void check_agreesWithTheJdkOnEveryOneAndTwoByteSequence() {
        for (int a = 0; a < 256; a++) {
            agree(new byte[] {(byte) a});
            for (int b = 0; b < 256; b++) {
                agree(new byte[] {(byte) a, (byte) b});
            }
        }
    }

    /** Bytes on either side of every range boundary a third or fourth byte can cross. */
    private static final int[] EDGES = {0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xff};

    @Test
    void check_agreesWithTheJdkOnThreeAndFourByteSequencesAroundEveryBoundary() {
        for (int a = 0xc0; a < 256; a++) {
            for (int b = 0; b < 256; b++) {
                for (int c : EDGES) {
                    agree(new byte[] {(byte) a, (byte) b, (byte) c});
                    if (a >= 0xf0) {
                        for (int d : EDGES) {
                            agree(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
                        }
                    }
                }
            }
        }
    }

    @Test
    void check_agreesWithTheJdkOnRandomBytes() {
        Random random = new Random(18);
        byte[] valid = "aé€😀 \u0000\uffff\ud7ff\ue000".getBytes(StandardCharsets.UTF_8);
        for (int n = 0; n < 100_000; n++) {
            byte[] bytes = new byte[1 + random.nextInt(16)];
            for (int i = 0; i < bytes.length; i++) {
                // mostly pieces of valid text, with high bytes more likely than uniform
                bytes[i] = random.nextInt(3) == 0 ? (byte) (0x80 + random.nextInt(128)) : valid[random.nextInt(valid.length)];
            }
            agree(bytes);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            c0 af          | 0 | 0xc0 starts an overlong encoding of an ASCII character
            e0 80 af       | 0 | e0 80 af is an overlong encoding
            f0 80 80 af    | 0 | f0 80 80 af is an overlong encoding
            ed a0 80       | 0 | ed a0 80 encodes a UTF-16 surrogate (CESU-8), which UTF-8 does not allow
            f4 90 80 80    | 0 | f4 90 80 80 encodes a code point above U+10FFFF
            f5 80 80 80    | 0 | 0xf5 starts a code point above U+10FFFF
            41 e2 82       | 1 | the sequence e2 82 is cut short: a lead byte 0xe2 needs 2 continuation bytes and the input ends
            41 e2 41       | 1 | the sequence e2 41 is cut short: 0x41 is not a continuation byte (0x80 to 0xbf)
            41 42 bf       | 2 | 0xbf is a continuation byte with no lead byte before it
            fe             | 0 | 0xfe never occurs in UTF-8
            """)
    void check_namesTheOffsetAndTheReason(String hex, long offset, String reason) {
        Utf8.Problem problem = Utf8.check(bytes(hex));
        assertThat(problem).isEqualTo(new Utf8.Problem(offset, reason));
        assertThat(problem.toString()).isEqualTo("at byte " + offset + " (" + reason + ")");
    }

    @Test
    void decode_refusesWhatTheLenientDecoderWouldReplace() {
        byte[] overlong = bytes("61 c0 af 62");
        assertThat(new String(overlong, StandardCharsets.UTF_8)).contains("\ufffd");
        assertThatThrownBy(() -> Utf8.decode(overlong)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("at byte 1 (0xc0 starts an overlong encoding of an ASCII character)");
        assertThat(Utf8.decode("naïve 😀".getBytes(StandardCharsets.UTF_8))).isEqualTo("naïve 😀");
    }

    private static void agree(byte[] bytes) {
        long expected = jdkFirstError(bytes);
        Utf8.Problem problem = Utf8.check(bytes);
        long actual = problem == null ? -1 : problem.offset();
        if (actual != expected) {
            throw new AssertionError("bytes " + hex(bytes) + ": the JDK finds the first error at " + expected
                    + ", Utf8 at " + actual + " (" + problem + ")");
        }
    }

    /** The offset where the JDK's strict decoder stops, or -1 when it decodes everything. */
    private static long jdkFirstError(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length * 2 + 4);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            return in.position();
        }
        result = decoder.flush(out);
        return result.isError() ? in.position() : -1;
    }

    private static byte[] bytes(String hex) {
        String[] parts = hex.trim().split("\\s+");
        byte[] out = new byte[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = (byte) Integer.parseInt(parts[i], 16);
        }
        return out;
    }

    private static String hex(byte[] bytes) {
        StringBuilder s = new StringBuilder();
        for (byte b : bytes) {
            s.append(String.format("%02x ", b & 0xff));
        }
        return s.toString().trim();
    }
}

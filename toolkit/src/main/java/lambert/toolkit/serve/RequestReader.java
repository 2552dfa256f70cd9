package lambert.toolkit.serve;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Reads HTTP/1.1 requests off one connection (RFC 9112), strictly: a request head within {@link
 * HttpLimits#maxHeadBytes()} and {@link HttpLimits#headTimeout()}, then its body within {@link
 * HttpLimits#maxBodyBytes()} and {@link HttpLimits#bodyTimeout()}, both counted while reading, so no client can
 * make it hold more than the limits or wait longer than the deadlines, however slowly or how much it sends.
 * Whatever cannot be framed without guessing (two lengths, a length and a transfer coding, a coding other than
 * chunked, obsolete line folding, whitespace before a colon, a bare CR) is a {@link ProtocolException}.
 */
final class RequestReader {
    /** The longest chunk-size line (size and extensions). */
    static final int MAX_CHUNK_LINE = 1024;
    private static final int BUFFER = 16 * 1024;
    private static final byte[] EMPTY = new byte[0];

    /**
     * A request head as far as this server needs it.
     *
     * @param method the method, as sent
     * @param contentLength the body's declared length; 0 without a body; -1 when chunked
     * @param keepAlive whether the connection may carry another request after this one
     * @param expectContinue whether the client waits for {@code 100 Continue} before sending the body
     */
    record Head(String method, long contentLength, boolean keepAlive, boolean expectContinue) {
        boolean chunked() {
            return contentLength < 0;
        }

        boolean hasBody() {
            return contentLength != 0;
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final HttpLimits limits;
    private final long acceptedAt;
    private final byte[] buf = new byte[BUFFER];
    private final byte[] line;
    private int pos;
    private int end;
    private int budget;

    RequestReader(Socket socket, HttpLimits limits, long acceptedAtNanos) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.limits = limits;
        this.acceptedAt = acceptedAtNanos;
        this.line = new byte[Math.max(limits.maxHeadBytes(), MAX_CHUNK_LINE)];
    }

    /**
     * Reads the next request head.
     *
     * @param first whether this is the connection's first request (its head deadline runs from the connection's
     *     start; a later one waits up to the idle timeout for its first byte)
     * @return the head, or null when the connection ended (or stayed idle) before any byte of a request
     */
    Head readHead(boolean first) throws IOException, ProtocolException {
        long headDeadline;
        if (first) {
            headDeadline = acceptedAt + limits.headTimeout().toNanos();
            if (pos == end && !fillBeforeNothing(headDeadline)) {
                return null;
            }
        } else {
            if (pos == end && !fillBeforeNothing(System.nanoTime() + limits.idleTimeout().toNanos())) {
                return null;
            }
            headDeadline = System.nanoTime() + limits.headTimeout().toNanos();
        }
        budget = limits.maxHeadBytes();
        String requestLine = readHeadLine(headDeadline);
        while (requestLine.isEmpty()) {
            // RFC 9112 2.2: empty lines before a request line are ignored (they count towards the head's bytes).
            requestLine = readHeadLine(headDeadline);
        }
        int sp1 = requestLine.indexOf(' ');
        int sp2 = sp1 < 0 ? -1 : requestLine.indexOf(' ', sp1 + 1);
        if (sp1 <= 0 || sp2 < 0 || sp2 == sp1 + 1 || sp2 == requestLine.length() - 1
                || requestLine.indexOf(' ', sp2 + 1) >= 0) {
            throw ProtocolException.malformed("the request line must be METHOD TARGET HTTP/1.1 with single spaces, "
                    + "found " + quote(requestLine));
        }
        String method = requestLine.substring(0, sp1);
        String target = requestLine.substring(sp1 + 1, sp2);
        String version = requestLine.substring(sp2 + 1);
        for (int i = 0; i < method.length(); i++) {
            if (!isTokenChar(method.charAt(i))) {
                throw ProtocolException.malformed("the method " + quote(method) + " has a character a method cannot "
                        + "have (code " + (int) method.charAt(i) + ")");
            }
        }
        boolean http10;
        if (version.equals("HTTP/1.1")) {
            http10 = false;
        } else if (version.equals("HTTP/1.0")) {
            http10 = true;
        } else if (version.length() == 8 && version.startsWith("HTTP/") && Character.isDigit(version.charAt(5))
                && version.charAt(6) == '.' && Character.isDigit(version.charAt(7))) {
            throw ProtocolException.unsupported(505, version + " is not supported: send HTTP/1.1");
        } else {
            throw ProtocolException.malformed("the request line must end with the version HTTP/1.1, found "
                    + quote(version));
        }
        checkTarget(target);

        int hosts = 0;
        int lengths = 0;
        String length = null;
        List<String> codings = new ArrayList<>();
        boolean transferEncoding = false;
        boolean close = http10;
        boolean expectContinue = false;
        for (String field = readHeadLine(headDeadline); !field.isEmpty(); field = readHeadLine(headDeadline)) {
            char c0 = field.charAt(0);
            if (c0 == ' ' || c0 == '\t') {
                throw ProtocolException.malformed("a header line starts with whitespace (obsolete line folding, "
                        + "refused by RFC 9112): " + quote(field));
            }
            int colon = field.indexOf(':');
            if (colon <= 0) {
                throw ProtocolException.malformed("a header line must be NAME: VALUE, found " + quote(field));
            }
            String name = field.substring(0, colon);
            for (int i = 0; i < name.length(); i++) {
                if (!isTokenChar(name.charAt(i))) {
                    throw ProtocolException.malformed("the header name " + quote(name) + " has a character a name "
                            + "cannot have (code " + (int) name.charAt(i) + "; no whitespace before the colon)");
                }
            }
            String value = trimWhitespace(field.substring(colon + 1));
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c != '\t' && (c < 0x20 || c == 0x7f)) {
                    throw ProtocolException.malformed("the value of header " + quote(name) + " has the control "
                            + "character " + (int) c);
                }
            }
            switch (name.toLowerCase(Locale.ROOT)) {
                case "host":
                    hosts++;
                    break;
                case "content-length":
                    lengths++;
                    length = value;
                    break;
                case "transfer-encoding":
                    transferEncoding = true;
                    for (String coding : value.split(",", -1)) {
                        String c = trimWhitespace(coding).toLowerCase(Locale.ROOT);
                        if (!c.isEmpty()) {
                            codings.add(c);
                        }
                    }
                    break;
                case "connection":
                    for (String option : value.split(",", -1)) {
                        String o = trimWhitespace(option);
                        if (o.equalsIgnoreCase("close")) {
                            close = true;
                        }
                    }
                    break;
                case "expect":
                    expectContinue = value.equalsIgnoreCase("100-continue");
                    break;
                default:
                    break;
            }
        }
        if (http10 ? hosts > 1 : hosts != 1) {
            throw ProtocolException.malformed("a request needs exactly one Host header" + (http10 ? " at most" : "")
                    + ", found " + hosts);
        }
        long contentLength = 0;
        if (transferEncoding) {
            if (lengths > 0) {
                throw ProtocolException.malformed("the request has both Content-Length and Transfer-Encoding, so "
                        + "its body's length is ambiguous: send one of them");
            }
            if (http10) {
                throw ProtocolException.malformed("Transfer-Encoding is not allowed in an HTTP/1.0 request");
            }
            if (codings.isEmpty() || !codings.get(codings.size() - 1).equals("chunked")
                    || codings.indexOf("chunked") != codings.size() - 1) {
                throw ProtocolException.malformed("the body's length cannot be determined: chunked must be the last "
                        + "transfer coding and appear once, found " + quote(String.join(", ", codings)));
            }
            if (codings.size() > 1) {
                throw ProtocolException.unsupported(501, "the transfer coding " + quote(codings.get(0))
                        + " is not supported: send the body as it is, or chunked");
            }
            contentLength = -1;
        } else if (lengths > 1) {
            throw ProtocolException.malformed("Content-Length is given " + lengths + " times; send it once");
        } else if (lengths == 1) {
            contentLength = parseLength(length);
        }
        return new Head(method, contentLength, !close, expectContinue && !http10);
    }

    /** Reads the body a head announced. */
    byte[] readBody(Head head) throws IOException, ProtocolException {
        if (!head.hasBody()) {
            return EMPTY;
        }
        long deadline = System.nanoTime() + limits.bodyTimeout().toNanos();
        if (!head.chunked()) {
            int length = (int) head.contentLength();
            byte[] body = new byte[Math.min(length, BUFFER * 4)];
            int got = 0;
            while (got < length) {
                if (pos == end && fill(deadline, false) < 0) {
                    throw ProtocolException.malformed("the connection ended after " + got + " of the " + length
                            + " body bytes its Content-Length announced");
                }
                int n = Math.min(length - got, end - pos);
                if (got + n > body.length) {
                    body = Arrays.copyOf(body, (int) Math.min(length, Math.max(got + n, 2L * body.length)));
                }
                System.arraycopy(buf, pos, body, got, n);
                pos += n;
                got += n;
            }
            return body;
        }
        byte[] body = new byte[BUFFER];
        int got = 0;
        while (true) {
            budget = MAX_CHUNK_LINE;
            String sizeLine = readLine(deadline, false);
            int digits = 0;
            long size = 0;
            while (digits < sizeLine.length() && Character.digit(sizeLine.charAt(digits), 16) >= 0) {
                size = size * 16 + Character.digit(sizeLine.charAt(digits), 16);
                digits++;
                if (got + size > limits.maxBodyBytes()) {
                    throw overLimit(got + size);
                }
            }
            if (digits == 0) {
                throw ProtocolException.malformed("a chunk must start with its size in hexadecimal, found "
                        + quote(sizeLine));
            }
            String rest = trimWhitespace(sizeLine.substring(digits));
            if (!rest.isEmpty() && rest.charAt(0) != ';') {
                throw ProtocolException.malformed("a chunk size must be followed by the line's end or ;extension, "
                        + "found " + quote(sizeLine));
            }
            if (size == 0) {
                budget = limits.maxHeadBytes();
                for (String trailer = readLine(deadline, true); !trailer.isEmpty(); trailer = readLine(deadline, true)) {
                    if (trailer.indexOf(':') <= 0) {
                        throw ProtocolException.malformed("a trailer line must be NAME: VALUE, found "
                                + quote(trailer));
                    }
                }
                return Arrays.copyOf(body, got);
            }
            int n = (int) size;
            if (got + n > body.length) {
                body = Arrays.copyOf(body, (int) Math.min(limits.maxBodyBytes(), Math.max(got + n,
                        2L * body.length)));
            }
            int chunkEnd = got + n;
            while (got < chunkEnd) {
                if (pos == end && fill(deadline, false) < 0) {
                    throw ProtocolException.malformed("the connection ended inside a chunk, after " + got
                            + " body bytes");
                }
                int take = Math.min(chunkEnd - got, end - pos);
                System.arraycopy(buf, pos, body, got, take);
                pos += take;
                got += take;
            }
            expectLineEnd(deadline, n);
        }
    }

    /** The CRLF (or LF) that ends a chunk's data. */
    private void expectLineEnd(long deadline, int chunk) throws IOException, ProtocolException {
        for (int i = 0; i < 2; i++) {
            if (pos == end && fill(deadline, false) < 0) {
                throw ProtocolException.malformed("the connection ended after a chunk's data, before its CRLF");
            }
            byte b = buf[pos++];
            if (b == '\n') {
                return;
            }
            if (b != '\r' || i == 1) {
                break;
            }
        }
        throw ProtocolException.malformed("a chunk of " + chunk + " bytes must be followed by CRLF, as its size "
                + "said; the data is longer or the size is wrong");
    }

    /**
     * After an error: reads and drops what the client still sends, at most {@code maxBytes} or until {@code
     * deadline}, so that closing does not reset the connection before the client has read the answer.
     */
    void drain(long maxBytes, long deadlineNanos) {
        long dropped = end - pos;
        pos = end;
        try {
            while (dropped < maxBytes) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                socket.setSoTimeout(millis(left));
                int n = in.read(buf, 0, buf.length);
                if (n < 0) {
                    return;
                }
                dropped += n;
            }
        } catch (IOException e) {
            // the client is gone, or was too slow to finish: either way the connection is done
        }
    }

    private long parseLength(String value) throws ProtocolException {
        if (value.isEmpty() || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw ProtocolException.malformed("Content-Length must be a number of bytes, found " + quote(value));
        }
        String digits = value.replaceFirst("^0+(?=.)", "");
        if (digits.length() > 18 || Long.parseLong(digits) > limits.maxBodyBytes()) {
            throw ProtocolException.tooLarge(413, "the request has " + (digits.length() > 18
                    ? "a " + digits.length() + "-digit number of" : digits) + " bytes; the limit is "
                    + limits.maxBodyBytes() + " (LAMBERT_MAX_INPUT_BYTES)");
        }
        return Long.parseLong(digits);
    }

    private ProtocolException overLimit(long atLeast) {
        return ProtocolException.tooLarge(413, "the chunked request has at least " + atLeast + " bytes; the limit is "
                + limits.maxBodyBytes() + " (LAMBERT_MAX_INPUT_BYTES)");
    }

    private static void checkTarget(String target) throws ProtocolException {
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                throw ProtocolException.malformed("the request target has a character a URI cannot have (code "
                        + (int) c + ")");
            }
        }
        String lower = target.toLowerCase(Locale.ROOT);
        if (target.equals("*")) {
            throw ProtocolException.malformed("the request target * names no resource: send the request to /");
        }
        if (!target.startsWith("/") && !lower.startsWith("http://") && !lower.startsWith("https://")) {
            throw ProtocolException.malformed("the request target must be a path such as /, found " + quote(target));
        }
    }

    private String readHeadLine(long deadline) throws IOException, ProtocolException {
        return readLine(deadline, true);
    }

    /**
     * One line ending in LF (a CR before it is dropped; RFC 9112 2.2 allows a bare LF), within the budget left.
     *
     * @param head whether the line belongs to a head or a trailer (over budget: 431) rather than a chunk size line
     */
    private String readLine(long deadline, boolean head) throws IOException, ProtocolException {
        int length = 0;
        while (true) {
            if (pos == end && fill(deadline, head) < 0) {
                throw ProtocolException.malformed(head
                        ? "the connection ended in the middle of the request head"
                        : "the connection ended in the middle of a chunked body");
            }
            byte b = buf[pos++];
            if (b == '\n') {
                if (length > 0 && line[length - 1] == '\r') {
                    length--;
                }
                return new String(line, 0, length, StandardCharsets.ISO_8859_1);
            }
            if (length > 0 && line[length - 1] == '\r') {
                throw ProtocolException.malformed("a CR not followed by LF (a bare CR is not a line end)");
            }
            if (--budget < 0) {
                if (head) {
                    throw ProtocolException.tooLarge(431, "the request head (request line and header fields, or a "
                            + "trailer) is over " + limits.maxHeadBytes() + " bytes");
                }
                throw ProtocolException.malformed("a chunk size line is over " + MAX_CHUNK_LINE + " bytes");
            }
            line[length++] = b;
        }
    }

    /** Waits for the first byte of a request: false when the connection ended or the deadline passed first. */
    private boolean fillBeforeNothing(long deadline) throws IOException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            return false;
        }
        socket.setSoTimeout(millis(left));
        try {
            int n = in.read(buf, 0, buf.length);
            if (n < 0) {
                return false;
            }
            pos = 0;
            end = n;
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    private int fill(long deadline, boolean head) throws IOException, ProtocolException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw timeout(head);
        }
        socket.setSoTimeout(millis(left));
        int n;
        try {
            n = in.read(buf, 0, buf.length);
        } catch (SocketTimeoutException e) {
            throw timeout(head);
        }
        if (n < 0) {
            return -1;
        }
        pos = 0;
        end = n;
        return n;
    }

    private ProtocolException timeout(boolean head) {
        return head
                ? ProtocolException.timeout("the request head did not arrive within " + seconds(limits.headTimeout())
                        + " (the client is too slow); the connection is closed")
                : ProtocolException.timeout("the request body did not arrive within " + seconds(limits.bodyTimeout())
                        + " (the client is too slow); the connection is closed");
    }

    private static String seconds(java.time.Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private static int millis(long nanos) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(nanos) + 1));
    }

    private static boolean isTokenChar(char c) {
        return c > 0x20 && c < 0x7f && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
    }

    private static String trimWhitespace(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && (s.charAt(from) == ' ' || s.charAt(from) == '\t')) {
            from++;
        }
        while (to > from && (s.charAt(to - 1) == ' ' || s.charAt(to - 1) == '\t')) {
            to--;
        }
        return s.substring(from, to);
    }

    /** A value from the request, quoted and cut to 80 characters, for an error message. */
    static String quote(String s) {
        return "\"" + (s.length() > 80 ? s.substring(0, 80) + "…" : s) + "\"";
    }
}

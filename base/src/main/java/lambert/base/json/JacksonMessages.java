package lambert.base.json;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Jackson's parse errors in lambert's words. Jackson's messages name its own options ({@code
 * JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS}, {@code StreamReadConstraints.getMaxNestingDepth()}) and
 * redacted sources ("[Source: REDACTED ...]"), which mean nothing to someone sending a request; each kind
 * is recognised by its wording and said again as the offending character, token or field and what was
 * expected there. A message not recognised becomes "malformed JSON": Jackson's text is never passed on.
 */
final class JacksonMessages {
    private static final String VALUE = "a value (a string, number, object, array, true, false or null)";
    private static final Pattern UNEXPECTED_CHAR = Pattern.compile(
            "^Unexpected character \\((?:'.*?' \\(code (\\d+)\\)|\\(CTRL-CHAR, code (\\d+)\\))\\)( in numeric value)?"
                    + "(?:: (.*))?$", Pattern.DOTALL);
    private static final Pattern START_MARKER = Pattern.compile("line: (\\d+), column: (\\d+)");
    private static final Pattern QUOTED_BEFORE_COLON = Pattern.compile("^[^']*'(.*?)': ", Pattern.DOTALL);
    private static final Pattern QUOTED_AT_END = Pattern.compile("^[^']*'(.*)'$", Pattern.DOTALL);
    private static final Pattern CODE = Pattern.compile("code (\\d+)");
    private static final Pattern CLOSE_MISMATCH = Pattern.compile("^Unexpected close marker '(.)': expected '(.)'");
    private static final Pattern LENGTHS = Pattern.compile("\\((\\d+)\\) exceeds the maximum allowed \\((\\d+)");

    private JacksonMessages() {}

    /** The problem Jackson's message {@code original} describes (without its position). */
    static String translate(String original) {
        String m = original == null ? "" : original;
        Matcher unexpected = UNEXPECTED_CHAR.matcher(m);
        if (unexpected.matches()) {
            int code = Integer.parseInt(unexpected.group(1) != null ? unexpected.group(1) : unexpected.group(2));
            String detail = expectation(unexpected.group(4) == null ? "" : unexpected.group(4));
            return "unexpected " + character(code) + (unexpected.group(3) != null ? " in a number" : "")
                    + (detail.isEmpty() ? "" : ": " + detail);
        }
        if (m.startsWith("Unexpected end-of-input")) {
            return endOfInput(m);
        }
        if (m.startsWith("Non-standard token")) {
            return quoted(m) + " is not a JSON value (JSON numbers have no NaN or Infinity)";
        }
        if (m.startsWith("Unrecognized token")) {
            return "unknown word " + quoted(m) + "; expected " + VALUE;
        }
        if (m.startsWith("Invalid numeric value: Leading zeroes")) {
            return "a number starts with 0 followed by more digits (JSON numbers have no leading zeros)";
        }
        if (m.startsWith("Invalid numeric value")) {
            return "a malformed number";
        }
        Matcher mismatch = CLOSE_MISMATCH.matcher(m);
        if (mismatch.find()) {
            String what = mismatch.group(2).equals("}") ? "object" : "array";
            return "'" + mismatch.group(1) + "' where '" + mismatch.group(2) + "' should close the " + what
                    + opened(m);
        }
        if (m.startsWith("Unexpected close marker")) {
            return quoted(m) + " closes nothing: no object or array is open there";
        }
        if (m.startsWith("Illegal unquoted character")) {
            int code = code(m);
            return "a raw control character " + character(code) + " inside a " + (m.contains("name") ? "field name"
                    : "string") + "; write it escaped, as " + String.format(Locale.ROOT, "\\u%04x", code);
        }
        if (m.startsWith("Illegal character")) {
            return "control character " + character(code(m)) + " between values (only spaces, tabs, line feeds and "
                    + "carriage returns may stand there)";
        }
        if (m.startsWith("Unrecognized character escape")) {
            return "unknown escape \\" + new String(Character.toChars(code(m))) + " in a string (JSON has \\\", \\\\, "
                    + "\\/, \\b, \\f, \\n, \\r, \\t and \\uXXXX)";
        }
        if (m.startsWith("Duplicate field")) {
            return "the field \"" + printable(firstQuoted(m))
                    + "\" appears twice in one object";
        }
        Matcher lengths = LENGTHS.matcher(m);
        boolean hasLengths = lengths.find();
        if (m.startsWith("Document nesting depth")) {
            return "nested deeper than " + (hasLengths ? lengths.group(2) : "1000") + " levels";
        }
        if (hasLengths && m.startsWith("Number value length")) {
            return "a number of " + lengths.group(1) + " characters; at most " + lengths.group(2) + " are accepted";
        }
        if (hasLengths && m.startsWith("String value length")) {
            return "a string of " + lengths.group(1) + " characters; at most " + lengths.group(2) + " are accepted";
        }
        if (hasLengths && m.startsWith("Name length")) {
            return "a field name of " + lengths.group(1) + " characters; at most " + lengths.group(2) + " are accepted";
        }
        if (m.startsWith("Invalid UTF-8")) {
            return "a byte sequence that is not UTF-8";
        }
        return "malformed JSON";
    }

    private static String expectation(String detail) {
        if (detail.contains("double-quote to start field name")) {
            return "expected a field name in double quotes";
        } else if (detail.contains("separate Array entries")) {
            return "expected ',' or ']' after an array element";
        } else if (detail.contains("separate Object entries")) {
            return "expected ',' or '}' after an object member";
        } else if (detail.contains("colon to separate field name and value")) {
            return "expected ':' after a field name";
        } else if (detail.contains("expected a valid value") || detail.contains("expected a value")) {
            return "expected " + VALUE;
        } else if (detail.contains("comment")) {
            return "comments are not part of JSON";
        } else if (detail.contains("plus sign")) {
            return "a JSON number may not start with '+'";
        } else if (detail.contains("Decimal point not followed by a digit")) {
            return "a decimal point must be followed by a digit";
        } else if (detail.contains("Exponent indicator not followed by a digit")) {
            return "an exponent must have digits";
        } else if (detail.contains("follow minus sign")) {
            return "a minus sign must be followed by a digit";
        } else if (detail.contains("hex-digit")) {
            return "a \\u escape needs four hex digits";
        } else if (detail.contains("root-level values")) {
            return "expected the end of the document after the first value";
        }
        return "";
    }

    private static String endOfInput(String m) {
        String where;
        if (m.contains("close marker for Object") || m.contains("Object entries")) {
            where = "inside " + (m.contains("start marker") ? "the" : "an") + " object";
        } else if (m.contains("close marker for Array") || m.contains("Array entries")) {
            where = "inside " + (m.contains("start marker") ? "the" : "an") + " array";
        } else if (m.contains("VALUE_STRING") || m.contains("closing quote")) {
            where = "inside a string";
        } else if (m.contains("escape")) {
            where = "inside an escape sequence";
        } else if (m.contains("name")) {
            where = "inside a field name";
        } else {
            where = "before the value is complete";
        }
        return "the text ends " + where + (m.contains("start marker") ? opened(m) : "");
    }

    /** " opened at line L, column C" from the start marker Jackson names, or nothing. */
    private static String opened(String m) {
        Matcher marker = START_MARKER.matcher(m);
        return marker.find() ? " opened at line " + marker.group(1) + ", column " + marker.group(2) : "";
    }

    /** The first '...' of a message, shown in quotes and made printable. */
    private static String quoted(String m) {
        return "'" + printable(firstQuoted(m)) + "'";
    }

    /** The quoted token of "...'token': more" or "...'token'" (which may itself hold quotes). */
    private static String firstQuoted(String m) {
        Matcher q = QUOTED_BEFORE_COLON.matcher(m);
        if (q.find()) {
            return q.group(1);
        }
        q = QUOTED_AT_END.matcher(m);
        return q.find() ? q.group(1) : "?";
    }

    private static int code(String m) {
        Matcher c = CODE.matcher(m);
        return c.find() ? Integer.parseInt(c.group(1)) : 0xfffd;
    }

    /** 'x' for a visible character, U+000A for a control. */
    private static String character(int code) {
        if (code == '\'') {
            return "\"'\"";
        }
        if (Character.isISOControl(code) || !Character.isValidCodePoint(code) || Character.isWhitespace(code)) {
            return String.format(Locale.ROOT, "U+%04X", code);
        }
        return "'" + new String(Character.toChars(code)) + "'";
    }

    /** At most 60 characters of user input, controls escaped. */
    private static String printable(String s) {
        StringBuilder out = new StringBuilder();
        s.codePoints().limit(60).forEach(cp -> {
            if (Character.isISOControl(cp)) {
                out.append(String.format(Locale.ROOT, "\\u%04x", cp));
            } else {
                out.appendCodePoint(cp);
            }
        });
        return s.codePointCount(0, s.length()) > 60 ? out + "..." : out.toString();
    }
}

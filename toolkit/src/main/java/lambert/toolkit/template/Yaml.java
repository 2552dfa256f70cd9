package lambert.toolkit.template;

import java.util.List;
import java.util.Map;

/**
 * A small block-style YAML writer for maps, lists, strings, numbers and booleans: enough for a
 * CloudFormation template, with every string double-quoted and escaped, so no value can be read
 * back as another type ({@code "yes"}, {@code "1e3"}, {@code "null"}) or break the document.
 */
final class Yaml {
    private Yaml() {}

    /** The document for {@code root}, a map with string keys. */
    static String write(Map<String, ?> root) {
        StringBuilder out = new StringBuilder();
        map(out, root, 0);
        return out.toString();
    }

    private static void map(StringBuilder out, Map<?, ?> map, int indent) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
            out.append(" ".repeat(indent)).append(key((String) e.getKey())).append(':');
            value(out, e.getValue(), indent);
        }
    }

    private static void value(StringBuilder out, Object value, int indent) {
        if (value instanceof Map && !((Map<?, ?>) value).isEmpty()) {
            out.append('\n');
            map(out, (Map<?, ?>) value, indent + 2);
        } else if (value instanceof List && !((List<?>) value).isEmpty()) {
            out.append('\n');
            for (Object item : (List<?>) value) {
                out.append(" ".repeat(indent + 2)).append('-');
                value(out, item, indent + 2);
            }
        } else {
            out.append(' ').append(scalar(value)).append('\n');
        }
    }

    static String scalar(Object value) {
        if (value instanceof Map) {
            return "{}";
        }
        if (value instanceof List) {
            return "[]";
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Boolean) {
            return value.toString();
        }
        if (value == null) {
            throw new IllegalArgumentException("null has no place in a SAM template");
        }
        return quote(value.toString());
    }

    private static String key(String key) {
        return key.matches("[A-Za-z][A-Za-z0-9_]*") ? key : quote(key);
    }

    /** A double-quoted YAML scalar. */
    static String quote(String s) {
        StringBuilder q = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"':
                    q.append("\\\"");
                    break;
                case '\\':
                    q.append("\\\\");
                    break;
                case '\n':
                    q.append("\\n");
                    break;
                case '\t':
                    q.append("\\t");
                    break;
                case '\r':
                    q.append("\\r");
                    break;
                default:
                    if (c < 0x20 || c == 0x7f || c == 0x85 || c == 0x2028 || c == 0x2029 || c == 0xfeff) {
                        q.append(String.format("\\u%04x", (int) c));
                    } else {
                        q.append(c);
                    }
            }
        }
        return q.append('"').toString();
    }
}

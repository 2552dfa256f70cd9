package lambert.runtime.contract;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import lambert.base.json.Json;
import lambert.base.json.JsonException;
import lambert.runtime.task.Aggregation;
import lambert.runtime.task.Parameters;
import lambert.runtime.tokenize.Texts;

/**
 * Reads the request JSON: {@code {"text": "..."}}, {@code {"texts": ["...", ...]}} or the Hugging
 * Face inference form {@code {"inputs": "..." | [...], "parameters": {...}}}.
 *
 * <p>Decisions, documented in the README: unknown fields are refused (a typo such as {@code "txt"}
 * would otherwise go unnoticed), except Hugging Face's {@code options}, which is accepted and
 * ignored; texts that are empty or hold nothing the tokenizer keeps ({@link Texts#firstKept}: only
 * whitespace, control, format and private-use characters) are refused, as are unpaired UTF-16 surrogates
 * and bodies that are not strict UTF-8; a field given as {@code null} is refused like any other wrong type;
 * control characters, NUL, emoji, CJK, right-to-left and combining characters inside a text are passed to
 * the tokenizer as they are.
 */
public final class RequestParser {
    private static final Set<String> TOP_LEVEL = Set.of("text", "texts", "inputs", "parameters", "encoding",
            "options");
    private static final Set<String> PARAMETERS = Set.of("top_k", "encoding", "truncation", "aggregation_strategy");

    private final Limits limits;

    public RequestParser(Limits limits) {
        this.limits = limits;
    }

    /** Parses and checks a request body. */
    public Request parse(byte[] body) {
        checkSize(body.length);
        Object tree;
        try {
            tree = Json.parse(body);
        } catch (JsonException e) {
            throw RequestException.invalid(null, "the request is " + e.getMessage());
        }
        return parse(tree);
    }

    /** Refuses a body of more bytes than the limit allows. */
    public void checkSize(long bytes) {
        if (bytes > limits.maxInputBytes()) {
            throw RequestException.tooLarge(null, "the request has " + bytes + " bytes; the limit is "
                    + limits.maxInputBytes() + " (LAMBERT_MAX_INPUT_BYTES)");
        }
    }

    /** Checks a request already parsed from JSON (its size checked by the caller). */
    public Request parse(Object tree) {
        if (!(tree instanceof Map)) {
            throw RequestException.invalid(null, "expected a JSON object such as {\"text\": \"...\"}, found "
                    + Json.typeName(tree));
        }
        Map<?, ?> request = (Map<?, ?>) tree;
        for (Object key : request.keySet()) {
            if (!TOP_LEVEL.contains(key)) {
                throw RequestException.invalid((String) key, "unknown field \"" + key + "\"; expected \"text\", "
                        + "\"texts\" or \"inputs\", with optional \"parameters\" and \"encoding\"");
            }
        }
        List<String> present = new ArrayList<>();
        for (String field : List.of("text", "texts", "inputs")) {
            if (request.containsKey(field)) {
                present.add(field);
            }
        }
        if (present.size() != 1) {
            throw RequestException.invalid(present.isEmpty() ? null : present.get(1), present.isEmpty()
                    ? "expected one of \"text\", \"texts\" or \"inputs\", found none"
                    : "expected only one of \"text\", \"texts\" or \"inputs\", found " + present);
        }
        String field = present.get(0);
        Object value = request.get(field);
        List<String> texts = new ArrayList<>();
        boolean single;
        if (field.equals("text") || (field.equals("inputs") && !(value instanceof List))) {
            single = true;
            texts.add(text(field, value));
        } else {
            single = false;
            if (!(value instanceof List)) {
                throw RequestException.invalid(field, "\"" + field + "\" must be an array of strings, found "
                        + Json.typeName(value));
            }
            List<?> list = (List<?>) value;
            if (list.isEmpty()) {
                throw RequestException.invalid(field, "\"" + field + "\" is empty; send at least one text");
            }
            if (list.size() > limits.maxTexts()) {
                throw RequestException.tooLarge(field, "\"" + field + "\" has " + list.size() + " texts; the limit is "
                        + limits.maxTexts() + " (LAMBERT_MAX_TEXTS)");
            }
            for (int i = 0; i < list.size(); i++) {
                texts.add(text(field + "[" + i + "]", list.get(i)));
            }
        }
        Map<?, ?> parameters = parameters(request);
        String encodingName = encodingName(request, parameters);
        return new Request(texts, single, new Parameters(topK(parameters), aggregation(parameters),
                truncation(parameters)), encoding(encodingName));
    }

    private static String text(String field, Object value) {
        if (!(value instanceof String)) {
            throw RequestException.invalid(field, "\"" + field + "\" must be a string, found " + Json.typeName(value));
        }
        String text = (String) value;
        int bad = Texts.firstUnpairedSurrogate(text);
        if (bad >= 0) {
            throw RequestException.invalid(field, String.format("\"%s\" has an unpaired UTF-16 surrogate \\u%04x at "
                    + "index %d; it is not valid Unicode", field, (int) text.charAt(bad), bad));
        }
        if (text.isEmpty()) {
            throw RequestException.invalid(field, "\"" + field + "\" is empty; send text to answer");
        }
        if (Texts.firstKept(text) < 0) {
            int first = text.codePointAt(0);
            throw RequestException.invalid(field, String.format(Locale.ROOT, "\"%s\" is only whitespace and characters "
                    + "the tokenizer drops (controls, format and private-use characters; the first is U+%04X %s); send "
                    + "text to answer", field, first, name(first)));
        }
        return text;
    }

    private static String name(int codePoint) {
        String name = Character.getName(codePoint);
        return name == null ? "" : name;
    }

    private static Map<?, ?> parameters(Map<?, ?> request) {
        if (!request.containsKey("parameters")) {
            return Map.of();
        }
        Object value = request.get("parameters");
        if (!(value instanceof Map)) {
            throw RequestException.invalid("parameters", "\"parameters\" must be an object, found "
                    + Json.typeName(value));
        }
        Map<?, ?> map = (Map<?, ?>) value;
        for (Object key : map.keySet()) {
            if (!PARAMETERS.contains(key)) {
                throw RequestException.invalid("parameters." + key, "unknown parameter \"" + key + "\"; known: "
                        + "top_k, encoding, truncation, aggregation_strategy");
            }
        }
        return map;
    }

    private static int topK(Map<?, ?> parameters) {
        if (!parameters.containsKey("top_k")) {
            return 0;
        }
        Object value = parameters.get("top_k");
        if (!(value instanceof Long) || (Long) value < 1 || (Long) value > Integer.MAX_VALUE) {
            throw RequestException.invalid("parameters.top_k", "\"top_k\" must be a positive integer, found "
                    + Json.typeName(value) + " " + value);
        }
        return (int) (long) (Long) value;
    }

    private static boolean truncation(Map<?, ?> parameters) {
        if (!parameters.containsKey("truncation")) {
            return true;
        }
        Object value = parameters.get("truncation");
        if (!(value instanceof Boolean)) {
            throw RequestException.invalid("parameters.truncation", "\"truncation\" must be true or false, found "
                    + Json.typeName(value));
        }
        return (Boolean) value;
    }

    private static Aggregation aggregation(Map<?, ?> parameters) {
        if (!parameters.containsKey("aggregation_strategy")) {
            return Aggregation.SIMPLE;
        }
        Object value = parameters.get("aggregation_strategy");
        Aggregation aggregation = value instanceof String ? Aggregation.fromId((String) value) : null;
        if (aggregation == null) {
            throw RequestException.invalid("parameters.aggregation_strategy",
                    "\"aggregation_strategy\" must be \"simple\" or \"none\", found " + Json.typeName(value) + " "
                            + value);
        }
        return aggregation;
    }

    private static String encodingName(Map<?, ?> request, Map<?, ?> parameters) {
        String top = encodingField(request, "encoding");
        String nested = encodingField(parameters, "parameters.encoding");
        if (top != null && nested != null && !top.equals(nested)) {
            throw RequestException.invalid("encoding", "\"encoding\" is given twice with different values: \"" + top
                    + "\" and parameters \"" + nested + "\"");
        }
        return top != null ? top : nested;
    }

    /** The {@code encoding} of {@code map}: null when absent; present, it must be a string (null is refused). */
    private static String encodingField(Map<?, ?> map, String field) {
        if (!map.containsKey("encoding")) {
            return null;
        }
        Object value = map.get("encoding");
        if (!(value instanceof String)) {
            throw RequestException.invalid(field, "\"encoding\" must be \"float\" or \"base64\", found "
                    + Json.typeName(value));
        }
        return (String) value;
    }

    private static Encoding encoding(String name) {
        if (name == null || name.equals("float")) {
            return Encoding.FLOAT;
        }
        if (name.equals("base64")) {
            return Encoding.BASE64;
        }
        throw RequestException.invalid("encoding", "\"encoding\" must be \"float\" or \"base64\", found \"" + name
                + "\"");
    }
}

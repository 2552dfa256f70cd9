package lambert.runtime.bundle;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lambert.base.json.Json;

/** Typed reads from a parsed JSON object, with errors that name the file and the field. */
final class JsonFields {
    private final String file;
    private final Map<String, Object> object;

    JsonFields(String file, Object parsed) {
        this.file = file;
        if (!(parsed instanceof Map)) {
            throw new BundleException(file + ": expected a JSON object, found " + Json.typeName(parsed));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) parsed;
        this.object = map;
    }

    boolean has(String field) {
        return object.get(field) != null;
    }

    Object raw(String field) {
        return object.get(field);
    }

    String string(String field, String fallback) {
        Object value = object.get(field);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof String)) {
            throw wrongType(field, "a string", value);
        }
        return (String) value;
    }

    String requiredString(String field) {
        String value = string(field, null);
        if (value == null || value.isBlank()) {
            throw new BundleException(file + ": field \"" + field + "\" is required (a non-empty string)");
        }
        return value;
    }

    long integer(String field, long fallback) {
        Object value = object.get(field);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof Long)) {
            throw wrongType(field, "an integer", value);
        }
        return (Long) value;
    }

    boolean bool(String field, boolean fallback) {
        Object value = object.get(field);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof Boolean)) {
            throw wrongType(field, "true or false", value);
        }
        return (Boolean) value;
    }

    List<String> strings(String field) {
        Object value = object.get(field);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List)) {
            throw wrongType(field, "an array of strings", value);
        }
        List<String> out = new ArrayList<>();
        List<?> list = (List<?>) value;
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof String)) {
                throw wrongType(field + "[" + i + "]", "a string", list.get(i));
            }
            out.add((String) list.get(i));
        }
        return out;
    }

    Map<String, String> stringMap(String field) {
        Object value = object.get(field);
        if (value == null) {
            return Map.of();
        }
        JsonFields inner = new JsonFields(file, value);
        Map<String, String> out = new LinkedHashMap<>();
        for (String key : inner.object.keySet()) {
            out.put(key, inner.requiredString(key));
        }
        return out;
    }

    JsonFields object(String field) {
        Object value = object.get(field);
        return value == null ? null : new JsonFields(file + " (" + field + ")", value);
    }

    Iterable<String> keys() {
        return object.keySet();
    }

    BundleException wrongType(String field, String expected, Object found) {
        String shown = found instanceof String ? "string \"" + found + "\"" : Json.typeName(found) + " " + found;
        return new BundleException(file + ": field \"" + field + "\" must be " + expected + ", found " + shown);
    }
}

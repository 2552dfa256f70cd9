package lambert.onnx.checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import lambert.base.json.Json;
import lambert.base.json.JsonException;

/**
 * A Hugging Face {@code config.json}: the raw fields, and typed getters whose errors name the field
 * and say what was found.
 *
 * <pre>{@code
 * ModelConfig config = ModelConfig.read(Path.of("my-model/config.json"));
 * int hidden = config.requireInt("hidden_size");
 * }</pre>
 */
public final class ModelConfig {
    private final Map<String, Object> fields;
    private final String source;

    private ModelConfig(Map<String, Object> fields, String source) {
        this.fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        this.source = source;
    }

    /** A config from already-parsed fields (numbers as {@link Number}, objects as {@link Map}). */
    public static ModelConfig of(Map<String, ?> fields) {
        return new ModelConfig(new LinkedHashMap<>(fields), "config.json");
    }

    /** Reads and parses {@code file}. */
    public static ModelConfig read(Path file) throws CheckpointException, IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new CheckpointException("missing " + file + ": a Hugging Face checkpoint needs its config.json");
        }
        Object tree = parseJson(bytes, file.toString());
        if (!(tree instanceof Map)) {
            throw new CheckpointException(file + ": expected a JSON object, found " + typeName(tree));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) tree;
        return new ModelConfig(map, file.getFileName().toString());
    }

    /**
     * Parses one JSON document with lambert's one JSON reader ({@link Json#parse}: strict UTF-8, duplicate keys
     * refused) into {@link Map}, {@link List}, {@link String}, {@link Long}, {@link Double}, {@link Boolean} and
     * {@code null}; {@code what} names it in errors ("config.json: not valid JSON at line 3, column 5: ...").
     */
    public static Object parseJson(byte[] bytes, String what) throws CheckpointException {
        try {
            return Json.parse(bytes);
        } catch (JsonException e) {
            throw new CheckpointException(what + ": " + e.getMessage(), e);
        }
    }

    /** The JSON type name of a parsed value with its article, for messages ("a string", "an array", "null"). */
    public static String typeName(Object value) {
        String name = Json.typeName(value);
        return value == null ? name : (name.startsWith("a") || name.startsWith("o") ? "an " : "a ") + name;
    }

    /** All fields as parsed. */
    public Map<String, Object> fields() {
        return fields;
    }

    /** {@code model_type}, required. */
    public String modelType() throws CheckpointException {
        return requireString("model_type");
    }

    /** Whether the field is present and not null. */
    public boolean has(String key) {
        return fields.get(key) != null;
    }

    /** The whole number {@code key}; a missing or non-integral one is a {@link CheckpointException} naming it. */
    public int requireInt(String key) throws CheckpointException {
        Object v = fields.get(key);
        if (v == null) {
            throw new CheckpointException(source + ": missing field \"" + key + "\" (expected a whole number)");
        }
        return toInt(key, v);
    }

    /** The whole number {@code key}, or {@code fallback} when it is missing or null. */
    public int intOr(String key, int fallback) throws CheckpointException {
        Object v = fields.get(key);
        return v == null ? fallback : toInt(key, v);
    }

    /** The number {@code key}, or {@code fallback} when it is missing or null. */
    public double doubleOr(String key, double fallback) throws CheckpointException {
        Object v = fields.get(key);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof Number)) {
            throw new CheckpointException(source + ": field \"" + key + "\" should be a number, found " + typeName(v));
        }
        return ((Number) v).doubleValue();
    }

    /** The boolean {@code key}, or {@code fallback} when it is missing or null. */
    public boolean boolOr(String key, boolean fallback) throws CheckpointException {
        Object v = fields.get(key);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof Boolean)) {
            throw new CheckpointException(source + ": field \"" + key + "\" should be true or false, found " + typeName(v));
        }
        return (Boolean) v;
    }

    /** The string {@code key}; a missing one is a {@link CheckpointException} naming it. */
    public String requireString(String key) throws CheckpointException {
        Object v = fields.get(key);
        if (v == null) {
            throw new CheckpointException(source + ": missing field \"" + key + "\" (expected a string)");
        }
        return toStringValue(key, v);
    }

    /** The string {@code key}, or {@code fallback} when it is missing or null. */
    public String stringOr(String key, String fallback) throws CheckpointException {
        Object v = fields.get(key);
        return v == null ? fallback : toStringValue(key, v);
    }

    /**
     * {@code id2label} ordered by id; empty when absent. Ids must be 0..n-1 without gaps, since
     * they index the logits.
     */
    public List<String> labels() throws CheckpointException {
        Object v = fields.get("id2label");
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof Map)) {
            throw new CheckpointException(source + ": field \"id2label\" should be an object, found " + typeName(v));
        }
        TreeMap<Integer, String> byId = new TreeMap<>();
        for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
            int id;
            try {
                id = Integer.parseInt(String.valueOf(e.getKey()));
            } catch (NumberFormatException ex) {
                throw new CheckpointException(source + ": id2label key \"" + e.getKey() + "\" is not a whole number");
            }
            if (!(e.getValue() instanceof String)) {
                throw new CheckpointException(source + ": id2label[" + id + "] should be a string, found "
                        + typeName(e.getValue()));
            }
            byId.put(id, (String) e.getValue());
        }
        List<String> labels = new ArrayList<>();
        for (Map.Entry<Integer, String> e : byId.entrySet()) {
            if (e.getKey() != labels.size()) {
                throw new CheckpointException(source + ": id2label should number its labels 0.." + (byId.size() - 1)
                        + ", found id " + e.getKey() + " where " + labels.size() + " was expected");
            }
            labels.add(e.getValue());
        }
        return labels;
    }

    private int toInt(String key, Object v) throws CheckpointException {
        if (!(v instanceof Long) && !(v instanceof Integer)) {
            throw new CheckpointException(source + ": field \"" + key + "\" should be a whole number, found " + typeName(v)
                    + (v instanceof Number ? " " + v : ""));
        }
        long l = ((Number) v).longValue();
        if (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
            throw new CheckpointException(source + ": field \"" + key + "\" is out of range: " + l);
        }
        return (int) l;
    }

    private String toStringValue(String key, Object v) throws CheckpointException {
        if (!(v instanceof String)) {
            throw new CheckpointException(source + ": field \"" + key + "\" should be a string, found " + typeName(v));
        }
        return (String) v;
    }

    @Override
    public String toString() {
        return source + fields;
    }
}

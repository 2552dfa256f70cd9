package lambert.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import lambert.cli.packaging.PackageReport;
import lambert.runtime.json.Json;
import lambert.runtime.json.JsonException;

/**
 * The {@code function.json} next to a zip, as {@code emulate}, {@code tune}, {@code deploy} and
 * {@code template} read it: each field with its type checked, so a hand-edited file is refused with
 * the field's name (exit code 2) rather than a {@code ClassCastException}.
 *
 * <pre>{@code
 * FunctionJson config = FunctionJson.next(Path.of("function.zip"));
 * int memoryMb = config.integer("memory_mb", 1769);
 * }</pre>
 */
final class FunctionJson {
    private final Path file;
    private final Map<String, Object> fields;

    private FunctionJson(Path file, Map<String, Object> fields) {
        this.file = file;
        this.fields = fields;
    }

    /** The {@code function.json} next to {@code zip}; no fields if there is none. */
    @SuppressWarnings("unchecked")
    static FunctionJson next(Path zip) throws IOException {
        Path file = zip.toAbsolutePath().resolveSibling(PackageReport.configName(zip));
        if (!Files.isRegularFile(file)) {
            return new FunctionJson(file, Map.of());
        }
        Object root;
        try {
            root = Json.parse(Files.readAllBytes(file));
        } catch (JsonException e) {
            throw new UsageException(file + " is not a valid function.json: " + e.getMessage());
        }
        if (!(root instanceof Map)) {
            throw new UsageException(file + " is not a valid function.json: expected a JSON object, found "
                    + (root == null ? "null" : root.getClass().getSimpleName()));
        }
        return new FunctionJson(file, (Map<String, Object>) root);
    }

    /** Where the file is (or would be). */
    Path file() {
        return file;
    }

    /** Whether the file is there. */
    boolean exists() {
        return Files.isRegularFile(file);
    }

    /** A string field, or {@code fallback} when absent. */
    String string(String field, String fallback) {
        Object value = fields.getOrDefault(field, fallback);
        if (value != null && !(value instanceof String)) {
            throw wrongType(field, "a string", value);
        }
        return (String) value;
    }

    /** A whole-number field, or {@code fallback} when absent. */
    int integer(String field, int fallback) {
        Object value = fields.getOrDefault(field, (long) fallback);
        if (!(value instanceof Long) || (Long) value != ((Long) value).intValue()) {
            throw wrongType(field, "a whole number", value);
        }
        return ((Long) value).intValue();
    }

    /** The {@code environment} object, every value a string; empty when absent. */
    Map<String, String> environment() {
        Object value = fields.getOrDefault("environment", Map.of());
        if (!(value instanceof Map<?, ?> map)) {
            throw wrongType("environment", "an object of strings", value);
        }
        Map<String, String> environment = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getValue() instanceof String s)) {
                throw wrongType("environment." + e.getKey(), "a string", e.getValue());
            }
            environment.put(String.valueOf(e.getKey()), s);
        }
        return environment;
    }

    private UsageException wrongType(String field, String expected, Object found) {
        return new UsageException(file + ": field \"" + field + "\" must be " + expected + ", found "
                + (found instanceof String ? "\"" + found + "\"" : String.valueOf(found)));
    }
}

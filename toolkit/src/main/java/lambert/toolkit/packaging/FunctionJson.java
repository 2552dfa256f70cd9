package lambert.toolkit.packaging;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lambert.base.json.Json;
import lambert.base.json.JsonException;
import lambert.toolkit.BadInputException;

/**
 * The {@code function.json} next to a zip, as {@code emulate}, {@code tune}, {@code deploy} and
 * {@code template} read it: each field with its type checked, so a hand-edited file is refused with
 * the field's name ({@link BadInputException}) rather than a {@code ClassCastException}.
 *
 * <pre>{@code
 * FunctionJson config = FunctionJson.next(Path.of("function.zip"));
 * int memoryMb = config.integer("memory_mb", 1769);
 * }</pre>
 */
public final class FunctionJson {
    private final Path zip;
    private final Path file;
    private final Map<String, Object> fields;

    private FunctionJson(Path zip, Path file, Map<String, Object> fields) {
        this.zip = zip;
        this.file = file;
        this.fields = fields;
    }

    /** The {@code function.json} next to {@code zip}; no fields if there is none. */
    @SuppressWarnings("unchecked")
    public static FunctionJson next(Path zip) throws IOException {
        Path file = zip.toAbsolutePath().resolveSibling(PackageReport.configName(zip));
        if (!Files.isRegularFile(file)) {
            return new FunctionJson(zip, file, Map.of());
        }
        Object root;
        try {
            root = Json.parse(Files.readAllBytes(file));
        } catch (JsonException e) {
            throw new BadInputException(file + " is not a valid function.json: " + e.getMessage());
        }
        if (!(root instanceof Map)) {
            throw new BadInputException(file + " is not a valid function.json: expected a JSON object, found "
                    + (root == null ? "null" : root.getClass().getSimpleName()));
        }
        return new FunctionJson(zip, file, (Map<String, Object>) root);
    }

    /** Where the file is (or would be). */
    public Path file() {
        return file;
    }

    /** Whether the file is there. */
    public boolean exists() {
        return Files.isRegularFile(file);
    }

    /** A string field, or {@code fallback} when absent. */
    public String string(String field, String fallback) {
        Object value = fields.getOrDefault(field, fallback);
        if (value != null && !(value instanceof String)) {
            throw wrongType(field, "a string", value);
        }
        return (String) value;
    }

    /** A whole-number field, or {@code fallback} when absent. */
    public int integer(String field, int fallback) {
        Object value = fields.getOrDefault(field, (long) fallback);
        if (!(value instanceof Long) || (Long) value != ((Long) value).intValue()) {
            throw wrongType(field, "a whole number", value);
        }
        return ((Long) value).intValue();
    }

    /** The {@code environment} object, every value a string; empty when absent. */
    public Map<String, String> environment() {
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

    /**
     * What each native library of the package needs from the OS, as {@code native_libraries} records
     * it; read from the zip's {@code native/*.so} when the file records nothing (a hand-written one, or
     * one from before lambert recorded it).
     */
    public List<NativeRequirement> nativeLibraries() throws IOException {
        Object value = fields.get("native_libraries");
        if (value == null) {
            try {
                return Packager.nativeRequirements(zip);
            } catch (java.nio.file.NoSuchFileException e) {
                throw e;
            } catch (IOException e) {
                throw new BadInputException(zip + ": the native libraries cannot be read: " + e.getMessage());
            }
        }
        if (!(value instanceof List<?> list)) {
            throw wrongType("native_libraries", "a list of objects", value);
        }
        List<NativeRequirement> libs = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String at = "native_libraries[" + i + "]";
            if (!(list.get(i) instanceof Map<?, ?> lib) || !(lib.get("file") instanceof String name)) {
                throw wrongType(at, "an object with a \"file\" string", list.get(i));
            }
            libs.add(new NativeRequirement(name, version(lib, at, "glibc"), version(lib, at, "glibcxx")));
        }
        return libs;
    }

    private DottedVersion version(Map<?, ?> lib, String at, String key) {
        Object value = lib.get(key);
        if (value == null) {
            return null;
        }
        try {
            return DottedVersion.parse(value instanceof String s ? s : null);
        } catch (IllegalArgumentException e) {
            throw wrongType(at + "." + key, "a version such as 2.34", value);
        }
    }

    /**
     * The Lambda runtime to deploy on: {@code option}'s value when it was given ({@code --runtime}),
     * else {@code function.json}'s, else lambert's default; refused ({@link BadInputException}), naming where it came
     * from, when the function's classes or its native libraries cannot run on it.
     */
    public String runtime(String given) throws IOException {
        String runtime = given != null ? given : string("runtime", LambdaRuntime.DEFAULT.id());
        try {
            // A package made for an OS-only runtime carries its bootstrap and JDK; function.json says which it is.
            return LambdaRuntime.check(runtime, nativeLibraries(),
                    LambdaRuntime.osOnly(string("runtime", LambdaRuntime.DEFAULT.id()))).id();
        } catch (UnsupportedRuntimeException e) {
            throw given != null ? BadInputException.of("runtime " + e.getMessage(), "runtime")
                    : new BadInputException(file + ": runtime " + e.getMessage());
        }
    }

    private BadInputException wrongType(String field, String expected, Object found) {
        return new BadInputException(file + ": field \"" + field + "\" must be " + expected + ", found "
                + (found instanceof String ? "\"" + found + "\"" : String.valueOf(found)));
    }
}

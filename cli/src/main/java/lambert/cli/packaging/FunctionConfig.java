package lambert.cli.packaging;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import lambert.lambda.Handler;
import lambert.runtime.json.Json;

/**
 * {@code function.json}, written next to the zip: everything {@code lambert deploy} (or a person with
 * the console) needs to create the function.
 *
 * @param handler the handler string
 * @param runtime the managed runtime
 * @param architecture {@code x86_64} or {@code arm64}
 * @param memoryMb suggested memory
 * @param timeoutSeconds suggested timeout
 * @param environment environment variables
 * @param zipSha256 hex SHA-256 of the zip
 * @param zipSha256Base64 base64 SHA-256 of the zip, as Lambda reports it ({@code CodeSha256})
 * @param zipBytes the zip's size
 * @param unzippedBytes the unpacked size
 * @param model the model's name
 * @param lambertVersion the lambert version that packaged it
 */
public record FunctionConfig(String handler, String runtime, String architecture, int memoryMb, int timeoutSeconds,
        Map<String, String> environment, String zipSha256, String zipSha256Base64, long zipBytes,
        long unzippedBytes, String model, String lambertVersion) {

    /** The handler class and method of every lambert function. */
    public static final String HANDLER = "lambert.lambda.Handler::handleRequest";
    /**
     * The suggested timeout, in seconds: {@link Handler#SUGGESTED_TIMEOUT_SECONDS} (28), so that the handler's own
     * 504 comes before API Gateway's at 29 s; a function not behind API Gateway may take longer.
     */
    public static final int TIMEOUT_SECONDS = Handler.SUGGESTED_TIMEOUT_SECONDS;
    /**
     * JVM options for the function. Tiered compilation stopped at C1 is AWS's advice for short-lived
     * Java functions; serial GC suits one request at a time in a small heap; a 24 MB young generation
     * keeps the resident memory from growing with the heap ({@code lambert.benchmarks.Soak} at 512 MB:
     * Max Memory Used 138 MB after 20,000 invocations, against 220 MB without it).
     */
    public static final String JAVA_TOOL_OPTIONS = "-XX:+TieredCompilation -XX:TieredStopAtLevel=1 -XX:+UseSerialGC "
            + "-Xmn24m";

    public FunctionConfig {
        environment = Map.copyOf(environment);
    }

    /** The pretty-printed JSON. */
    public byte[] toJson() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = Json.generator(out)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("handler", handler);
            g.writeStringField("runtime", runtime);
            g.writeStringField("architecture", architecture);
            g.writeNumberField("memory_mb", memoryMb);
            g.writeNumberField("timeout_s", timeoutSeconds);
            g.writeObjectFieldStart("environment");
            for (Map.Entry<String, String> e : new TreeMap<>(environment).entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            g.writeStringField("code_sha256", zipSha256);
            g.writeStringField("code_sha256_base64", zipSha256Base64);
            g.writeNumberField("zip_bytes", zipBytes);
            g.writeNumberField("unzipped_bytes", unzippedBytes);
            g.writeStringField("model", model);
            g.writeStringField("lambert_version", lambertVersion);
            g.writeEndObject();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        out.write('\n');
        return out.toByteArray();
    }
}

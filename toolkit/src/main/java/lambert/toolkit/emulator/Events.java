package lambert.toolkit.emulator;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import lambert.base.json.Json;

/** Events to invoke a function with. */
public final class Events {
    private Events() {}

    /** {@code {"text": text}}, as JSON bytes. */
    public static byte[] text(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = Json.generator(out)) {
            g.writeStartObject();
            g.writeStringField("text", text);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory failed", e);
        }
        return out.toByteArray();
    }
}

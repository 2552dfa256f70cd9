package lambert.toolkit.verify;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import lambert.runtime.bundle.Manifest;
import lambert.runtime.bundle.Task;
import lambert.base.json.Json;
import lambert.base.json.JsonException;
import lambert.runtime.task.Classification;
import lambert.runtime.task.Embedding;
import lambert.runtime.task.Entity;
import lambert.runtime.task.LabelScore;
import lambert.runtime.task.Prediction;
import lambert.runtime.task.Tagging;
import lambert.toolkit.emulator.Emulator;
import lambert.toolkit.emulator.InitFailedException;
import lambert.toolkit.emulator.Report;

/**
 * A function package's answers: the zip in the {@link Emulator} (natively, or under qemu for another
 * architecture), asked through the function's own contract, {@code {"texts": [...]}} with base64 float32
 * embeddings (exact), every label and token-level entities, {@value #CHUNK} texts per invocation.
 */
public final class PackageAnswers implements Answers {
    /** Texts per invocation. */
    static final int CHUNK = 16;

    private final Path zip;
    private final Emulator emulator;
    private final Manifest manifest;

    /**
     * @param zip the function package
     * @param emulator an emulator for {@code zip}, not yet started; closed with these answers
     * @throws IOException if the zip has no readable {@code model/lambert.json}
     */
    public PackageAnswers(Path zip, Emulator emulator) throws IOException {
        this.zip = zip;
        this.emulator = emulator;
        this.manifest = manifestOf(zip);
    }

    /** The manifest a package carries in {@code model/lambert.json}. */
    static Manifest manifestOf(Path zip) throws IOException {
        try (ZipFile file = new ZipFile(zip.toFile())) {
            ZipEntry entry = file.getEntry("model/" + Manifest.FILE_NAME);
            if (entry == null) {
                throw new IOException(zip + " has no model/" + Manifest.FILE_NAME + ": not a package made by lambert "
                        + "package");
            }
            try (InputStream in = file.getInputStream(entry)) {
                return Manifest.parse(in.readAllBytes());
            }
        }
    }

    @Override
    public Manifest manifest() {
        return manifest;
    }

    @Override
    public List<Prediction> predict(List<String> texts) throws IOException {
        List<Prediction> out = new ArrayList<>(texts.size());
        for (int from = 0; from < texts.size(); from += CHUNK) {
            List<String> chunk = texts.subList(from, Math.min(texts.size(), from + CHUNK));
            Report report;
            try {
                report = emulator.invoke(request(chunk));
            } catch (InitFailedException e) {
                throw new IOException(zip + " failed to initialise (" + e.errorType() + "): " + e.getMessage(), e);
            }
            out.addAll(parse(report, chunk));
        }
        return out;
    }

    private static byte[] request(List<String> texts) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = Json.generator(out)) {
            g.writeStartObject();
            g.writeArrayFieldStart("texts");
            for (String text : texts) {
                g.writeString(text);
            }
            g.writeEndArray();
            g.writeStringField("encoding", "base64");
            g.writeObjectFieldStart("parameters");
            g.writeStringField("aggregation_strategy", "none");
            g.writeEndObject();
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    private List<Prediction> parse(Report report, List<String> texts) throws IOException {
        String body = new String(report.response(), StandardCharsets.UTF_8);
        if (!report.status().equals("success")) {
            throw new IOException(zip + " answered with a function " + report.status() + ": " + abbreviate(body));
        }
        Map<?, ?> response;
        try {
            response = Json.parse(report.response()) instanceof Map<?, ?> m ? m : Map.of();
        } catch (JsonException e) {
            throw new IOException(zip + " answered with invalid JSON: " + e.getMessage());
        }
        if (response.containsKey("errorType") || !(response.get("results") instanceof List<?> results)
                || results.size() != texts.size()) {
            throw new IOException(zip + " did not answer " + texts.size() + " texts: " + abbreviate(body));
        }
        List<Prediction> out = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            Map<?, ?> result = (Map<?, ?>) results.get(i);
            int tokens = ((Number) result.get("tokens")).intValue();
            boolean truncated = Boolean.TRUE.equals(result.get("truncated"));
            out.add(prediction(result, texts.get(i), tokens, truncated));
        }
        return out;
    }

    private Prediction prediction(Map<?, ?> result, String text, int tokens, boolean truncated) {
        Task task = manifest.task();
        if (task == Task.EMBED) {
            ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode((String) result.get("embedding")))
                    .order(ByteOrder.LITTLE_ENDIAN);
            float[] vector = new float[bytes.remaining() / Float.BYTES];
            bytes.asFloatBuffer().get(vector);
            return new Embedding(vector, tokens, truncated);
        }
        if (task == Task.CLASSIFY) {
            List<LabelScore> labels = new ArrayList<>();
            for (Object o : (List<?>) result.get("labels")) {
                Map<?, ?> label = (Map<?, ?>) o;
                labels.add(new LabelScore((String) label.get("label"), ((Number) label.get("score")).floatValue()));
            }
            return new Classification(labels, tokens, truncated);
        }
        List<Entity> entities = new ArrayList<>();
        for (Object o : (List<?>) result.get("entities")) {
            Map<?, ?> e = (Map<?, ?>) o;
            // the contract counts code points; Entity counts UTF-16 chars
            int start = text.offsetByCodePoints(0, ((Number) e.get("start")).intValue());
            int end = text.offsetByCodePoints(0, ((Number) e.get("end")).intValue());
            entities.add(new Entity((String) e.get("entity"), ((Number) e.get("score")).floatValue(),
                    (String) e.get("word"), start, end));
        }
        return new Tagging(entities, tokens, truncated);
    }

    private static String abbreviate(String body) {
        return body.length() > 300 ? body.substring(0, 297) + "..." : body;
    }

    @Override
    public String describe() {
        return zip + ", " + emulator.emulation().describe();
    }

    @Override
    public void close() {
        emulator.close();
    }
}

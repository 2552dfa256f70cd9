package lambert.runtime.contract;

import lambert.base.json.JsonWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.List;
import lambert.runtime.Predictions;
import lambert.runtime.bundle.Manifest;
import lambert.base.json.Json;
import lambert.runtime.task.Aggregation;
import lambert.runtime.task.Classification;
import lambert.runtime.task.Embedding;
import lambert.runtime.task.Entity;
import lambert.runtime.task.LabelScore;
import lambert.runtime.task.Prediction;
import lambert.runtime.task.Tagging;

/**
 * Writes responses. One text sent as a string gets one result, flattened into the response
 * object; a list of texts gets {@code "results"} in the same order, plus {@code "truncated"}: the
 * indices of the texts that were cut. Every result says its token count and whether it was cut.
 * Entity offsets count Unicode code points, as Hugging Face pipelines and Python strings do.
 *
 * <pre>
 * {"task":"embed","model":"all-MiniLM-L6-v2","dimensions":384,"embedding":[...],"tokens":7,"truncated":false}
 * {"task":"classify","model":"m","results":[{"labels":[{"label":"POSITIVE","score":0.98}],"tokens":5,
 *   "truncated":false}],"truncated":[]}
 * </pre>
 */
public final class ResponseWriter {
    private ResponseWriter() {}

    /**
     * What GET answers over HTTP: the model's name, task, sizes and the request limits, e.g.
     * {@code {"model":"m","task":"embed","max_length":256,"output_size":384,"labels":[],"quantization":"int8",
     * "max_texts":256,"max_input_bytes":1048576,"lambert_version":"0.1.0"}} ({@code max_tokens} only when limited).
     */
    public static byte[] modelInfo(Manifest manifest, Limits limits) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonWriter g = JsonWriter.to(out)) {
            g.writeStartObject();
            g.writeStringField("model", manifest.name());
            g.writeStringField("task", manifest.task().id());
            g.writeNumberField("max_length", manifest.maxLength());
            g.writeNumberField("output_size", manifest.outputSize());
            g.writeArrayFieldStart("labels");
            for (String label : manifest.labels()) {
                g.writeString(label);
            }
            g.writeEndArray();
            g.writeStringField("quantization", manifest.quantization());
            g.writeNumberField("max_texts", limits.maxTexts());
            g.writeNumberField("max_input_bytes", limits.maxInputBytes());
            if (limits.maxTokens() != Integer.MAX_VALUE) {
                g.writeNumberField("max_tokens", limits.maxTokens());
            }
            g.writeStringField("lambert_version", manifest.lambertVersion());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The response body for answered predictions. */
    public static byte[] write(Manifest manifest, Request request, Predictions predictions) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonWriter g = JsonWriter.to(out)) {
            g.writeStartObject();
            g.writeStringField("task", manifest.task().id());
            g.writeStringField("model", manifest.name());
            if (manifest.outputSize() > 0 && predictions.predictions().get(0) instanceof Embedding) {
                g.writeNumberField("dimensions", manifest.outputSize());
                g.writeStringField("encoding", request.encoding() == Encoding.BASE64 ? "base64" : "float");
            }
            List<Prediction> list = predictions.predictions();
            if (request.single()) {
                writeFields(g, list.get(0), request.texts().get(0), request);
            } else {
                g.writeArrayFieldStart("results");
                for (int i = 0; i < list.size(); i++) {
                    g.writeStartObject();
                    writeFields(g, list.get(i), request.texts().get(i), request);
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeArrayFieldStart("truncated");
                for (int i = 0; i < list.size(); i++) {
                    if (list.get(i).truncated()) {
                        g.writeNumber(i);
                    }
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void writeFields(JsonWriter g, Prediction p, String text, Request request) throws IOException {
        if (p instanceof Embedding) {
            float[] v = ((Embedding) p).vector();
            if (request.encoding() == Encoding.BASE64) {
                ByteBuffer bytes = ByteBuffer.allocate(v.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                bytes.asFloatBuffer().put(v);
                g.writeStringField("embedding", Base64.getEncoder().encodeToString(bytes.array()));
            } else {
                g.writeArrayFieldStart("embedding");
                for (float x : v) {
                    g.writeNumber(x);
                }
                g.writeEndArray();
            }
        } else if (p instanceof Classification) {
            g.writeArrayFieldStart("labels");
            for (LabelScore s : ((Classification) p).labels()) {
                g.writeStartObject();
                g.writeStringField("label", s.label());
                g.writeNumberField("score", s.score());
                g.writeEndObject();
            }
            g.writeEndArray();
        } else {
            String key = request.parameters().aggregation() == Aggregation.NONE ? "entity" : "entity_group";
            g.writeArrayFieldStart("entities");
            for (Entity e : ((Tagging) p).entities()) {
                g.writeStartObject();
                g.writeStringField(key, e.label());
                g.writeNumberField("score", e.score());
                g.writeStringField("word", e.word());
                g.writeNumberField("start", e.codePointStart(text));
                g.writeNumberField("end", e.codePointEnd(text));
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        g.writeNumberField("tokens", p.tokens());
        g.writeBooleanField("truncated", p.truncated());
    }

    /** The error body: {@code {"errorType": ..., "errorMessage": ..., "field": ...}}. */
    public static byte[] error(String type, String message, String field, String requestId) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        try (JsonWriter g = JsonWriter.to(out)) {
            g.writeStartObject();
            g.writeStringField("errorType", type);
            g.writeStringField("errorMessage", message);
            if (field != null) {
                g.writeStringField("field", field);
            }
            if (requestId != null) {
                g.writeStringField("requestId", requestId);
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}

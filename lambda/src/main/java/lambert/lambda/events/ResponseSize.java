package lambert.lambda.events;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.Locale;
import lambert.runtime.contract.Reply;
import lambert.runtime.contract.RequestException;
import lambert.runtime.task.Embedding;

/**
 * The size check on the response as the caller measures it: the whole JSON the function returns (status, headers
 * and the body as a JSON string, for HTTP-style events), against {@link EventKind#maxResponseBytes()}. Over it,
 * Lambda or the load balancer would turn the answer into an error of its own (ALB a 502, Lambda
 * {@code Function.ResponseSizeTooLarge}); the function answers 413 instead, saying what to change.
 */
public final class ResponseSize {
    /** Made on first use (only a response over its limit needs it), so that Jackson stays unloaded in INIT. */
    private static final class Jackson {
        static final JsonFactory JSON = new JsonFactory();
    }

    private ResponseSize() {}

    /**
     * Refuses a response too large for the event's caller.
     *
     * @param responseBytes the encoded response's size
     * @param texts how many texts the request had
     * @param reply the answer, to tell whether it carries float embeddings
     * @return the 413 to answer instead, or null when the response fits
     */
    public static RequestException check(EventKind kind, long responseBytes, int texts, Reply reply) {
        long limit = kind.maxResponseBytes();
        if (responseBytes <= limit) {
            return null;
        }
        StringBuilder message = new StringBuilder(String.format(Locale.ROOT, "the answer would be %,d bytes as the "
                + "response to %s, over %s; ", responseBytes, kind.description(), kind.responseLimit()));
        String or = "";
        if (texts > 1) {
            // nine tenths of the proportional share: answers to texts differ a little in size
            message.append(String.format(Locale.ROOT, "send fewer texts per request (about %d of these %d fit)",
                    Math.max(1, texts * limit * 9 / (10 * responseBytes)), texts));
            or = ", or ";
        }
        if (floatEmbeddings(reply)) {
            message.append(or).append("ask for \"encoding\": \"base64\" (the same embeddings in less than half the "
                    + "bytes)");
            or = ", or ";
        }
        if (kind == EventKind.ALB) {
            message.append(or).append("call the function through API Gateway or a function URL, which take up to "
                    + "6 MB");
        }
        return RequestException.tooLarge(null, message.toString());
    }

    /** Whether the answer holds embeddings written as float lists (the body's top-level {@code "encoding"}). */
    static boolean floatEmbeddings(Reply reply) {
        if (reply.predictions() == null || reply.predictions().predictions().isEmpty()
                || !(reply.predictions().predictions().get(0) instanceof Embedding)) {
            return false;
        }
        try (JsonParser p = Jackson.JSON.createParser(reply.body())) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (name.equals("encoding")) {
                    return "float".equals(p.getText());
                }
                if (value.isStructStart()) {
                    return false; // the contract writes "encoding" before any list
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }
}

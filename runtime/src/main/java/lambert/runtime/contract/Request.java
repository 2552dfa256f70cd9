package lambert.runtime.contract;

import java.util.List;
import lambert.runtime.task.Parameters;

/**
 * A parsed request.
 *
 * @param texts the texts to answer, in order
 * @param single whether one text was sent as a string ({@code text}, or {@code inputs} as a string):
 *     the response then has one result rather than a list
 * @param parameters task options
 * @param encoding how embeddings are written
 */
public record Request(List<String> texts, boolean single, Parameters parameters, Encoding encoding) {
    public Request {
        texts = List.copyOf(texts);
    }
}

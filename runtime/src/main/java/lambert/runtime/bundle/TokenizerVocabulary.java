package lambert.runtime.bundle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import lambert.base.json.Json;
import lambert.base.json.JsonException;

/** Reads the vocabulary size of a Hugging Face {@code tokenizer.json}: one more than its highest id. */
public final class TokenizerVocabulary {
    private TokenizerVocabulary() {}

    /** The number of ids the tokenizer can produce (highest id + 1), counting added tokens. */
    public static int size(Path tokenizerJson) {
        Object tree;
        try {
            tree = Json.parse(Files.readAllBytes(tokenizerJson));
        } catch (IOException e) {
            throw new BundleException("cannot read " + tokenizerJson + ": " + e.getMessage(), e);
        } catch (JsonException e) {
            throw new BundleException(tokenizerJson + " is " + e.getMessage(), e);
        }
        JsonFields root = new JsonFields(tokenizerJson.toString(), tree);
        JsonFields model = root.object("model");
        if (model == null || model.raw("vocab") == null) {
            throw new BundleException(tokenizerJson + ": expected a \"model\" object with a \"vocab\", found none");
        }
        long highest = -1;
        Object vocab = model.raw("vocab");
        if (vocab instanceof Map) {
            for (Object id : ((Map<?, ?>) vocab).values()) {
                if (id instanceof Long) {
                    highest = Math.max(highest, (Long) id);
                }
            }
        } else if (vocab instanceof List) {
            highest = ((List<?>) vocab).size() - 1;
        }
        Object added = root.raw("added_tokens");
        if (added instanceof List) {
            for (Object token : (List<?>) added) {
                if (token instanceof Map && ((Map<?, ?>) token).get("id") instanceof Long) {
                    highest = Math.max(highest, (Long) ((Map<?, ?>) token).get("id"));
                }
            }
        }
        if (highest < 0) {
            throw new BundleException(tokenizerJson + ": the vocabulary is empty");
        }
        return (int) (highest + 1);
    }
}

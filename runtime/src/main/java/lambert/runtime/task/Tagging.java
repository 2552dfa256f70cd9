package lambert.runtime.task;

import java.util.List;

/**
 * Entities found in a text, in text order.
 *
 * @param entities the spans
 * @param tokens tokens the model saw
 * @param truncated whether the text was cut (entities past the cut are not found)
 */
public record Tagging(List<Entity> entities, int tokens, boolean truncated) implements Prediction {
    public Tagging {
        entities = List.copyOf(entities);
    }
}

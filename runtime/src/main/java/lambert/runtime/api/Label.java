package lambert.runtime.api;

/**
 * A label a {@link Classifier} gave a whole text.
 *
 * @param name the label's name, from the bundle's labels
 * @param score its softmax probability (sigmoid for multi-label models)
 */
public record Label(String name, float score) {}

package lambert.runtime.task;

/** What the model answered for one text. */
public sealed interface Prediction permits Embedding, Classification, Tagging {
    /** Tokens the model saw, special tokens included. */
    int tokens();

    /** Whether the text was cut at the model's maximum length. */
    boolean truncated();
}

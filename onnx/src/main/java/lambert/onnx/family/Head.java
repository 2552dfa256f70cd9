package lambert.onnx.family;

/** What sits on top of the encoder, and so what the converted graph outputs. */
public enum Head {
    /** The bare encoder: {@code last_hidden_state [batch, sequence, hidden]}. */
    ENCODER("last_hidden_state"),
    /** A classifier on the pooled first token: {@code logits [batch, labels]}. */
    SEQUENCE_CLASSIFICATION("logits"),
    /** A classifier on every token: {@code logits [batch, sequence, labels]}. */
    TOKEN_CLASSIFICATION("logits");

    private final String outputName;

    Head(String outputName) {
        this.outputName = outputName;
    }

    /** The conventional name of the graph output. */
    public String outputName() {
        return outputName;
    }
}

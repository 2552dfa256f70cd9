package lambert.runtime.task;

/** A text longer than the model's maximum length, in a request that turned truncation off. */
public final class TextTooLongException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int index;

    public TextTooLongException(int index, int maxLength) {
        super("text " + index + " is longer than the model's maximum of " + maxLength
                + " tokens and truncation is off (send \"truncation\": true to cut it instead)");
        this.index = index;
    }

    /** The position of the text in the request. */
    public int index() {
        return index;
    }
}
